//! What happens after sending, in the console: the composer's vote, the receipt report
//! (funnel, classes, timeline, vote results, reminders), the lists of who has not read or
//! confirmed and their export, and the comments.

use shared::{Missing, Problem, ReminderPolicy, ReminderReach, VoteResults};

use crate::api::ClientError;

// The composer's vote
pub const ADD_VOTE: &str = "附加投票";
pub const VOTE_QUESTION: &str = "投票问题";
pub const VOTE_QUESTION_PLACEHOLDER: &str = "例如：期末聚餐选哪天？";
pub const VOTE_OPTIONS: &str = "选项";
pub const VOTE_OPTION: &str = "选项内容";
pub const REMOVE_OPTION: &str = "删除此选项";
pub const ADD_OPTION: &str = "＋ 添加选项";
pub const VOTE_OPTIONS_HINT: &str = "2–10 个选项。";
pub const VOTE_MULTIPLE: &str = "多选";
pub const VOTE_MAX_CHOICES: &str = "最多选几项";
pub const VOTE_NO_LIMIT: &str = "不限";
pub const VOTE_ANONYMOUS: &str = "匿名投票";
pub const VOTE_ANONYMOUS_HINT: &str = "（老师只看到票数，看不到谁投了哪一项）";
pub const VOTE_RESULTS: &str = "结果可见";

pub const VOTE_RESULT_SETTINGS: [VoteResults; 4] =
    [VoteResults::Always, VoteResults::AfterVoting, VoteResults::AfterDeadline, VoteResults::TeachersOnly];

pub fn vote_results(r: VoteResults) -> &'static str {
    match r {
        VoteResults::Always => "始终可见",
        VoteResults::AfterVoting => "投票后可见",
        VoteResults::AfterDeadline => "截止后可见",
        VoteResults::TeachersOnly => "仅老师可见",
    }
}

/// The value of a results setting in the form's `<select>`.
pub fn vote_results_key(r: VoteResults) -> &'static str {
    match r {
        VoteResults::Always => "always",
        VoteResults::AfterVoting => "after_voting",
        VoteResults::AfterDeadline => "after_deadline",
        VoteResults::TeachersOnly => "teachers_only",
    }
}

/// A form problem in words; the vote's fields count choices, not characters.
pub fn field_problem(field: &str, problem: Problem) -> String {
    match (field, problem) {
        ("vote.options", Problem::TooShort(n)) => format!("至少需要 {n} 个选项"),
        ("vote.options", Problem::TooLong(n)) if n == shared::receipts::MAX_VOTE_OPTIONS => format!("最多 {n} 个选项"),
        ("vote.options", Problem::TooLong(n)) => format!("每个选项不能超过 {n} 个字"),
        ("vote.options", Problem::Required) => "选项不能为空".into(),
        ("vote.options", Problem::Taken) => "选项不能重复".into(),
        ("vote.max_choices", _) => "应在 1 到选项数之间".into(),
        ("vote.results", _) => "「截止后可见」需要先填写截止时间".into(),
        _ => super::problem(problem),
    }
}

// Tabs and the report
pub const REPORT_TAB: &str = "回执报告";
pub const COMMENTS_TAB: &str = "留言";
pub const DELIVERY_TAB: &str = "发送情况";
pub const REPORT_TITLE: &str = "回执报告";
pub const LIVE_CONNECTING: &str = "正在连接…";
pub const LIVE_RETRYING: &str = "连接中断，正在重连";
pub const FUNNEL_TITLE: &str = "送达与阅读";
pub const FUNNEL_RECIPIENTS: &str = "接收人";
pub const FUNNEL_SENT: &str = "已发送";
pub const FUNNEL_UNBOUND: &str = "未绑定（无法送达）";
pub const FUNNEL_REACHABLE: &str = "已绑定可送达";
pub const FUNNEL_DELIVERED: &str = "已送达";
pub const FUNNEL_READ: &str = "已读";
pub const FUNNEL_CONFIRMED: &str = "已确认";
pub const VIEWS: &str = "重复浏览";
pub const DOWNLOADS: &str = "附件下载";
pub const REMINDER_DELIVERIES: &str = "提醒推送";
pub const COMMENTS_COUNT: &str = "留言";
pub const TIMELINE_TITLE: &str = "阅读进度";
pub const NO_READS_YET: &str = "还没有人阅读。";
pub const BY_CLASS: &str = "各班情况";
pub const NO_CLASSES_IN_REPORT: &str = "没有班级数据。";
pub const HEADCOUNT: &str = "人数";
pub const READ_RATE: &str = "阅读率";
pub const CONFIRM_RATE: &str = "确认率";
pub const RATE_BAR: &str = "进度";
pub const SHOW_MISSING: &str = "未读名单";
pub const VOTE_RESULTS_TITLE: &str = "投票结果";

pub fn open_questions(n: i64) -> String {
    format!("{n} 条提问待回复")
}

/// `每 10 分钟一格`: what one step of the timeline is.
pub fn timeline_hint(bucket_seconds: i64) -> String {
    let step = match bucket_seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{} 天", s / 86_400),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{} 小时", s / 3_600),
        s if s >= 60 => format!("{} 分钟", s / 60),
        s => format!("{s} 秒"),
    };
    format!("累计人数，每 {step}一格。")
}

pub fn votes_of(n: i64, percent: &str) -> String {
    format!("{n} 票 · {percent}")
}

pub fn voters(n: i64) -> String {
    format!("共 {n} 人投票")
}

// Reminders
pub const REMINDERS_TITLE: &str = "提醒记录";
pub const NO_REMINDERS: &str = "还没有发送过提醒。";
pub const ROUND: &str = "轮次";
pub const REMIND_WHAT: &str = "提醒内容";
pub const REMIND_SCOPE: &str = "范围";
pub const REMIND_RECIPIENTS: &str = "提醒人数";
pub const REMIND_SENT: &str = "已发出";
pub const REMIND_BY: &str = "发起人";
pub const NOBODY_TO_REMIND: &str = "没有需要提醒的学生。";
pub const SEND_REMINDER: &str = "发送提醒";

pub fn round(n: i64) -> String {
    format!("第 {n} 次")
}

pub fn class_number(id: i64) -> String {
    format!("班级 #{id}")
}

pub fn missing_label(m: Missing) -> &'static str {
    match m {
        Missing::Read => "未读",
        Missing::Confirmation => "未确认",
    }
}

pub fn remind_label(m: Missing) -> &'static str {
    match m {
        Missing::Read => "提醒未读",
        Missing::Confirmation => "提醒未确认",
    }
}

pub fn reminder_policy(interval_minutes: i64, max: i64, remaining: i64) -> String {
    format!("每 {interval_minutes} 分钟最多提醒一次，共可提醒 {max} 次，还剩 {remaining} 次。")
}

pub fn next_reminder_at(time: &str) -> String {
    format!("下次可提醒时间：{time}。")
}

pub fn remind_used_up(max: i64) -> String {
    format!("提醒次数已用完（共 {max} 次）。")
}

pub fn reminded(n: i64) -> String {
    format!("已向 {n} 位学生发送提醒。")
}

/// The reminder dialog's question: who owes it, and how many of them it can reach.
pub fn remind_confirm(m: Missing, reach: &ReminderReach, class: Option<&str>, p: &ReminderPolicy) -> String {
    let who = match m {
        Missing::Read => "尚未阅读",
        Missing::Confirmation => "尚未确认",
    };
    let scope = class.map(|c| format!("{c} ")).unwrap_or_default();
    let (owing, reachable) = (reach.owing, reach.reachable);
    let whom = if reachable >= owing {
        format!("将再次推送此通知给{scope}{who}的 {owing} 位学生。")
    } else if reachable == 0 {
        format!("{scope}{who}的 {owing} 位学生目前都无法提醒（未绑定微信、已取消关注、屏蔽了该分类或刚被提醒过）。")
    } else {
        format!(
            "{scope}{who}的 {owing} 位学生中，{reachable} 位能收到这次提醒；其余 {} 位未绑定微信、已取消关注、屏蔽了该分类或刚被提醒过。",
            owing - reachable
        )
    };
    format!("{whom}提醒后还可再提醒 {} 次，且 {} 分钟内不能再次提醒。", (p.remaining - 1).max(0), p.interval_minutes)
}

pub const REMIND_COUNTING: &str = "正在统计可提醒的学生…";

// Lists and export
pub const COPY_NAMES: &str = "复制名单";

/// The copied list: what it is, how many, the names (to paste into the class's group).
pub fn names_text(missing: Option<Missing>, names: &[String]) -> String {
    let what = match missing {
        Some(Missing::Read) => "未读",
        Some(Missing::Confirmation) => "未确认",
        None => "接收人",
    };
    format!("{what}（{} 人）：{}", names.len(), names.join("、"))
}

pub fn names_copied(n: usize) -> String {
    format!("已复制 {n} 人的名单，可直接粘贴到班级群。")
}

pub const RECEIPT_LIST_TITLE: &str = "名单";
pub const NOT_READ: &str = "未读";
pub const NOT_CONFIRMED: &str = "未确认";
pub const ALL_RECIPIENTS: &str = "全部接收人";
pub const NOBODY_MISSING: &str = "没有符合条件的学生。";
pub const FOLLOWS: &str = "已关注";
pub const NOT_FOLLOWS: &str = "未关注";
pub const REMINDED: &str = "提醒次数";

pub fn export_file_name(title: &str, m: Option<Missing>, format: &str) -> String {
    let what = match m {
        Some(Missing::Read) => "未读名单",
        Some(Missing::Confirmation) => "未确认名单",
        None => "接收名单",
    };
    format!("{title}-{what}.{format}")
}

// Comments
pub const COMMENTS_TITLE: &str = "留言与提问";
pub const COMMENTS_INTRO: &str =
    "学生的公开评论所有接收人都能看到；私信提问只有提问的学生和本通知的老师能看到。隐藏后学生不再看到该条。";
pub const NO_COMMENTS: &str = "还没有留言。";
pub const TEACHER_MARK: &str = "老师";
pub const PRIVATE_QUESTION: &str = "私信提问";
pub const HIDDEN_MARK: &str = "已隐藏";
pub const AWAITING_REPLY: &str = "待回复";
pub const REPLY: &str = "回复";
pub const HIDE: &str = "隐藏";
pub const UNHIDE: &str = "取消隐藏";
pub const REPLY_PLACEHOLDER: &str = "写下回复，学生会收到通知";
pub const SEND_REPLY: &str = "发送回复";
pub const REPLY_SENT: &str = "回复已发送。";

/// The receipt endpoints' refusals, in words (console and student pages alike).
pub fn receipts_error(err: &ClientError) -> Option<String> {
    let message = match err {
        ClientError::Conflict(b) | ClientError::Validation(b) | ClientError::Rejected(b) => &b.message,
        _ => return None,
    };
    Some(match err.code()? {
        "remind_too_soon" => {
            // The server says `… possible in 12 min`.
            let minutes = message.split_whitespace().find_map(|w| w.parse::<i64>().ok());
            match minutes {
                Some(m) => format!("距上次提醒时间太近，请 {m} 分钟后再提醒。"),
                None => "距上次提醒时间太近，请稍后再提醒。".into(),
            }
        }
        "remind_limit" => "提醒次数已达上限，不能再提醒。".into(),
        "nothing_to_remind" => "没有可以提醒的学生：他们都已完成，或未绑定微信、已取消关注、刚被提醒过。".into(),
        "notice_not_sent" => "通知发出后才能提醒。".into(),
        "vote_closed" => "投票已截止。".into(),
        "ticket_invalid" => "实时连接已失效，正在重新连接。".into(),
        _ => return None,
    })
}
