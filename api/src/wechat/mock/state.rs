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

#[derive(Debug, Clone, Serialize)]
pub struct InboxItem {
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
    pub mass_this_month: u32,
    pub inbox: Vec<InboxItem>,
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
            mass_this_month: 0,
            inbox: Vec::new(),
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
    pub mass_sendall_today: u32,
    pub next_msg_id: i64,
    pub qr: HashMap<String, QrEntry>,
    pub codes: HashMap<String, OauthCode>,
    pub oauth_tokens: HashMap<String, (String, String)>,
    pub media: HashSet<String>,
    pub faults: Faults,
    /// Followers per page of `/cgi-bin/user/get` (10 000 on the platform).
    pub page_size: usize,
}

impl MockState {
    pub fn new() -> MockState {
        MockState {
            next_tag: 100,
            next_msg_id: 1_000_000_000,
            page_size: 10_000,
            templates: default_templates(),
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

    pub fn user(&mut self, openid: &str) -> Result<&mut SimUser, Failure> {
        self.users.get_mut(openid).ok_or((40003, "invalid openid"))
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_msg_id += 1;
        self.next_msg_id
    }
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
