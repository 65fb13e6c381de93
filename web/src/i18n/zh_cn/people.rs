//! Classes, students, groups, rosters, followers, settings and binding.

use shared::{Gender, StudentStatus};

use crate::api::ClientError;

// Navigation
pub const NAV_CLASSES: &str = "班级管理";
pub const NAV_STUDENTS: &str = "学生名单";
pub const NAV_GROUPS: &str = "学生分组";
pub const NAV_FOLLOWERS: &str = "关注者";
pub const NAV_MENUS: &str = "公众号菜单";
pub const NAV_SETTINGS: &str = "系统设置";

// Classes
pub const CLASSES_TITLE: &str = "班级管理";
pub const CLASSES_SEARCH_PLACEHOLDER: &str = "搜索班级名称、年级或专业";
pub const NEW_CLASS: &str = "新建班级";
pub const EDIT_CLASS: &str = "编辑班级";
pub const CLASS_NAME: &str = "班级名称";
pub const CLASS_NAME_PLACEHOLDER: &str = "例如：计算机2301";
pub const GRADE: &str = "年级";
pub const GRADE_PLACEHOLDER: &str = "例如：2023级";
pub const DEPARTMENT: &str = "院系";
pub const MAJOR: &str = "专业";
pub const CLASS_TEACHERS: &str = "负责老师";
pub const STUDENT_COUNT: &str = "学生（已绑定/总数）";
pub const MIRROR_TAG: &str = "同步为微信标签";
pub const MIRROR_TAG_HINT: &str = "开启后，本班已绑定微信的学生会被打上同名标签，可用于按标签群发与个性化菜单。";
pub const MIRRORED: &str = "已同步";
pub const NOT_MIRRORED: &str = "未同步";
pub const NO_CLASSES: &str = "还没有班级。";
pub const NO_CLASSES_TEACHER: &str = "您还没有负责的班级，请联系管理员分配。";
pub const CLASS_SAVED: &str = "班级已保存。";
pub const CLASS_DELETED: &str = "班级已删除，其学生保留为未分班。";
pub const CADRES: &str = "班干部";
pub const EDIT: &str = "编辑";
pub const NONE_YET: &str = "—";

pub fn confirm_delete_class(name: &str) -> String {
    format!("确定删除班级「{name}」吗？班级中的学生会保留，但不再属于任何班级。")
}

pub fn bound_of(bound: i64, total: i64) -> String {
    format!("{bound} / {total}")
}

// Cadres
pub const CADRES_OF: &str = "班干部";
pub const CADRE_TITLE: &str = "职务";
pub const CADRE_TITLES: &[&str] =
    &["班长", "团支书", "学习委员", "生活委员", "文艺委员", "体育委员", "心理委员", "宣传委员"];
pub const CADRE_STUDENT: &str = "学生";
pub const TERM: &str = "任期";
pub const STARTS_ON: &str = "开始日期";
pub const ENDS_ON: &str = "结束日期（可不填）";
pub const CURRENT: &str = "在任";
pub const ENDED: &str = "已卸任";
pub const END_TERM: &str = "卸任";
pub const ADD_CADRE: &str = "任命班干部";
pub const NO_CADRES: &str = "本班还没有班干部。";
pub const CHOOSE_STUDENT: &str = "选择学生";
pub const CADRE_RIGHTS: &str = "在任班干部可在微信中查看本班同学名单，之后还能查看未读名单、发起班级签到。";

pub fn term(starts_on: &str, ends_on: Option<String>) -> String {
    match ends_on {
        Some(end) => format!("{starts_on} 至 {end}"),
        None => format!("{starts_on} 起"),
    }
}

// Students
pub const STUDENTS_TITLE: &str = "学生名单";
pub const STUDENTS_SEARCH_PLACEHOLDER: &str = "搜索姓名或学号";
pub const NEW_STUDENT: &str = "添加学生";
pub const EDIT_STUDENT: &str = "编辑学生";
pub const STUDENT_NO: &str = "学号";
pub const NAME: &str = "姓名";
pub const GENDER: &str = "性别";
pub const CLASS: &str = "班级";
pub const PHONE: &str = "手机";
pub const EMAIL: &str = "邮箱";
pub const DORMITORY: &str = "宿舍";
pub const STUDENT_STATUS: &str = "学籍状态";
pub const NOTES: &str = "备注";
pub const WECHAT: &str = "微信";
pub const ALL_CLASSES: &str = "全部班级";
pub const NO_CLASS: &str = "（未分班）";
pub const ALL_STATUSES: &str = "全部状态";
pub const BIND_STATE: &str = "绑定状态";
pub const BOUND: &str = "已绑定";
pub const UNBOUND: &str = "未绑定";
pub const NOT_FOLLOWING: &str = "已取关";
pub const NO_STUDENTS: &str = "没有符合条件的学生。";
pub const STUDENT_SAVED: &str = "学生信息已保存。";
pub const STUDENT_DELETED: &str = "学生已删除。";
pub const STUDENT_UNBOUND: &str = "已解除该学生的微信绑定。";
pub const DETAILS: &str = "详情";
pub const BIND_CODE: &str = "绑定码";
pub const BIND_CODE_HINT: &str = "学生在微信中绑定时输入此码。请只告诉学生本人。";
pub const GROUPS: &str = "所在分组";
pub const CADRE_TERMS: &str = "担任班干部";
pub const UNBIND: &str = "解除绑定";
pub const DETAIL_AUDITED: &str = "查看完整信息（含手机号与绑定码）会记录在审计日志中。";
pub const MEMBER_ONLY: &str = "小组成员";
pub const MEMBER_ONLY_HINT: &str = "不在您负责的班级：手机号等信息只有其班级老师可见";
pub const MEMBER_VIEW: &str = "这位学生是您小组的成员，但不在您负责的班级：您可以给他发通知、组织签到；手机号、邮箱、宿舍、备注、位置、考勤记录和绑定码只有其班级的老师和管理员可以查看。";
pub const BOUND_AT: &str = "绑定时间";

pub fn confirm_delete_student(name: &str) -> String {
    format!("确定删除学生「{name}」吗？此操作无法撤销。")
}

pub fn confirm_unbind_student(name: &str) -> String {
    format!("确定解除「{name}」的微信绑定吗？解除后该学生需要重新绑定才能接收通知。")
}

pub fn gender(g: Gender) -> &'static str {
    match g {
        Gender::Male => "男",
        Gender::Female => "女",
        Gender::Unknown => "未填",
    }
}

pub fn status(s: StudentStatus) -> &'static str {
    match s {
        StudentStatus::Enrolled => "在读",
        StudentStatus::Suspended => "休学",
        StudentStatus::Graduated => "毕业",
    }
}

// Roster import and export
pub const IMPORT: &str = "导入名单";
pub const EXPORT_CSV: &str = "导出 CSV";
pub const EXPORT_XLSX: &str = "导出 Excel";
pub const IMPORT_TITLE: &str = "导入学生名单";
pub const IMPORT_INTRO: &str = "上传 Excel（.xlsx）或 CSV 文件，第一行为表头，可用中文或英文：学号、姓名、性别、班级、手机、邮箱、宿舍、状态、备注。按学号更新已有学生；文件中没有的列和空白单元格不会覆盖已有信息。";
pub const CHOOSE_FILE: &str = "选择文件";
pub const DOWNLOAD_TEMPLATE: &str = "下载模板";
pub const CREATE_CLASSES: &str = "自动创建文件中不存在的班级";
pub const CHECK_FILE: &str = "检查文件";
pub const IMPORT_NOW: &str = "确认导入";
pub const READING: &str = "读取文件…";
pub const CHECKING: &str = "检查中…";
pub const WRITING: &str = "写入中…";
pub const IMPORT_OK: &str = "检查通过，可以导入。";
pub const IMPORT_HAS_ERRORS: &str = "以下行有问题，请修改文件后重新上传。有错误时不会写入任何数据。";
pub const IMPORT_DONE: &str = "导入完成。";
pub const ROW: &str = "行";
pub const FIELD: &str = "列";
pub const PROBLEM: &str = "问题";
pub const NO_FILE: &str = "请先选择文件。";
pub const NO_CLASS_YET: &str =
    "你还没有负责的班级，所以还不能添加或导入学生。请联系管理员新建班级，或在「班级管理」中把你设为班级负责人。";

pub fn import_summary(total: u32, created: u32, updated: u32) -> String {
    format!("共 {total} 行：新增 {created} 人，更新 {updated} 人。")
}

pub fn classes_to_create(names: &[String], done: bool) -> String {
    format!("{}：{}", if done { "已新建班级" } else { "将新建班级" }, names.join("、"))
}

/// Why a whole file was refused: the server says it in Chinese (`ParseError`).
pub fn import_failure(error: &str) -> String {
    format!("{error}。")
}

pub fn progress(done: u32, total: u32) -> String {
    format!("{done} / {total}")
}

pub fn field_name(field: &str) -> &'static str {
    match field {
        "student_no" => STUDENT_NO,
        "name" => NAME,
        "gender" => GENDER,
        "class" => CLASS,
        "phone" => PHONE,
        "email" => EMAIL,
        "dormitory" => DORMITORY,
        "status" => STUDENT_STATUS,
        "notes" => NOTES,
        "bind_code" => BIND_CODE,
        _ => "",
    }
}

pub fn row_problem(code: &str, field: &str) -> String {
    let what = field_name(field);
    match code {
        "required" if field == "class" => "新学生需要填写您负责的班级".into(),
        "required" => format!("缺少{what}"),
        "invalid" if field == "phone" => "手机号应为 11 位数字".into(),
        "invalid" if field == "bind_code" => "绑定码应为 6 位数字".into(),
        "invalid" => format!("{what}格式不正确"),
        "too_long" => format!("{what}太长"),
        "unknown_class" => "班级不存在".into(),
        "duplicate_in_file" => "学号在文件中重复出现".into(),
        "not_yours" if field == "class" => "不是您负责的班级".into(),
        "not_yours" => "该学号属于您不负责的学生".into(),
        "unknown_value" => format!("{what}的值无法识别"),
        other => other.to_string(),
    }
}

// Groups
pub const GROUPS_TITLE: &str = "学生分组";
pub const GROUPS_INTRO: &str = "学生会、社团、宿舍等分组可以包含任何班级的学生，由创建的老师管理。";
pub const NEW_GROUP: &str = "新建分组";
pub const GROUP_NAME: &str = "分组名称";
pub const GROUP_KIND: &str = "类型";
pub const GROUP_KINDS: &[&str] = &["学生会", "社团", "宿舍", "兴趣小组", "其他"];
pub const DESCRIPTION: &str = "说明";
pub const OWNER: &str = "负责老师";
pub const MEMBERS: &str = "成员";
pub const NO_GROUPS: &str = "还没有分组。";
pub const GROUP_SAVED: &str = "分组已保存。";
pub const GROUP_DELETED: &str = "分组已删除。";
pub const ADD_MEMBERS: &str = "添加成员";
pub const ADD_BY_NUMBER: &str = "按学号添加（可一次输入多个，用空格或逗号分隔）";
pub const NO_MEMBERS: &str = "分组还没有成员。";
pub const REMOVE: &str = "移除";
pub const MEMBERS_ADDED: &str = "成员已添加。";

pub fn confirm_delete_group(name: &str) -> String {
    format!("确定删除分组「{name}」吗？成员本身不会被删除。")
}

// Followers
pub const FOLLOWERS_TITLE: &str = "公众号关注者";
pub const FOLLOWERS_INTRO: &str =
    "公众号的所有关注者，以及他们在班级中对应的学生或老师。未绑定的关注者可能是家长、访客或尚未绑定的学生。";
pub const SYNC_FOLLOWERS: &str = "从微信同步";
pub const SYNCING: &str = "同步中…";
pub const OPENID: &str = "OpenID";
pub const REMARK: &str = "备注名";
pub const BOUND_TO: &str = "对应身份";
pub const SUBSCRIBED_AT: &str = "关注时间";
pub const FOLLOWING: &str = "关注中";
pub const UNFOLLOWED: &str = "已取关";
pub const NO_FOLLOWERS: &str = "还没有关注者记录，点击「从微信同步」获取。";
pub const SET_REMARK: &str = "设置备注";
pub const REMARK_SET: &str = "备注已设置。";
pub const ONLY_UNBOUND: &str = "只看未绑定";

pub fn last_sync(followers: u32, new: u32, unfollowed: u32) -> String {
    format!("上次同步：共 {followers} 位关注者，新增 {new} 位，取关 {unfollowed} 位。")
}

pub fn bound_to(kind: &str, name: &str, number: Option<&str>) -> String {
    match (kind, number) {
        ("student", Some(no)) => format!("学生 {name}（{no}）"),
        ("student", None) => format!("学生 {name}"),
        _ => format!("老师 {name}"),
    }
}

/// Errors of the people pages, in words.
pub fn people_error(err: &ClientError) -> Option<&'static str> {
    Some(match err.code()? {
        "class_name_taken" => "已有同名班级。",
        "student_no_taken" => "该学号已存在。",
        "not_your_class" => "只有该学生所在班级的负责老师可以修改。",
        "tag_limit" => "已保存，但公众号标签已达 100 个上限，未能同步为微信标签。",
        "tag_name_taken" => "已保存，但公众号已有同名标签，未能同步。",
        "wechat_unavailable" | "wechat_refused" => "微信接口暂时不可用，请稍后重试。",
        "not_bound" => "该学生还没有绑定微信。",
        "default_menu_first" => "请先发布默认菜单，再发布面向特定人群的菜单。",
        "pending_approval" => "账号正在等待管理员审核。",
        "registration_closed" => "暂未开放教师注册。",
        _ => return None,
    })
}

// Settings and approvals
pub const SETTINGS_TITLE: &str = "系统设置";
pub const SETTING_AUTO_REMARK: &str = "学生绑定后自动设置微信备注（班级-姓名）";
pub const SETTING_REGISTRATION_OPEN: &str = "允许教师自助注册（在公众号发送「注册」获取验证码）";
pub const SETTING_REQUIRES_APPROVAL: &str = "自助注册的教师需管理员审核后才能登录";
pub const SETTINGS_SAVED: &str = "设置已保存。";
pub const PENDING_TITLE: &str = "待审核的教师";
pub const NO_PENDING: &str = "没有待审核的教师。";
pub const APPROVE: &str = "通过";
pub const APPROVED: &str = "已通过审核，该老师现在可以登录。";
pub const REGISTERED_AT: &str = "注册时间";
pub const TAG_RESYNC: &str = "修复微信标签";
pub const TAG_RESYNC_HINT: &str = "对比班级、分组与微信标签，补上缺失的标签、移除不该有的标签。";

pub fn resync_done(tagged: u32, untagged: u32, created: u32) -> String {
    format!("已修复：打标签 {tagged} 人，取消标签 {untagged} 人，新建标签 {created} 个。")
}

// My profile and WeChat
pub const PROFILE_TITLE: &str = "教师资料";
pub const TITLE: &str = "职称/职务";
pub const OFFICE: &str = "办公室";
pub const CONTACT_PUBLIC: &str = "允许学生查看我的联系方式";
pub const PROFILE_SAVED: &str = "资料已保存。";
pub const MY_WECHAT: &str = "我的微信";
pub const WECHAT_BOUND: &str = "已绑定微信，可在微信中接收学生提问与提醒。";
pub const WECHAT_SCAN: &str = "用微信扫描二维码绑定（10 分钟内有效），扫码后本页会自动更新。";
pub const WECHAT_UNBIND: &str = "解除微信绑定";
pub const OPEN_SCAN_PAGE: &str = "模拟扫码";

// Registration
pub const REGISTER_TITLE: &str = "教师注册";
pub const REGISTER_INTRO: &str =
    "请先关注学校公众号，在公众号中发送「注册」获取 6 位验证码（10 分钟内有效）。注册后此微信即绑定到您的账号。";
pub const REGISTRATION_CODE: &str = "验证码";
pub const REGISTER: &str = "注册";
pub const REGISTERED_PENDING: &str = "注册成功！请等待管理员审核，通过后即可登录。";
pub const REGISTERED_DONE: &str = "注册成功！现在可以登录了。";
pub const TO_LOGIN: &str = "前往登录";
