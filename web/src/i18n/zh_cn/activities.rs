//! Activities and lectures (活动): the console's list, form, page and no-show ranking, and
//! the student pages' sign-up cards.

use shared::Problem;

use crate::pages::activities::Stage;

pub const NAV_ACTIVITIES: &str = "活动";
pub const ACTIVITIES_TITLE: &str = "活动报名";
pub const ACTIVITIES_INTRO: &str =
    "发布讲座、志愿活动等，学生在公众号或页面上报名，满员后自动进入候补；活动当天由报名名单直接生成签到。";
pub const NEW_ACTIVITY: &str = "发布活动";
pub const PUBLISH_ACTIVITY: &str = "发布";
pub const NO_ACTIVITIES: &str = "还没有活动。";
pub const ACTIVITY_TITLE: &str = "活动名称";
pub const ACTIVITY_TITLE_PLACEHOLDER: &str = "例如：就业指导讲座";
pub const ACTIVITY_DESCRIPTION: &str = "活动介绍";
pub const DESCRIPTION_PLACEHOLDER: &str = "内容、主讲人、注意事项等（可不填）";
pub const PLACE: &str = "地点";
pub const PLACE_PLACEHOLDER: &str = "例如：图书馆报告厅";
pub const CAPACITY: &str = "名额";
pub const CAPACITY_HINT: &str = "报满后的报名进入候补，有人取消时按顺序递补。";
pub const SIGNUP_UNTIL: &str = "报名截止";
pub const SIGNUP_CODE: &str = "报名码";
pub const PLACES_TAKEN: &str = "已报名 / 名额";
pub const WAITLISTED: &str = "候补";
pub const SIGNUPS_CANCELLED: &str = "已取消";
pub const ATTENDED: &str = "到场";
pub const NO_SHOWS: &str = "缺席";
pub const BACK_TO_ACTIVITIES: &str = "返回活动列表";
pub const CREATE_CHECKIN: &str = "创建签到";
pub const VIEW_CHECKIN: &str = "查看签到";
pub const ACTIVITY_CHECKIN_HINT: &str =
    "签到名单为所有已报名（不含候补）的学生。时间留空则：活动开始前 15 分钟开放，开始后记迟到，活动结束时关闭。";
pub const CANCEL_ACTIVITY: &str = "取消活动";
pub const ACTIVITY_CANCELLED_DONE: &str = "活动已取消。";
pub const CANCELLED_AT: &str = "取消时间";
pub const SIGNUPS_TITLE: &str = "报名名单";
pub const NO_SIGNUPS: &str = "没有符合条件的报名。";
pub const SIGNED_UP: &str = "已报名";
pub const SIGNUP_CANCELLED: &str = "已取消";
pub const SIGNED_UP_AT: &str = "报名时间";
pub const PROMOTED_AT: &str = "递补时间";
pub const NO_SHOW_RANKING: &str = "缺席排行";
pub const NO_NO_SHOWS: &str = "没有缺席记录。";
pub const SIGNED_UP_COUNT: &str = "报名次数";
pub const LAST_30_DAYS: &str = "近 30 天";
pub const ACTIVITY_AUDIENCE: &str = "报名范围";
pub const ALL_BOUND_STUDENTS: &str = "全体学生";
pub const ALL_BOUND_STUDENTS_HINT: &str = "所有已绑定学号的学生都可以报名。";
/// Under the audience count of an activity (the notice's hint speaks of pushes).
pub const ACTIVITY_COUNT_HINT: &str = "未绑定微信的学生无法在微信中报名；已取消关注的学生收不到活动通知。";

// Student pages
pub const PORTAL_ACTIVITIES: &str = "活动报名";
pub const PORTAL_NO_ACTIVITIES: &str = "现在没有可以报名的活动。";
pub const PLACES_LEFT: &str = "剩余名额";
pub const SIGN_UP: &str = "报名";
pub const JOIN_WAITLIST: &str = "已满，加入候补";
pub const CANCEL_SIGNUP: &str = "取消报名";
pub const SIGNUP_CLOSED: &str = "报名已截止";
pub const SIGNUP_NOT_OPEN: &str = "暂不能报名";

pub fn activity_stage(s: Stage) -> &'static str {
    match s {
        Stage::Open => "报名中",
        Stage::SignupClosed => "报名截止",
        Stage::Over => "已结束",
        Stage::Cancelled => "已取消",
    }
}

/// `候补第 2 位`.
pub fn waitlisted_at(position: Option<i64>) -> String {
    match position {
        Some(p) => format!("候补第 {p} 位"),
        None => WAITLISTED.into(),
    }
}

pub fn places_left(left: i64, capacity: i64) -> String {
    if left == 0 {
        format!("已满（共 {capacity} 个名额）")
    } else {
        format!("{left} / {capacity}")
    }
}

pub fn signup_code_hint(code: &str) -> String {
    format!("也可向公众号发送「报名 {code}」")
}

pub fn signups_file_name(title: &str, format: &str) -> String {
    format!("{title}-报名名单.{format}")
}

pub fn confirm_cancel_activity(title: &str) -> String {
    format!("确定取消活动「{title}」吗？已报名的学生将不能再报名或签到。")
}

pub fn activity_field_problem(field: &str, problem: Problem) -> String {
    match (field, problem) {
        ("ends_at", Problem::BeforeStart) => "结束时间应晚于开始时间".into(),
        ("signup_until", Problem::InThePast) => "报名截止时间应在将来".into(),
        ("signup_until", Problem::Invalid) => "报名截止时间不能晚于活动开始".into(),
        ("capacity", _) => "名额应在 1 到 100000 之间".into(),
        ("audience", Problem::Required) => "请选择可以报名的班级、小组或学生".into(),
        _ => super::problem(problem),
    }
}
