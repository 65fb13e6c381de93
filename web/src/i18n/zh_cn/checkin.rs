//! Check-in (签到): the console's sessions, live view, roll, attempts, projector and
//! statistics; a student's attendance and position; and the student pages' check-in and
//! location consent.

use chrono::{DateTime, Local, Utc};
use shared::{AttendanceStatus, CheckinMethod, Geofence, Problem, SessionState};

use crate::api::ClientError;
use crate::position::PositionError;

pub const NAV_CHECKINS: &str = "签到";
pub const CHECKINS_TITLE: &str = "签到";
pub const CHECKINS_INTRO: &str =
    "发起课堂或会议签到：投屏展示动态二维码与签到码，或限定定位范围；实时查看到场情况，补签并提醒未签到的同学。";
pub const NEW_CHECKIN: &str = "发起签到";
pub const START_CHECKIN: &str = "发起签到";
pub const CHECKIN_SEARCH: &str = "搜索签到标题";
pub const NO_CHECKINS: &str = "还没有签到。";
pub const CHECKIN_TITLE: &str = "签到标题";
pub const CHECKIN_TITLE_PLACEHOLDER: &str = "例如：周一班会、高数第 3 讲";
pub const CHECKIN_METHODS: &str = "签到方式";
pub const CHECKIN_AUDIENCE: &str = "参加签到的学生";
pub const CHECKIN_METHOD: &str = "方式";
pub const CHECKED_OF_EXPECTED: &str = "已签 / 应到";
pub const CHECKIN_BY: &str = "发起人";
pub const PROJECT: &str = "投屏";
pub const FROM_ACTIVITY: &str = "来自活动";
pub const BACK_TO_CHECKINS: &str = "返回签到列表";

// The form
pub const STARTS_AT: &str = "开始时间";
pub const ENDS_AT: &str = "结束时间";
pub const LATE_AFTER: &str = "迟到时间";
pub const LATE_AFTER_HINT: &str = "此后签到记为迟到；留空则不记迟到。";
pub const STARTS_AT_OPTIONAL: &str = "开始时间（默认活动开始前 15 分钟）";
pub const ENDS_AT_OPTIONAL: &str = "结束时间（默认活动结束）";
pub const LATE_AFTER_OPTIONAL: &str = "迟到时间（默认活动开始）";
pub const LASTING: &str = "持续：";
pub const METHOD_QR: &str = "二维码";
pub const METHOD_QR_HINT: &str = "投屏展示，学生用微信扫一扫";
pub const METHOD_CODE: &str = "签到码";
pub const METHOD_CODE_HINT: &str = "6 位数字，在签到页输入或回复「签到 123456」";
pub const METHOD_GEO: &str = "定位";
pub const METHOD_GEO_HINT: &str = "在指定范围内才能签到";
pub const METHODS_COMBINE_HINT: &str =
    "二维码与签到码是同一个动态码的两种形式，任选其一即可；同时勾选定位时，还需在范围内。只勾选定位时，在范围内即可签到。";
pub const ROTATE_SECONDS: &str = "换码间隔（秒）";
pub const ROTATE_HINT: &str = "5–300 秒，防止截图转发；默认 10 秒。";
pub const LATITUDE: &str = "纬度";
pub const LONGITUDE: &str = "经度";
pub const RADIUS_M: &str = "半径（米）";
pub const USE_MY_POSITION: &str = "使用我的当前位置";
pub const LOCATING: &str = "正在获取位置…";
pub const GEOFENCE_HINT: &str = "坐标为微信使用的 GCJ-02（国测局）坐标；在教室里点「使用我的当前位置」最方便。半径 10–5000 米，室内定位误差较大，建议不小于 50 米。";

pub fn minutes(m: i64) -> String {
    format!("{m} 分钟")
}

pub fn position_filled(accuracy: Option<f64>) -> String {
    match accuracy {
        Some(a) => format!("已填入当前位置（误差约 {} 米）。", a.round() as i64),
        None => "已填入当前位置。".into(),
    }
}

pub fn position_error(e: PositionError) -> &'static str {
    match e {
        PositionError::Unsupported => "此浏览器无法获取位置。",
        PositionError::Denied => "没有获得定位权限，请在设置中允许获取位置后重试。",
        PositionError::Unavailable => "暂时无法获取位置，请到开阔处或打开 GPS 后重试。",
        PositionError::Timeout => "获取位置超时，请重试。",
    }
}

pub fn rotate_problem(_: i64) -> String {
    "应在 5 到 300 秒之间".into()
}

pub fn checkin_field_problem(field: &str, problem: Problem) -> String {
    match (field, problem) {
        ("ends_at", Problem::BeforeStart) => "结束时间应晚于开始时间".into(),
        ("ends_at", Problem::Invalid) => "一次签到最长 24 小时".into(),
        ("late_after", _) => "应在开始与结束之间".into(),
        ("methods", _) => "请至少选择一种签到方式".into(),
        ("rotate_seconds", _) => rotate_problem(0),
        ("geofence", Problem::Required) => "选择定位时需要填写范围".into(),
        ("geofence.latitude", _) => "纬度应在 -90 到 90 之间".into(),
        ("geofence.longitude", _) => "经度应在 -180 到 180 之间".into(),
        ("geofence.radius_m", _) => "半径应在 10 到 5000 米之间".into(),
        ("audience", Problem::Required) => "请选择参加签到的班级、小组或学生".into(),
        ("audience.public", _) => "签到不能面向全部关注者".into(),
        _ => super::problem(problem),
    }
}

pub fn session_state(state: SessionState) -> &'static str {
    match state {
        SessionState::Scheduled => "未开始",
        SessionState::Open => "进行中",
        SessionState::Closed => "已结束",
    }
}

pub fn method(m: CheckinMethod) -> &'static str {
    match m {
        CheckinMethod::Qr => METHOD_QR,
        CheckinMethod::Code => METHOD_CODE,
        CheckinMethod::Geo => METHOD_GEO,
    }
}

/// `二维码 / 签到码 + 定位`: either of the code's faces, and the position when both count.
pub fn methods(list: &[CheckinMethod]) -> String {
    let faces: Vec<&str> = list.iter().filter(|m| **m != CheckinMethod::Geo).map(|m| method(*m)).collect();
    let geo = list.contains(&CheckinMethod::Geo);
    match (faces.is_empty(), geo) {
        (true, true) => METHOD_GEO.into(),
        (false, true) => format!("{} + {}", faces.join(" / "), METHOD_GEO),
        (false, false) => faces.join(" / "),
        (true, false) => "—".into(),
    }
}

/// How a check-in was proved (`qr+geo`, `manual` …).
pub fn method_used(method: &str) -> String {
    method
        .split('+')
        .map(|m| match m {
            "qr" => METHOD_QR,
            "code" => METHOD_CODE,
            "geo" => METHOD_GEO,
            "manual" => "补签",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

pub fn rotates_every(seconds: i64) -> String {
    format!("每 {seconds} 秒换码")
}

pub fn fence(g: &Geofence) -> String {
    format!("定位范围：({:.5}, {:.5}) 半径 {} 米", g.latitude, g.longitude, g.radius_m)
}

pub fn late_after_at(time: &str) -> String {
    format!("{time} 后签到记为迟到")
}

pub fn closed_early_at(time: &str) -> String {
    format!("已于 {time} 提前结束")
}

pub fn created_by(name: &str) -> String {
    format!("发起人：{name}")
}

// The live view
pub const EXPECTED: &str = "应到";
pub const CHECKED_IN: &str = "已签到";
pub const LATE: &str = "迟到";
pub const MISSING: &str = "未签到";
pub const FLAGGED: &str = "可疑";
pub const ON_TIME: &str = "准时";
pub const CHECKIN_RATE: &str = "签到率";
pub const LATEST_CHECKINS: &str = "最新签到";
pub const NOBODY_CHECKED_IN: &str = "还没有人签到。";
pub const CLOSE_EARLY: &str = "提前结束";
pub const REOPEN: &str = "重新开放";
pub const NEW_END: &str = "新的结束时间";
pub const NOTIFY_ABSENT: &str = "通知未签到";
pub const NOTIFY_ABSENT_HINT: &str = "将立即发送一条通知给仍未签到的学生，可在通知页查看送达与阅读情况。";
pub const NOTICE_TITLE_OPTIONAL: &str = "通知标题（可不填）";
pub const SEND_NOTICE: &str = "发送通知";
pub const VIEW_NOTICE: &str = "查看通知 ›";
pub const CHECKIN_CLOSED_DONE: &str = "签到已结束。";
pub const ROLL_TAB: &str = "名单";
pub const ATTEMPTS_TAB: &str = "签到记录";

pub fn checked_rate(percent: &str) -> String {
    format!("签到率 {percent}")
}

pub fn reopened_until(time: &str) -> String {
    format!("签到已重新开放，至 {time} 结束。")
}

pub fn confirm_close(title: &str, missing: i64) -> String {
    if missing > 0 {
        format!("确定现在结束「{title}」吗？还有 {missing} 人未签到，结束后学生不能再签到（可以补签或重新开放）。")
    } else {
        format!("确定现在结束「{title}」吗？")
    }
}

pub fn confirm_notify_absent(missing: i64) -> String {
    format!("将给 {missing} 位未签到的学生发送提醒通知（未绑定微信的学生收不到推送）。")
}

pub fn absent_title_default(title: &str) -> String {
    format!("未签到提醒：{title}")
}

pub fn absent_notice_sent(recipients: i64) -> String {
    format!("已发送提醒通知给 {recipients} 位未签到的学生。")
}

pub fn confirm_delete_checkin(title: &str) -> String {
    format!("确定删除签到「{title}」吗？名单与签到记录将一并删除，无法恢复。")
}

// The roll
pub const ROLL_TITLE: &str = "签到名单";
pub const ROLL_SEARCH: &str = "搜索姓名或学号";
pub const NOBODY_IN_ROLL: &str = "没有符合条件的学生。";
pub const CHECKED_AT: &str = "签到时间";
pub const FLAGS: &str = "标记";
pub const MANUAL_CHECKIN: &str = "补签";
pub const REMOVE_CHECKIN: &str = "撤销签到";
pub const REASON: &str = "原因";
pub const REASON_PLACEHOLDER: &str = "例如：请假已批准、手机没电，现场核实";
pub const MANUAL_HINT: &str = "补签会记入签到记录和审计日志。";
pub const REMOVAL_HINT: &str = "撤销后该学生记为未签到；原因会记入签到记录和审计日志。";
pub const COUNT_AS_LATE: &str = "记为迟到";

pub fn attendance_status(status: AttendanceStatus) -> &'static str {
    match status {
        AttendanceStatus::Present => CHECKED_IN,
        AttendanceStatus::Late => LATE,
        AttendanceStatus::Absent => MISSING,
    }
}

pub fn flag(code: &str) -> String {
    match code {
        "same_device" => "同一设备",
        "same_position" => "位置完全相同",
        "repeated_position" => "重复坐标",
        "after_rotation" => "换码后签到",
        other => other,
    }
    .to_string()
}

pub fn flag_hint(code: &str) -> &'static str {
    match code {
        "same_device" => "这台手机在本次签到中也为其他同学签过到",
        "same_position" => "坐标与本次另一位同学的完全相同（精确到 6 位小数）",
        "repeated_position" => "坐标与该同学以前某次签到的完全相同",
        "after_rotation" => "用刚换掉的上一个码签到（换码后 5 秒内）",
        _ => "",
    }
}

pub fn reason_note(reason: &str) -> String {
    format!("原因：{reason}")
}

pub fn manual_title(name: &str) -> String {
    format!("为 {name} 补签")
}

pub fn removal_title(name: &str) -> String {
    format!("撤销 {name} 的签到")
}

pub fn manual_done(name: &str) -> String {
    format!("已为 {name} 补签。")
}

pub fn removal_done(name: &str) -> String {
    format!("已撤销 {name} 的签到。")
}

pub fn roll_file_name(title: &str, format: &str) -> String {
    format!("{title}-签到名单.{format}")
}

// Attempts
pub const ATTEMPTS_TITLE: &str = "签到记录";
pub const REFUSED: &str = "被拒绝";
pub const ACCEPTED: &str = "成功";
pub const VIA: &str = "来源";
pub const RESULT: &str = "结果";
pub const DISTANCE: &str = "距离";
pub const POSITION: &str = "位置";
pub const NO_ATTEMPTS: &str = "还没有签到记录。";
pub const UNKNOWN_STUDENT: &str = "未绑定的微信用户";

pub fn via(via: &str) -> String {
    match via {
        "scan" => "扫码",
        "text" => "消息",
        "page" => "签到页",
        "manual" => "手动",
        other => other,
    }
    .to_string()
}

/// A refusal's code in words (the contract's table).
pub fn refusal(code: &str) -> String {
    match code {
        "not_bound" => "未绑定学号",
        "no_session" => "没有匹配的签到",
        "not_open" => "签到未开始或已结束",
        "not_on_roll" => "不在签到名单中",
        "already_checked_in" => "已经签过到",
        "method_not_allowed" => "不支持此签到方式",
        "wrong_code" => "签到码错误",
        "code_expired" => "签到码已过期",
        "code_needed" => "需要签到码",
        "position_needed" => "需要位置",
        "outside_fence" => "不在签到范围内",
        "too_many_attempts" => "尝试次数过多",
        "" => "签到失败",
        other => other,
    }
    .to_string()
}

pub fn metres(m: i64) -> String {
    if m >= 1_000 {
        format!("{:.1} 公里", m as f64 / 1_000.0)
    } else {
        format!("{m} 米")
    }
}

pub fn position(lat: f64, lng: f64, accuracy: Option<f64>) -> String {
    match accuracy {
        Some(a) => format!("{lat:.6}, {lng:.6} ±{} 米", a.round() as i64),
        None => format!("{lat:.6}, {lng:.6}"),
    }
}

// The projector
pub const SCREEN_PAGE_TITLE: &str = "签到投屏 · 班级";
pub const SCREEN_CODE_LABEL: &str = "签到码";
pub const SCREEN_QR_ALT: &str = "签到二维码";
pub const SCREEN_QR_HELP: &str = "微信扫一扫 签到";
pub const SCREEN_NOT_STARTED: &str = "签到尚未开始";
pub const SCREEN_CLOSED: &str = "签到已结束";
pub const SCREEN_GEO_ONLY: &str = "请在公众号菜单「签到」中打开签到页，在范围内签到";
pub const SCREEN_NOBODY_YET: &str = "等待第一位同学签到…";
pub const FULLSCREEN: &str = "全屏";

pub fn next_code_in(seconds: i64) -> String {
    format!("{seconds} 秒后换码")
}

pub fn screen_code_help(code: &str) -> String {
    format!("在签到页输入，或向公众号发送「签到 {code}」")
}

pub fn late_count(n: i64) -> String {
    format!("迟到 {n} 人")
}

// Statistics
pub const CHECKIN_STATS_TITLE: &str = "签到统计";
pub const CHECKIN_STATS_INTRO: &str = "所选时间段内各次签到的出勤情况：各班出勤率排行、每周趋势与每次签到的明细。";
pub const STAT_SESSIONS: &str = "签到次数";
pub const STAT_EXPECTED: &str = "应到人次";
pub const STAT_CHECKED: &str = "实到人次";
pub const STAT_LATE: &str = "迟到人次";
pub const ATTENDANCE_RATE: &str = "出勤率";
pub const CLASS_ATTENDANCE_RANKING: &str = "班级出勤率排行";
pub const WEEKLY_TREND: &str = "每周趋势";
pub const TREND_HINT: &str = "按周统计（周一开始）；柱高为当周出勤率（%），没有签到的周留空。";
pub const SESSIONS_IN_PERIOD: &str = "各次签到";
pub const NO_SESSIONS_IN_PERIOD: &str = "这段时间没有签到。";

pub fn stats_file_name(from: &DateTime<Utc>, until: &DateTime<Utc>, format: &str) -> String {
    let last = *until - chrono::Duration::seconds(1);
    format!(
        "签到统计-{}至{}.{format}",
        from.with_timezone(&Local).format("%Y%m%d"),
        last.with_timezone(&Local).format("%Y%m%d")
    )
}

// A student's attendance and position
pub const ATTENDANCE: &str = "出勤";
/// Under the audience count of a check-in (the notice's hint speaks of pushes).
pub const CHECKIN_COUNT_HINT: &str =
    "未绑定微信的学生无法在微信中签到，可在签到后由老师在名单中补签；已取消关注的学生收不到签到提醒。";
/// A rate with nothing to divide by (expected at no check-in).
pub const NO_RATE: &str = "—";
pub const NO_ATTENDANCE: &str = "还没有需要参加的签到。";
pub const SHOW_LESS: &str = "收起";
pub const SHOW_LOCATION: &str = "查看位置";
pub const LOCATION_AUDITED: &str = "查看会记入审计日志；仅在学生同意后保留最近一次位置。";
pub const NO_LOCATION: &str = "未授权或暂无位置";

pub fn attendance_counts(expected: i64, present: i64, late: i64, absent: i64) -> String {
    format!("应到 {expected} 次 · 准时 {present} · 迟到 {late} · 缺勤 {absent}")
}

pub fn show_all(n: usize) -> String {
    format!("显示全部 {n} 次")
}

pub fn reported_at(time: &str) -> String {
    format!("（{time} 上报）")
}

// Student pages
pub const PORTAL_CHECKINS: &str = "签到";
pub const PORTAL_NO_CHECKINS: &str = "现在没有需要你参加的签到。";
pub const TO_CHECK_IN: &str = "待签到";
pub const CHECK_IN: &str = "签到";
pub const CHECKING_IN: &str = "签到中…";
pub const CHECKED_IN_OK: &str = "签到成功";
pub const CHECKED_IN_LATE: &str = "已签到（迟到）";
pub const PORTAL_CODE_LABEL: &str = "签到码（看投屏上的 6 位数字）";
pub const PORTAL_CODE_NEEDED: &str = "请输入投屏上的 6 位签到码。";
pub const PORTAL_POSITION_NOTE: &str = "签到时会获取你当前的位置，用于确认你在签到范围内。";
pub const PORTAL_CHECKIN_CLOSED: &str = "签到已结束。如有疑问请联系老师补签。";
pub const REFRESH: &str = "刷新";
pub const CONSENT_LABEL: &str = "允许记录我的位置（用于签到）";
pub const CONSENT_HINT: &str = "只保留你最近一次上报的位置，用于需要定位的签到；随时可以关闭，关闭后立即删除。";

pub fn needs(code: bool, position: bool) -> &'static str {
    match (code, position) {
        (true, true) => "输入签到码，并确认你在签到范围内。",
        (true, false) => "输入投屏上的签到码即可签到。",
        (false, true) => "确认你在签到范围内即可签到。",
        (false, false) => "点击下方按钮即可签到。",
    }
}

pub fn starts_at_note(time: &str) -> String {
    format!("签到将于 {time} 开始。")
}

pub fn checked_in_at(time: &str) -> String {
    format!("签到时间 {time}")
}

pub fn distance_from_centre(m: i64) -> String {
    format!("你距离签到地点约 {}。", metres(m))
}

pub fn consent_since(time: &str) -> String {
    format!("{time} 起已允许。")
}

/// Errors of the check-in and activity endpoints, for the console.
pub fn checkin_error(err: &ClientError) -> Option<String> {
    Some(
        match err.code()? {
            "not_on_roll" => "该学生不在签到名单中。",
            "already_checked_in" => "该学生已经签到。",
            "not_checked_in" => "该学生还没有签到。",
            "not_open" => "签到不在进行中。",
            "nobody_absent" => "所有人都已签到，无需提醒。",
            "checkin_exists" => "该活动已经创建过签到。",
            "nobody_signed_up" => "还没有人报名，无法创建签到。",
            "signup_closed" => "报名已截止。",
            "not_cadre" => "只有班干部可以发起班级签到。",
            "no_location" => NO_LOCATION,
            "not_signed_up" => "该学生没有报名。",
            "activity_cancelled" => "活动已取消。",
            "already_cancelled" => "活动已经取消了。",
            "no_free_code" => "暂时没有可用的报名码，请稍后再试。",
            _ => return None,
        }
        .to_string(),
    )
}
