//! The mock platform's memory: tokens, simulated followers with their inboxes and
//! customer-service windows, tags, menus, templates, QR tickets, OAuth codes, quotas.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::wechat::client::menus::{ConditionalMenu, Menu};
use crate::wechat::client::messages::Template;

pub const TOKEN_LIFETIME: Duration = Duration::from_secs(7200);
/// A rotated legacy token keeps working this long.
pub const OVERLAP: Duration = Duration::from_secs(300);
/// Customer-service window after a follower's message, and its cap.
pub const WINDOW: Duration = Duration::from_secs(48 * 3600);
pub const WINDOW_CAP: u32 = 5;
/// After a menu click, follow or scan: 3 messages within a minute.
pub const EVENT_WINDOW: Duration = Duration::from_secs(60);
pub const EVENT_CAP: u32 = 3;
/// Mass messages a follower of a service account receives per month.
pub const MASS_PER_MONTH: u32 = 4;
pub const MAX_TAGS: usize = 100;
pub const MAX_TAGS_PER_USER: usize = 20;

/// The failure an API call returns: (errcode, errmsg).
pub type Failure = (i64, &'static str);

/// Orders what followers send and receive, even within one millisecond.
static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub fn next_seq() -> u64 {
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// What a simulated follower sent (for the simulator's conversation view).
#[derive(Debug, Clone, Serialize)]
pub struct SentItem {
    pub seq: u64,
    pub msg_type: String,
    /// Text, or a short description of an event ("点击菜单 NOTICES").
    pub content: String,
    /// Unix milliseconds.
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InboxItem {
    /// Order among everything this follower sent and received.
    pub seq: u64,
    /// passive (reply to a message), custom (customer service), template, mass.
    pub channel: &'static str,
    pub msg_type: String,
    pub content: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Unix milliseconds.
    pub at: i64,
    /// The message as the platform received it.
    pub raw: Value,
}

#[derive(Debug, Clone)]
pub struct SimUser {
    pub openid: String,
    pub nickname: String,
    pub following: bool,
    pub subscribe_time: i64,
    pub remark: String,
    pub tags: BTreeSet<i64>,
    /// Refuses messages from the account (43101 / `failed:user block`).
    pub blocked: bool,
    pub window_start: Option<Instant>,
    pub window_sent: u32,
    pub event_start: Option<Instant>,
    pub event_sent: u32,
    /// Mass messages received this month (service accounts: at most 4).
    pub mass_this_month: PeriodCount,
    pub inbox: Vec<InboxItem>,
    /// Messages (by dedup key) whose passive reply is already in the inbox.
    pub replied: HashSet<String>,
    /// Everything this follower sent, in order.
    pub sent: Vec<SentItem>,
    /// Templates this follower turned off in WeChat (their sends: 43101).
    pub refused_templates: BTreeSet<String>,
    /// Subscribe templates they subscribed to through a page's subscribe button.
    pub subscriptions: BTreeMap<String, SimSubscription>,
}

/// A follower's subscription to one subscribe template.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimSubscription {
    pub long_term: bool,
    /// One-time subscriptions not yet used.
    pub remaining: u32,
}

impl SimUser {
    pub fn new(openid: String, nickname: String) -> SimUser {
        SimUser {
            openid,
            nickname,
            following: true,
            subscribe_time: chrono::Utc::now().timestamp(),
            remark: String::new(),
            tags: BTreeSet::new(),
            blocked: false,
            window_start: None,
            window_sent: 0,
            event_start: None,
            event_sent: 0,
            mass_this_month: PeriodCount::default(),
            inbox: Vec::new(),
            replied: HashSet::new(),
            sent: Vec::new(),
            refused_templates: BTreeSet::new(),
            subscriptions: BTreeMap::new(),
        }
    }

    /// A message from the follower opens a fresh 48-hour window.
    pub fn wrote(&mut self) {
        self.window_start = Some(Instant::now());
        self.window_sent = 0;
    }

    /// A click, follow or scan opens a one-minute window of 3 messages.
    pub fn acted(&mut self) {
        self.event_start = Some(Instant::now());
        self.event_sent = 0;
    }

    /// Whether a customer-service message may go out now; counts it if so.
    pub fn take_custom_slot(&mut self) -> Result<(), Failure> {
        if !self.following {
            return Err((43004, "require subscribe"));
        }
        if self.blocked {
            return Err((43101, "user refuse to accept the msg"));
        }
        let in_window = self.window_start.is_some_and(|t| t.elapsed() < WINDOW);
        if in_window && self.window_sent < WINDOW_CAP {
            self.window_sent += 1;
            return Ok(());
        }
        if self.event_start.is_some_and(|t| t.elapsed() < EVENT_WINDOW) && self.event_sent < EVENT_CAP {
            self.event_sent += 1;
            return Ok(());
        }
        if in_window {
            Err((45047, "out of response count limit"))
        } else {
            Err((45015, "response out of time limit or subscription is canceled"))
        }
    }
}

#[derive(Debug, Clone)]
pub struct QrEntry {
    pub scene: String,
    pub expires: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct OauthCode {
    pub openid: String,
    pub scope: String,
    pub used: bool,
    pub issued: Instant,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Faults {
    /// Share of server-API calls that fail (0.0–1.0).
    #[serde(default)]
    pub error_rate: f64,
    /// Codes a failing call returns (one at random; -1 when empty).
    #[serde(default)]
    pub errcodes: Vec<i64>,
    /// Added to every server-API call.
    #[serde(default)]
    pub latency_ms: u64,
    /// When set, a failing call answers with this HTTP status (e.g. 502) instead of an
    /// errcode: the caller cannot tell whether it took effect.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Share of calls that take effect but whose answer is lost (a 504 after the work is
    /// done, as when the platform's reply times out): only idempotency keys make a
    /// repeat of such a call safe.
    #[serde(default)]
    pub lost_answer_rate: f64,
}

#[derive(Default)]
pub struct MockState {
    pub tokens: HashMap<String, Instant>,
    pub stable: Option<String>,
    pub forced: Vec<Instant>,
    pub ticket: Option<(String, Instant)>,
    pub token_requests: u64,
    pub api_calls: u64,
    pub users: BTreeMap<String, SimUser>,
    pub tags: BTreeMap<i64, String>,
    pub next_tag: i64,
    pub menu: Option<Menu>,
    pub conditional: Vec<ConditionalMenu>,
    pub templates: Vec<Template>,
    pub template_ids: HashMap<String, i64>,
    pub mass_ids: HashMap<String, i64>,
    pub mass_sent: HashMap<i64, &'static str>,
    /// Subscription accounts: one mass send a day.
    pub mass_sendall_today: PeriodCount,
    /// Drafts, mass videos, previews and mass results (`mass`).
    pub mass: super::mass::MassBook,
    pub next_msg_id: i64,
    pub qr: HashMap<String, QrEntry>,
    /// Permanent QR codes the account may make (100 000 on the platform).
    pub permanent_qr_quota: u64,
    pub codes: HashMap<String, OauthCode>,
    pub oauth_tokens: HashMap<String, (String, String)>,
    /// Temporary media (uploaded, or sent by followers), by media_id.
    pub media: HashMap<String, super::media::MockMedia>,
    /// Permanent material's media_ids.
    pub materials: HashSet<String>,
    pub faults: Faults,
    /// Followers per page of `/cgi-bin/user/get` (10 000 on the platform).
    pub page_size: usize,
    /// Template messages sent today, and how many a day the account may send.
    pub template_today: PeriodCount,
    pub template_daily_quota: u32,
    /// Where messages and events go when set (`/sim/settings`), instead of the webhook
    /// the mock was started with: a standalone mock learns its Banji's address late.
    pub webhook_url: Option<String>,
    /// Template messages holding one of these words are blocked for content (40249).
    pub blocked_words: Vec<String>,
    /// What was blocked, as `queryblocktmplmsg` lists it.
    pub blocked: Vec<crate::wechat::client::templates::BlockedMessage>,
    /// The account's subscribe templates (订阅通知).
    pub subscribe_templates: Vec<crate::wechat::client::templates::SubscribeTemplate>,
}

impl MockState {
    pub fn new() -> MockState {
        MockState {
            next_tag: 100,
            next_msg_id: 1_000_000_000,
            page_size: 10_000,
            template_daily_quota: 100_000,
            permanent_qr_quota: 100_000,
            templates: default_templates(),
            subscribe_templates: super::templates::default_subscribe_templates(),
            ..MockState::default()
        }
    }

    /// Checks an `access_token` query value.
    pub fn check_token(&self, token: Option<&String>) -> Result<(), Failure> {
        let token = token.filter(|t| !t.is_empty()).ok_or((41001, "access_token missing"))?;
        match self.tokens.get(token) {
            Some(expires) if *expires > Instant::now() => Ok(()),
            Some(_) => Err((42001, "access_token expired")),
            None => Err((40001, "invalid credential, access_token is invalid or not latest")),
        }
    }

    /// The menu a follower with these tags sees: the newest conditional menu whose rule
    /// matches, else the default one.
    pub fn menu_for(&self, tags: &BTreeSet<i64>) -> Option<Vec<crate::wechat::client::menus::Button>> {
        self.conditional
            .iter()
            .rev()
            .find(|m| m.matchrule.tag_id.as_ref().is_none_or(|t| tags.contains(&t.parse().unwrap_or(-1))))
            .map(|m| m.button.clone())
            .or_else(|| self.menu.as_ref().map(|m| m.button.clone()))
    }

    pub fn user(&mut self, openid: &str) -> Result<&mut SimUser, Failure> {
        self.users.get_mut(openid).ok_or((40003, "invalid openid"))
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_msg_id += 1;
        self.next_msg_id
    }
}

/// A count that starts again with each period (a day or a month of China time, as the
/// platform counts its quotas).
#[derive(Debug, Clone, Copy, Default)]
pub struct PeriodCount {
    period: i64,
    count: u32,
}

impl PeriodCount {
    pub fn get(&self, period: i64) -> u32 {
        if self.period == period {
            self.count
        } else {
            0
        }
    }

    pub fn add(&mut self, period: i64) {
        if self.period != period {
            *self = PeriodCount { period, count: 0 };
        }
        self.count += 1;
    }
}

fn china_now() -> chrono::DateTime<chrono::FixedOffset> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    chrono::Utc::now().with_timezone(&offset)
}

/// Today, as a day number (for `PeriodCount`).
pub fn today() -> i64 {
    use chrono::Datelike;
    i64::from(china_now().num_days_from_ce())
}

/// This month, as a month number (for `PeriodCount`).
pub fn this_month() -> i64 {
    use chrono::Datelike;
    let now = china_now();
    i64::from(now.year()) * 12 + i64::from(now.month0())
}

pub fn random_id(len: usize) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// Templates a school account typically has, keyed like the platform's new-style fields.
fn default_templates() -> Vec<Template> {
    let template = |id: &str, title: &str, content: &str| Template {
        template_id: id.to_string(),
        title: title.to_string(),
        primary_industry: "教育".to_string(),
        deputy_industry: "院校".to_string(),
        content: content.to_string(),
        example: String::new(),
    };
    vec![
        template("TPL_NOTICE", "通知提醒", "通知标题{{thing1.DATA}}\n发布人{{thing2.DATA}}\n发布时间{{time3.DATA}}"),
        template("TPL_REMINDER", "未读提醒", "通知标题{{thing1.DATA}}\n截止时间{{time2.DATA}}"),
        template("TPL_CHECKIN", "签到提醒", "会议名称{{thing1.DATA}}\n开始时间{{time2.DATA}}\n地点{{thing3.DATA}}"),
        template("TPL_REPLY", "留言回复", "留言内容{{thing1.DATA}}\n回复人{{thing2.DATA}}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::PeriodCount;

    #[test]
    fn a_period_count_starts_again_in_a_new_period() {
        let mut sends = PeriodCount::default();
        sends.add(100);
        sends.add(100);
        assert_eq!(sends.get(100), 2);
        assert_eq!(sends.get(101), 0, "a new day has no sends yet");
        sends.add(101);
        assert_eq!((sends.get(101), sends.get(100)), (1, 0));
    }
}
