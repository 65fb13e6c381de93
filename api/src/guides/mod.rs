//! Procedures (办事指南) and offices' contacts (联系方式). (Being built: issue 19.)
