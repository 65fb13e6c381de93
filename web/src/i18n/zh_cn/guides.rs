//! Procedures (办事指南) and offices' contacts (联系方式): the console's list, editor,
//! preview and offices; the student pages `/s/guides`, `/s/guides/:id` and `/s/teachers`.

pub const NAV_GUIDES: &str = "办事指南";
pub const GUIDES_TITLE: &str = "办事指南";
pub const GUIDES_INTRO: &str =
    "把常办事项写成指南：负责部门、办理时间地点、步骤、所需材料和联系人。发布后学生可在「办事指南」页面和搜索中找到。";
pub const GUIDES_TAB: &str = "指南";
pub const OFFICES_TAB: &str = "部门联系方式";
pub const NEW_GUIDE: &str = "新建指南";
pub const EDIT_GUIDE: &str = "编辑指南";
pub const NO_GUIDES: &str = "还没有办事指南。点击「新建指南」写第一篇，例如「奖学金申请」「请假流程」。";
pub const GUIDES_NO_MATCH: &str = "没有找到符合条件的指南。";
pub const GUIDES_SEARCH: &str = "搜索标题、摘要、步骤或标签";
pub const BACK_TO_GUIDES: &str = "返回办事指南";
pub const GUIDE_TITLE: &str = "标题";
pub const GUIDE_TITLE_PLACEHOLDER: &str = "例如：国家奖学金申请";
pub const GUIDE_SUMMARY: &str = "摘要";
pub const GUIDE_SUMMARY_HINT: &str = "一两句话说明这件事是什么、谁需要办，显示在列表和搜索结果中。";
pub const GUIDE_OFFICE: &str = "负责部门";
pub const GUIDE_NO_OFFICE: &str = "（不指定）";
pub const GUIDE_WHEN_WHERE: &str = "办理时间和地点";
pub const GUIDE_WHEN_WHERE_PLACEHOLDER: &str = "例如：每年 9 月第 2–4 周，行政楼 302";
pub const GUIDE_STEPS: &str = "办理步骤";
pub const GUIDE_STEPS_HINT: &str = "每一步一段，支持 Markdown（**加粗**、列表、链接）。";
pub const GUIDE_ADD_STEP: &str = "＋ 添加步骤";
pub const GUIDE_MOVE_UP: &str = "上移";
pub const GUIDE_MOVE_DOWN: &str = "下移";
pub const GUIDE_REMOVE: &str = "移除";
pub const GUIDE_MATERIALS: &str = "所需材料";
pub const GUIDE_ADD_MATERIAL: &str = "＋ 添加材料";
pub const GUIDE_MATERIAL_NAME: &str = "材料名称";
pub const GUIDE_DOCUMENT: &str = "文档库中的文档";
pub const GUIDE_NO_DOCUMENT: &str = "（不关联文档）";
pub const GUIDE_DOCUMENT_ID: &str = "文档编号";
pub const GUIDE_DOCUMENT_ID_HINT: &str = "可不填；填写文档库中文档的编号，学生可直接打开下载。";
pub const GUIDE_CONTACTS: &str = "联系人";
pub const GUIDE_CONTACTS_HINT: &str = "老师的电话只有在其本人公开联系方式时才对学生显示。";
pub const GUIDE_ADD_OFFICE: &str = "＋ 部门";
pub const GUIDE_ADD_TEACHER: &str = "＋ 老师";
pub const GUIDE_CHOOSE_OFFICE: &str = "选择部门";
pub const GUIDE_CHOOSE_TEACHER: &str = "选择老师";
pub const GUIDE_TAGS: &str = "标签";
pub const GUIDE_TAGS_HINT: &str = "用空格或逗号分隔，例如：奖助 奖学金。学生可按标签筛选。";
pub const GUIDE_REVIEWED_ON: &str = "最后审核日期";
pub const GUIDE_PUBLISHED: &str = "发布（学生可见、可搜索）";
pub const GUIDE_DRAFT: &str = "草稿";
pub const GUIDE_IS_PUBLISHED: &str = "已发布";
pub const GUIDE_PREVIEW: &str = "预览：学生看到的样子";
pub const GUIDE_PREVIEW_EMPTY: &str = "填写标题和步骤后，这里显示学生看到的页面。";
pub const GUIDE_SAVE: &str = "保存";
pub const GUIDE_SAVED: &str = "指南已保存。";
pub const GUIDE_READ_ONLY: &str = "这篇指南由其他老师编写，只有作者或管理员可以修改。";
pub const GUIDE_AUTHOR: &str = "作者";
pub const GUIDE_UPDATED_AT: &str = "更新时间";
pub const GUIDE_STATE: &str = "状态";

pub fn guide_step(n: usize) -> String {
    format!("第 {n} 步")
}

pub fn confirm_delete_guide(title: &str) -> String {
    format!("删除指南「{title}」？学生将不能再看到它，搜索中也会移除。")
}

pub const OFFICES_INTRO: &str =
    "学生常联系的部门（教务处、学工办、图书馆……）：电话、地点和办公时间。学生在「联系方式」页面和搜索中可以查到。";
pub const OFFICES_ADMIN_ONLY: &str = "部门联系方式由管理员维护。";
pub const NEW_OFFICE: &str = "新增部门";
pub const EDIT_OFFICE: &str = "编辑部门";
pub const NO_OFFICES: &str = "还没有部门。添加教务处、学工办、图书馆等，学生即可查到电话和地点。";
pub const OFFICE_NAME: &str = "名称";
pub const OFFICE_NAME_PLACEHOLDER: &str = "例如：教务处";
pub const OFFICE_PHONE: &str = "电话";
pub const OFFICE_PLACE: &str = "地点";
pub const OFFICE_PLACE_PLACEHOLDER: &str = "例如：行政楼 201";
pub const OFFICE_HOURS: &str = "办公时间";
pub const OFFICE_HOURS_PLACEHOLDER: &str = "例如：工作日 8:30–11:30，14:30–17:00";
pub const OFFICE_DESCRIPTION: &str = "说明";
pub const OFFICE_POSITION: &str = "排序";
pub const OFFICE_POSITION_HINT: &str = "数字小的排在前面。";
pub const OFFICE_SAVED: &str = "部门联系方式已保存。";
pub const OFFICE_DELETED: &str = "部门已删除。";

pub fn confirm_delete_office(name: &str) -> String {
    format!("删除部门「{name}」？由它负责的指南会保留，但不再显示负责部门。")
}

pub const PORTAL_GUIDES: &str = "办事指南";
pub const PORTAL_GUIDES_SEARCH: &str = "搜索办事流程，如 请假、奖学金";
pub const PORTAL_NO_GUIDES: &str = "还没有办事指南。";
pub const PORTAL_GUIDES_NO_MATCH: &str = "没有找到相关的办事指南，换个词试试。";
pub const PORTAL_ALL_TAGS: &str = "全部";
pub const GUIDE_WHEN_WHERE_SHORT: &str = "时间地点";
pub const GUIDE_STEPS_TITLE: &str = "办理步骤";
pub const GUIDE_MATERIALS_TITLE: &str = "所需材料";
pub const GUIDE_OPEN_DOCUMENT: &str = "下载表格 ›";
pub const GUIDE_CONTACTS_TITLE: &str = "咨询联系";
pub const GUIDE_HOURS: &str = "时间";

pub fn guide_reviewed(day: &str) -> String {
    format!("最后审核：{day}")
}

pub const PORTAL_CONTACTS: &str = "联系方式";
pub const PORTAL_CONTACTS_SEARCH: &str = "搜索部门、老师姓名或办公室";
pub const PORTAL_OFFICES: &str = "部门";
pub const PORTAL_TEACHERS_HEADING: &str = "老师";
