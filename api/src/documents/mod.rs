//! The document library (常用表格文档下载): folders of forms and documents students download,
//! each with its versions and download counts. (Being built: issue 19.)
