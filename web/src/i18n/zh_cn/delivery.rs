//! A notice's delivery report: row statuses, channels, why a better channel was passed
//! over (the server's `channel:code` fallback codes) and why a row failed. Codes the
//! console does not know are shown as they are.

use shared::FallbackReason;

pub const DELIVERY_TITLE: &str = "送达情况";
pub const BY_STATUS: &str = "按状态";
pub const BY_CHANNEL: &str = "按渠道（已发送）";
pub const DELIVERED: &str = "微信确认送达";
pub const RATE: &str = "发送速度";
pub const ETA: &str = "预计剩余";
pub const MASS_JOBS: &str = "群发任务";
pub const MSG_ID: &str = "消息 ID";
pub const JOB_ROWS: &str = "本任务学生数";
pub const JOB_TOTAL: &str = "微信统计总数";
pub const JOB_FILTERED: &str = "被过滤";
pub const JOB_SENT: &str = "发送成功";
pub const JOB_ERRORS: &str = "发送失败";
pub const DELIVERY_STUDENT: &str = "学生";
pub const DELIVERY_STATUS: &str = "状态";
pub const CHANNEL: &str = "渠道";
pub const FALLBACK: &str = "未用更优渠道的原因";
pub const FAILURE: &str = "失败原因";
pub const READ_AT: &str = "阅读时间";
pub const CONFIRMED_AT: &str = "确认时间";
pub const NO_DELIVERIES: &str = "没有符合条件的送达记录。";
pub const ALL_DELIVERY_STATUSES: &str = "全部状态";
pub const DELIVERY_SEARCH: &str = "搜索姓名或学号";
pub const NO_ROWS_YET: &str = "通知发送后，这里会显示每位接收人的送达情况。";
pub const FOLLOWER: &str = "关注者";
pub const LIVE: &str = "实时更新中";

/// Row statuses in the order the report lists them.
pub const DELIVERY_STATUSES: [&str; 8] =
    ["pending", "sending", "sent", "failed", "unbound", "held", "muted", "cancelled"];

pub fn delivery_status(status: &str) -> String {
    match status {
        "pending" => "待发送",
        "sending" => "发送中",
        "sent" => "已发送",
        "failed" => "失败",
        // Not reachable (no WeChat bound): not a failure of the sending.
        "unbound" => "未绑定",
        "held" => "待汇总",
        "muted" => "已屏蔽",
        "cancelled" => "已取消",
        other => return other.to_string(),
    }
    .to_string()
}

/// The badge class of a row status.
pub fn delivery_badge(status: &str) -> &'static str {
    match status {
        "sent" => "badge on",
        "failed" => "badge off",
        "pending" | "sending" => "badge info",
        "held" => "badge warn",
        _ => "badge",
    }
}

pub const REFUSED_TEMPLATE: &str = "拒收模板";
pub const REFUSED_TEMPLATE_HINT: &str = "在微信中关闭了通知模板消息的学生，已改由订阅通知、客服消息、群发或摘要送达";

pub fn channel(channel: &str) -> String {
    match channel {
        "template" => "模板消息",
        "subscribe" => "订阅通知",
        "custom" => "客服消息",
        "mass" => "群发消息",
        "digest" => "汇总消息",
        other => return other.to_string(),
    }
    .to_string()
}

pub fn per_minute(n: i64) -> String {
    format!("{n} 条/分钟")
}

pub fn eta(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("约 {s} 秒"),
        s if s < 3600 => format!("约 {} 分钟", (s + 59) / 60),
        s => format!("约 {} 小时 {} 分钟", s / 3600, (s % 3600) / 60),
    }
}

pub fn progress_of(done: i64, total: i64) -> String {
    format!("已处理 {done} / {total}")
}

pub fn paused_until(time: &str) -> String {
    format!("公众号今天的发送额度已用完，其余消息将于 {time} 后继续发送。")
}

pub fn job_status(status: &str) -> String {
    match status {
        "" => "等待微信报告".into(),
        "send success" => "发送成功".into(),
        "send fail" => "发送失败".into(),
        other => match other.strip_prefix("err(").and_then(|s| s.strip_suffix(')')) {
            Some(code) => format!("出错（{code}）"),
            None => other.to_string(),
        },
    }
}

/// What WeChat's error code means, for the codes a send can meet.
pub fn errcode(code: i64) -> Option<&'static str> {
    Some(match code {
        -1 => "微信系统繁忙",
        40001 | 40014 | 42001 => "访问令牌无效或已过期",
        40003 => "不是本公众号的 openid",
        40037 => "模板 ID 无效",
        43004 => "学生未关注公众号",
        43101 => "学生拒收公众号消息",
        40249 => "模板消息因内容被拦截",
        47003 => "模板关键词的内容不符合类型要求",
        45009 => "接口今日调用次数已用完",
        45011 => "调用过于频繁",
        45015 => "超出学生最后一次互动后的 48 小时",
        45047 => "本次互动窗口内的客服消息已达上限",
        45028 => "群发额度已用完",
        45065 => "重复的消息",
        48001 => "公众号没有该接口的权限（需认证服务号）",
        _ => return None,
    })
}

/// One fallback reason: `模板消息：未设置通知所用的模板`.
pub fn fallback(reason: &FallbackReason) -> String {
    let why = match (reason.channel.as_str(), reason.code.as_str()) {
        ("template", "account_kind") => "需要认证服务号才能发送模板消息".to_string(),
        ("custom", "account_kind") => "订阅号不能发送客服消息".to_string(),
        ("subscribe", "account_kind") => "需要认证服务号才能发送订阅通知".to_string(),
        (_, "account_kind") => "订阅号不能按名单群发".to_string(),
        ("subscribe", "not_mapped") => "未设置通知所用的订阅通知模板".to_string(),
        (_, "not_mapped") => "未设置通知所用的模板".to_string(),
        (_, "refused") => "学生在微信中拒收了这个模板的消息（43101），改由其他渠道送达".to_string(),
        (_, "blocked") => "这条通知的模板消息因内容被微信拦截（40249）".to_string(),
        (_, "not_subscribed") => "学生没有订阅通知（或一次性订阅已用完）".to_string(),
        (_, "outside_window") => "学生 48 小时内没有与公众号互动".to_string(),
        (_, "window_cap") => "48 小时互动窗口内的 5 条客服消息已用完".to_string(),
        (_, "monthly_quota") => "学生本月的 4 次群发已用完".to_string(),
        (_, "single") => "群发至少需要 2 名学生".to_string(),
        (_, "unknown_outcome") => "发送被中断、结果未知；为避免重复不再重发".to_string(),
        (_, code) if code.starts_with("invalid_value:") => {
            format!("关键词 {} 的内容不符合其类型要求（47003），请检查模板设置", &code["invalid_value:".len()..])
        }
        (_, code) => match code.strip_prefix("rejected:").and_then(|c| c.parse::<i64>().ok()) {
            Some(n) => format!("微信拒绝（{n}{}）", errcode(n).map(|d| format!("：{d}")).unwrap_or_default()),
            None => code.to_string(),
        },
    };
    format!("{}：{why}", channel(&reason.channel))
}

/// Why a row failed: the server's sentence (English) and WeChat's code, if any.
pub fn failure(text: Option<&str>, code: Option<i64>) -> String {
    let text = text.unwrap_or_default();
    let known = match text {
        "the student has not bound WeChat" => Some("学生未绑定微信".to_string()),
        "the student does not follow the account" => Some("学生未关注公众号".to_string()),
        "the student has refused messages from the account" => Some("学生拒收公众号消息".to_string()),
        t => t
            .strip_prefix("WeChat could not deliver it (")
            .and_then(|s| s.strip_suffix(')'))
            .map(|s| format!("微信未能送达（{}）", job_status(s))),
    };
    match (known, code) {
        (Some(k), _) => k,
        (None, Some(n)) => match errcode(n) {
            Some(d) => format!("{d}（{n}）"),
            None => format!("微信返回错误 {n}：{text}"),
        },
        (None, None) => text.to_string(),
    }
}
