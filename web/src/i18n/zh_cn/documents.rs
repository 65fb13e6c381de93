//! The document library (常用文档): the console page 文档 (folders, uploads, editing,
//! versions) and the student page `/s/documents`.

use shared::DocAudienceKind;

use crate::api::ClientError;

pub const NAV_DOCUMENTS: &str = "文档";
pub const DOCUMENTS_TITLE: &str = "常用文档";
pub const DOCUMENTS_INTRO: &str =
    "学生常用的表格和文档（奖助、请假、党团、就业……）：按文件夹整理，学生在公众号的「常用文档」页面按可见范围查看、下载，也可以发送到自己的微信。替换文件会保留以前的版本。";
pub const UPLOAD_FILES: &str = "上传文件";
pub const DROP_HINT: &str = "把文件拖到这里即可上传，可一次多个；每个文件成为一份文档，标题取自文件名。";
pub const DROP_HERE: &str = "松开鼠标即可上传";
pub const FOLDERS: &str = "文件夹";
pub const ALL_DOCUMENTS: &str = "全部文档";
pub const UNFILED: &str = "未分类";
pub const NEW_FOLDER: &str = "新文件夹";
pub const NEW_FOLDER_PLACEHOLDER: &str = "例如：奖助";
pub const ADD_FOLDER: &str = "添加";
pub const RENAME_FOLDER: &str = "重命名文件夹";
pub const MOVE_UP: &str = "上移";
pub const MOVE_DOWN: &str = "下移";
pub const FOLDER_NAME: &str = "文件夹名称";
pub const FOLDERS_ADMIN_HINT: &str = "文件夹由管理员维护。";
pub const SEARCH_DOCUMENTS: &str = "搜索标题、说明、标签或文件名";
pub const NO_DOCUMENTS: &str = "还没有文档。点击「上传文件」或把文件拖到这里。";
pub const NO_MATCHING_DOCUMENTS: &str = "没有符合条件的文档。";
pub const DOC_TITLE: &str = "标题";
pub const DOC_FOLDER: &str = "文件夹";
pub const DOC_AUDIENCE: &str = "可见范围";
pub const DOC_VERSION: &str = "版本";
pub const DOC_SIZE: &str = "大小";
pub const DOC_DOWNLOADS: &str = "下载";
pub const DOC_UPDATED: &str = "更新时间";
pub const DOC_DESCRIPTION: &str = "说明";
pub const DOC_DESCRIPTION_PLACEHOLDER: &str = "这份文档是做什么的、何时使用、填写要点";
pub const DOC_TAGS: &str = "标签";
pub const DOC_TAGS_HINT: &str = "用逗号或空格分隔，例如：奖学金 申请表";
pub const EDIT_DOCUMENT: &str = "编辑文档";
pub const REPLACE_FILE: &str = "替换文件";
pub const VERSIONS: &str = "版本";
pub const VERSIONS_OF: &str = "历史版本";
pub const VERSIONS_HINT: &str = "学生总是下载当前版本；以前的版本只有教师可以下载。";
pub const CURRENT_VERSION: &str = "当前";
pub const DOWNLOAD: &str = "下载";
pub const CLOSE_DIALOG: &str = "关闭";
pub const UPLOAD_TITLE: &str = "上传文档";
pub const UPLOAD_INTO: &str = "放入文件夹";
pub const UPLOADED: &str = "已上传";
pub const AUDIENCE_LISTED_HINT: &str = "选择能看到这份文档的班级和分组（可多选）。";
pub const NO_CLASSES_OR_GROUPS: &str = "没有可选的班级或分组。";
pub const DOCUMENT_SAVED: &str = "文档已保存。";
pub const DOCUMENT_DELETED: &str = "文档已删除。";
pub const FOLDER_DELETED: &str = "文件夹已删除。";
pub const DELETE_DOCUMENT: &str = "删除文档";
pub const DELETE_FOLDER: &str = "删除文件夹";
pub const READ_ONLY: &str = "只读";
pub const FILE_NAME: &str = "文件名";
pub const UPLOADED_AT: &str = "上传者与时间";

pub fn audience_kind(kind: DocAudienceKind) -> &'static str {
    match kind {
        DocAudienceKind::All => "所有人",
        DocAudienceKind::Students => "全体学生",
        DocAudienceKind::Teachers => "仅教师",
        DocAudienceKind::Listed => "指定班级和分组",
    }
}

pub fn audience_hint(kind: DocAudienceKind) -> &'static str {
    match kind {
        DocAudienceKind::All => "所有关注公众号的人都能看到，包括未绑定学号的关注者。",
        DocAudienceKind::Students => "已绑定学号的学生都能看到。",
        DocAudienceKind::Teachers => "学生看不到，只在控制台中供教师使用。",
        DocAudienceKind::Listed => "只有所选班级和分组的学生能看到。",
    }
}

pub fn version_number(n: i64) -> String {
    format!("第 {n} 版")
}

pub fn uploaded_count(done: usize, total: usize) -> String {
    format!("已上传 {done} / {total} 个文件。")
}

pub fn upload_button(n: usize) -> String {
    format!("上传 {n} 个文件")
}

pub fn uploaded_by(name: &str, when: &str) -> String {
    if name.is_empty() {
        when.to_string()
    } else {
        format!("{name} · {when}")
    }
}

pub fn confirm_delete_document(title: &str, versions: i64) -> String {
    format!("确定删除「{title}」吗？它的全部 {versions} 个版本和下载记录都会删除，学生将无法再下载。")
}

pub fn confirm_delete_folder(name: &str, documents: i64) -> String {
    if documents == 0 {
        format!("确定删除文件夹「{name}」吗？")
    } else {
        format!("确定删除文件夹「{name}」吗？其中的 {documents} 份文档不会删除，将移到「未分类」。")
    }
}

pub fn replaced(title: &str, version: i64) -> String {
    format!("「{title}」已更新为第 {version} 版。")
}

pub fn documents_error(err: &ClientError) -> Option<String> {
    Some(match err.code()? {
        "not_your_document" => "只有上传者、文档所列全部班级和分组的教师以及管理员可以修改这份文档。".into(),
        "folder_name_taken" => "已有同名的文件夹。".into(),
        _ => {
            let file = err.field("file")?;
            return Some(if file.contains("not accepted") {
                "不支持这种文件类型。可上传 PDF、Word、Excel、PPT、WPS、图片、文本、压缩包和音视频文件。".into()
            } else if file.contains("larger than") {
                format!("文件太大：{}", file.replace("is larger than", "不能超过"))
            } else {
                "文件为空或没有文件名。".into()
            });
        }
    })
}

// 学生页面 /s/documents
pub const PORTAL_DOCUMENTS: &str = "常用文档";
pub const PORTAL_DOCUMENTS_SEARCH: &str = "搜索表格、文档";
pub const PORTAL_ALL_FOLDERS: &str = "全部";
pub const PORTAL_NO_DOCUMENTS: &str = "暂时没有可下载的文档。";
pub const PORTAL_NO_MATCHING_DOCUMENTS: &str = "没有找到相关文档，换个关键词试试。";
pub const PORTAL_DOWNLOAD: &str = "下载";
pub const PORTAL_PREVIEW: &str = "预览";
pub const PORTAL_DOC_HINT: &str =
    "微信内置浏览器打不开 Word、Excel 等文件时，点「发送到微信」：文件链接会发到你和公众号的聊天中，可在手机浏览器打开，或转发到「文件传输助手」在电脑上打开。";

/// What kind of file it is, as a student says it (never the bare extension).
pub fn file_kind(content_type: &str, file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "PDF",
        "doc" | "docx" | "wps" => "Word 文档",
        "xls" | "xlsx" => "Excel 表格",
        "csv" => "CSV 表格",
        "ppt" | "pptx" => "演示文稿",
        "txt" => "文本",
        "zip" | "rar" | "7z" => "压缩包",
        _ if content_type.starts_with("image/") => "图片",
        _ if content_type.starts_with("audio/") => "音频",
        _ if content_type.starts_with("video/") => "视频",
        _ => "文件",
    }
}
