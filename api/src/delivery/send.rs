//! One attempt on the platform for each channel, and what its answer means for the row:
//! sent (with the platform's msgid), a better channel refused it (fall through to the
//! next), failed for good with a reason, try again later, or wait for the day's quota.
//!
//! Every send carries an idempotency key derived from the row: template messages
//! `client_msg_id = banji-d<row id>`, mass sends the `clientmsgid` written on their rows
//! before sending. A repeat of a send that did arrive is refused with 45065, which means
//! "already sent". Customer-service messages have no key: one whose outcome is unknown
//! (a timeout, a 5xx) is not repeated.

use std::collections::{BTreeMap, HashMap};

use super::lease::Row;
use crate::notices::store;
use crate::state::AppState;

use crate::notices::markdown::plain_excerpt;
use crate::notices::store::NoticeRow;
use crate::wechat::client::keywords;
use crate::wechat::client::messages::{CustomMessage, MassMessage, NewsArticle, TemplateMessage, TemplateValue};
use crate::wechat::client::templates::SubscribeMessage;
use crate::wechat::{WechatClient, WechatError};
use shared::TemplateMapping;

/// A notice as its messages show it.
#[derive(Debug, Clone)]
pub struct Letter {
    pub title: String,
    pub author: String,
    pub category: String,
    pub urgency: &'static str,
    pub excerpt: String,
    pub time: String,
    pub deadline: String,
    /// The notice page, through WeChat's authorisation.
    pub link: String,
    pub withdrawn: bool,
    /// The notice asks its readers to confirm (said in the first push, not only in reminders).
    pub confirm: bool,
    /// The whole message, for a letter that is its own text (the daily broadcast): a
    /// customer-service message says it all rather than a card.
    pub text: Option<String>,
}

pub(crate) fn china_time(ms: i64) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    crate::db::to_time(ms).with_timezone(&china).format("%Y-%m-%d %H:%M").to_string()
}

/// The link a pushed message carries: the student's notice page.
pub fn notice_link(public_url: &str, notice_id: i64) -> String {
    format!("{public_url}/api/v1/portal/oauth?next=/s/notices/{notice_id}")
}

/// The link of this notice's message: where its `link_path` says (a check-in still open
/// for the absent), or its page.
pub fn link_of(row: &NoticeRow, public_url: &str) -> String {
    match row.link_path.as_deref().filter(|p| p.starts_with("/s/")) {
        Some(path) => format!("{public_url}/api/v1/portal/oauth?next={path}"),
        None => notice_link(public_url, row.id),
    }
}

impl Letter {
    pub fn new(row: &NoticeRow, public_url: &str) -> Letter {
        Letter {
            title: row.title.clone(),
            author: row.author_name.clone().unwrap_or_default(),
            category: row.category_name.clone().unwrap_or_default(),
            urgency: row.urgency().label(),
            excerpt: plain_excerpt(&row.body, 60),
            time: china_time(row.sent_at.unwrap_or(row.created_at)),
            deadline: row.deadline.map(china_time).unwrap_or_default(),
            link: link_of(row, public_url),
            withdrawn: row.status == "withdrawn",
            confirm: false,
            text: None,
        }
    }

    /// The message for a row of `kind`: the notice itself, a reminder of it, or a
    /// teacher's answer to the student (`reply`: the answer's text).
    pub fn for_kind(&self, kind: &str, reply: Option<&str>, requires_confirmation: bool) -> Letter {
        let mut letter = self.clone();
        if kind.starts_with("reminder:") {
            letter.title = format!("提醒：{}", self.title);
            letter.excerpt = if requires_confirmation {
                "这条通知需要你确认收到，请点击查看并确认。".into()
            } else {
                "你还没有阅读这条通知，请点击查看。".into()
            };
        } else if kind.starts_with("reply:") {
            letter.title = format!("老师回复了你：{}", self.title);
            letter.excerpt = reply.map(|r| crate::notices::markdown::plain_excerpt(r, 60)).unwrap_or_default();
        } else {
            // The notice itself: what it asks of the student comes first.
            letter.confirm = requires_confirmation;
            let asks = match (requires_confirmation, self.deadline.is_empty()) {
                (true, false) => format!("请在 {} 前确认收到。", self.deadline),
                (true, true) => "请查看并确认收到。".to_string(),
                (false, false) => format!("截止时间：{}。", self.deadline),
                (false, true) => String::new(),
            };
            letter.excerpt = format!("{asks}{}", self.excerpt);
        }
        letter
    }

    /// `【紧急】` for urgent and important notices, `【需确认】` for one that asks for
    /// confirmation (`【紧急·需确认】` for both), nothing for an ordinary one.
    fn flag(&self) -> String {
        let mut marks = Vec::new();
        if self.urgency != "普通" {
            marks.push(self.urgency);
        }
        if self.confirm {
            marks.push("需确认");
        }
        if marks.is_empty() {
            String::new()
        } else {
            format!("【{}】", marks.join("·"))
        }
    }

    fn values(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("title", format!("{}{}", self.flag(), self.title)),
            ("author", self.author.clone()),
            ("time", self.time.clone()),
            ("category", self.category.clone()),
            ("urgency", self.urgency.to_string()),
            ("excerpt", self.excerpt.clone()),
            // Empty: "无" in free text, left out of a typed keyword (`templates::data`).
            ("deadline", self.deadline.clone()),
        ])
    }

    pub fn template(&self, mapping: &TemplateMapping, openid: &str, row_id: i64) -> TemplateMessage {
        let data = super::templates::data(mapping, &self.values());
        TemplateMessage {
            touser: openid.to_string(),
            template_id: mapping.template_id.clone(),
            url: Some(self.link.clone()),
            miniprogram: None,
            data: data.into_iter().map(|(k, value)| (k, TemplateValue { value })).collect(),
            client_msg_id: Some(format!("banji-d{row_id}")),
        }
    }

    /// The subscribe notification (订阅通知) of this letter, by the mapped subscribe template.
    pub fn subscribe(&self, mapping: &TemplateMapping, openid: &str) -> SubscribeMessage {
        let data = super::templates::data(mapping, &self.values());
        SubscribeMessage {
            touser: openid.to_string(),
            template_id: mapping.template_id.clone(),
            page: Some(self.link.clone()),
            data: data.into_iter().map(|(k, value)| (k, TemplateValue { value })).collect(),
        }
    }

    pub fn custom(&self) -> CustomMessage {
        if let Some(text) = &self.text {
            return CustomMessage::Text {
                content: format!("{text}\n<a href=\"{}\">打开今日播报</a>", self.link)
            };
        }
        let by = if self.author.is_empty() { String::new() } else { format!("{} · ", self.author) };
        CustomMessage::News {
            articles: vec![NewsArticle {
                title: format!("{}{}", self.flag(), self.title),
                description: format!("{by}{}\n{}", self.time, self.excerpt),
                url: self.link.clone(),
                picurl: String::new(),
            }],
        }
    }

    pub fn mass(&self) -> MassMessage {
        MassMessage::Text {
            content: format!("{}{}\n{}\n<a href=\"{}\">查看通知</a>", self.flag(), self.title, self.excerpt, self.link),
        }
    }
}

/// The kind of a daily broadcast's row (`broadcast:<send id>`).
pub const BROADCAST: &str = "broadcast:";

/// A notice (none for an answer from 消息 or a daily broadcast) and a kind of row: which
/// letter a row carries.
pub type LetterKey = (Option<i64>, String);

/// The letter of a teacher's answer from 消息 carried outside the customer-service window:
/// who answered, when, its first words, and the student's conversation page.
async fn answer_letter(state: &AppState, answer_id: i64) -> sqlx::Result<Option<Letter>> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT author_name, content, created_at FROM inbox_replies WHERE id = $1")
            .bind(answer_id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(row.map(|(author, content, at)| Letter {
        title: "老师回复了你的留言".into(),
        author,
        category: "留言回复".into(),
        urgency: "普通",
        excerpt: plain_excerpt(&content, 60),
        time: china_time(at),
        deadline: String::new(),
        link: format!("{}/api/v1/portal/oauth?next=/s/messages", state.config.public_url),
        withdrawn: false,
        confirm: false,
        text: None,
    }))
}

/// What each row's message says, by (notice, kind).
pub async fn letters(state: &AppState, rows: &[Row]) -> sqlx::Result<HashMap<LetterKey, Letter>> {
    let mut notices: HashMap<i64, Option<(Letter, bool)>> = HashMap::new();
    let mut letters = HashMap::new();
    for row in rows {
        let key = (row.notice_id, row.kind.clone());
        if letters.contains_key(&key) {
            continue;
        }
        let Some(notice_id) = row.notice_id else {
            let id = row.ref_id.unwrap_or_default();
            let letter = if row.kind.starts_with(BROADCAST) {
                crate::broadcast::sends::letter(state, id).await?
            } else {
                answer_letter(state, id).await?
            };
            if let Some(letter) = letter {
                letters.insert(key, letter);
            }
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = notices.entry(notice_id) {
            let notice = store::row(&state.db, notice_id).await?;
            slot.insert(notice.map(|n| (Letter::new(&n, &state.config.public_url), n.requires_confirmation.0)));
        }
        let Some(Some((base, confirm))) = notices.get(&notice_id) else { continue };
        let reply: Option<String> = match (row.kind.starts_with("reply:"), row.ref_id) {
            (true, Some(comment)) => {
                sqlx::query_scalar("SELECT body FROM notice_comments WHERE id = $1")
                    .bind(comment)
                    .fetch_optional(state.db.pool())
                    .await?
            }
            _ => None,
        };
        letters.insert(key, base.for_kind(&row.kind, reply.as_deref(), *confirm));
    }
    Ok(letters)
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Sent(Option<i64>),
    /// The channel refused this send; the next channel may carry it (the fallback code).
    Refused(String),
    Failed {
        reason: String,
        errcode: Option<i64>,
    },
    /// Transient: try again later (the same channel and key).
    Retry {
        reason: String,
        errcode: Option<i64>,
    },
    /// The day's quota for this API is used up.
    Quota,
    /// It may or may not have arrived, and cannot be repeated safely.
    Unknown,
}

fn failed(err: &WechatError) -> Attempt {
    Attempt::Failed { reason: err.reason(), errcode: err.code() }
}

fn retry(err: &WechatError) -> Attempt {
    Attempt::Retry { reason: err.reason(), errcode: err.code() }
}

/// Codes that are the student's, not the channel's: no other channel would do better.
/// (43101 from a customer-service send: the student refused the account's messages.)
fn permanent(code: i64) -> bool {
    matches!(code, 43004 | 43101 | 40003)
}

/// A value that breaks its keyword's type, found before sending or named by the
/// platform's 47003: `invalid_value:<keyword>`.
fn invalid_value<'a>(data: impl IntoIterator<Item = (&'a String, &'a TemplateValue)>) -> Option<Attempt> {
    keywords::first_invalid(data.into_iter().map(|(k, v)| (k.as_str(), v.value.as_str())))
        .map(|k| Attempt::Refused(format!("invalid_value:{k}")))
}

fn refused_value(err: &WechatError) -> Attempt {
    match err {
        WechatError::Api { message, .. } => match keywords::named_in(message) {
            Some(field) => Attempt::Refused(format!("invalid_value:{field}")),
            None => Attempt::Refused("rejected:47003".into()),
        },
        _ => Attempt::Refused("rejected:47003".into()),
    }
}

/// A template message. 43101 is the student's refusal of this template (not of the
/// account: other channels still reach them), 40249 a block of this notice's content;
/// both pass the row to the next channel, and the dispatcher remembers them.
pub async fn template(client: &WechatClient, message: &TemplateMessage) -> Attempt {
    if let Some(refused) = invalid_value(&message.data) {
        return refused;
    }
    match client.send_template(message).await {
        Ok(msgid) => Attempt::Sent(Some(msgid)),
        Err(err) => match err.code() {
            Some(45065) => Attempt::Sent(None),
            Some(45009) => Attempt::Quota,
            Some(43101) => Attempt::Refused("refused".into()),
            Some(40249) => Attempt::Refused("blocked".into()),
            Some(47003) => refused_value(&err),
            Some(code) if permanent(code) => failed(&err),
            Some(code @ (40037 | 48001 | 45047)) => Attempt::Refused(format!("rejected:{code}")),
            _ if err.is_transient() || matches!(err, WechatError::Decode(_)) || err.code() == Some(45066) => {
                retry(&err)
            }
            _ => failed(&err),
        },
    }
}

/// A subscribe notification: 43101 means the student's subscription is gone (a one-time
/// one used up, or withdrawn), and the next channel carries the row. No key: a send
/// whose answer is lost is not repeated.
pub async fn subscribe(client: &WechatClient, message: &SubscribeMessage) -> Attempt {
    if let Some(refused) = invalid_value(&message.data) {
        return refused;
    }
    match client.send_subscribe(message).await {
        Ok(()) => Attempt::Sent(None),
        Err(err) => match err.code() {
            Some(43101) => Attempt::Refused("not_subscribed".into()),
            Some(47003) => refused_value(&err),
            Some(45009) => Attempt::Quota,
            Some(43004 | 40003) => failed(&err),
            Some(code @ (40037 | 48001)) => Attempt::Refused(format!("rejected:{code}")),
            _ if err.left_nothing_done() => retry(&err),
            _ if err.is_transient() || matches!(err, WechatError::Decode(_)) => Attempt::Unknown,
            _ => failed(&err),
        },
    }
}

pub async fn custom(client: &WechatClient, openid: &str, message: &CustomMessage) -> Attempt {
    match client.send_custom_message(openid, message).await {
        Ok(()) => Attempt::Sent(None),
        Err(err) => match err.code() {
            Some(code) if permanent(code) => failed(&err),
            Some(code @ (45015 | 45047 | 48001)) => Attempt::Refused(format!("rejected:{code}")),
            Some(45009) => Attempt::Quota,
            _ if err.left_nothing_done() => retry(&err),
            _ if err.is_transient() || matches!(err, WechatError::Decode(_)) => Attempt::Unknown,
            _ => failed(&err),
        },
    }
}

/// One mass send for several rows; the answer holds for all of them.
pub async fn mass(client: &WechatClient, openids: &[String], message: &MassMessage, key: &str) -> Attempt {
    match client.mass_send(openids, message, key).await {
        Ok(sent) => Attempt::Sent(Some(sent.msg_id)),
        Err(err) => match err.code() {
            Some(45065) => Attempt::Sent(None),
            Some(45009) => Attempt::Quota,
            Some(code @ (45028 | 48001 | 40130)) => Attempt::Refused(format!("rejected:{code}")),
            _ if err.is_transient() || matches!(err, WechatError::Decode(_)) => retry(&err),
            _ => failed(&err),
        },
    }
}
