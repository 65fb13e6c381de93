//! Which channel carries a row, from what the account may do and where the student
//! stands: template message (unless the student refused that template) → subscribe
//! notification (to a student who subscribed through the page's button) →
//! customer-service message (inside the 48-hour window and its cap) → mass send to a
//! list of openids (service accounts, 4 a month each) → digest (held, handed over as a
//! passive reply when the student next writes). Each channel passed over leaves its
//! reason in the row's fallback codes.

use std::collections::HashMap;

use shared::TemplateMapping;

use super::reasons;
use crate::db::{now_ms, Db};
use crate::wechat::AccountKind;

/// The customer-service window after a student's message, and its cap.
pub const WINDOW_MS: i64 = 48 * 3600 * 1000;
pub const WINDOW_CAP: i64 = 5;
/// Mass messages a follower may receive in a month (service accounts).
pub const MASS_PER_MONTH: i64 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Template,
    Subscribe,
    Custom,
    Mass,
    Digest,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Template => "template",
            Channel::Subscribe => "subscribe",
            Channel::Custom => "custom",
            Channel::Mass => "mass",
            Channel::Digest => "digest",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s {
            "template" => Channel::Template,
            "subscribe" => Channel::Subscribe,
            "custom" => Channel::Custom,
            "mass" => Channel::Mass,
            "digest" => Channel::Digest,
            _ => return None,
        })
    }
}

/// What the account can do, the same for every row of a batch.
pub struct Account {
    pub kind: AccountKind,
    /// The template chosen for notices, if any.
    pub template: Option<TemplateMapping>,
    /// The subscribe template chosen for notices, if any.
    pub subscribe: Option<TemplateMapping>,
}

/// The channels a row may go by before the digest, best first.
pub const ORDER: [Channel; 4] = [Channel::Template, Channel::Subscribe, Channel::Custom, Channel::Mass];

/// Where one student stands with the account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub following: bool,
    /// Customer-service messages sent since their last message within 48 hours, or
    /// `None` when they have not written in that time.
    pub window_used: Option<i64>,
    /// Mass messages they received this month (notices and the mass-send assistant).
    pub mass_this_month: i64,
    /// They refused the notice template in WeChat (43101), not long ago.
    pub refused_template: bool,
    /// A subscription to the notice's subscribe template with a send left.
    pub subscribed: bool,
}

/// The best channel not yet `tried`; every better one passed over adds its reason.
pub fn choose(account: &Account, standing: &Standing, tried: &[Channel], fallback: &mut String) -> Channel {
    for channel in ORDER {
        if tried.contains(&channel) {
            continue;
        }
        let refusal = match channel {
            Channel::Template if !account.kind.has_templates() => Some("account_kind"),
            Channel::Template if account.template.is_none() => Some("not_mapped"),
            Channel::Template if standing.refused_template => Some("refused"),
            Channel::Subscribe if !account.kind.has_templates() => Some("account_kind"),
            Channel::Subscribe if account.subscribe.is_none() => Some("not_mapped"),
            Channel::Subscribe if !standing.subscribed => Some("not_subscribed"),
            Channel::Custom if !account.kind.has_customer_service() => Some("account_kind"),
            Channel::Custom => match standing.window_used {
                None => Some("outside_window"),
                Some(used) if used >= WINDOW_CAP => Some("window_cap"),
                Some(_) => None,
            },
            Channel::Mass if account.kind == AccountKind::Subscription => Some("account_kind"),
            Channel::Mass if standing.mass_this_month >= MASS_PER_MONTH => Some("monthly_quota"),
            _ => None,
        };
        match refusal {
            Some(code) => reasons::push(fallback, channel.as_str(), code),
            None => return channel,
        }
    }
    Channel::Digest
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Where each of these openids stands, read in a few queries for the whole batch.
pub async fn standings(db: &Db, openids: &[String], account: &Account) -> sqlx::Result<HashMap<String, Standing>> {
    let mut map: HashMap<String, Standing> = HashMap::new();
    if openids.is_empty() {
        return Ok(map);
    }
    let list = placeholders(1, openids.len());
    // A student's own flag, or (for followers bound to no one) the followers table.
    let sql = format!(
        "SELECT openid, following FROM students WHERE openid IN ({list}) \
         UNION ALL SELECT f.openid, f.subscribed FROM followers f WHERE f.openid IN ({list}) \
         AND NOT EXISTS (SELECT 1 FROM students s WHERE s.openid = f.openid)"
    );
    let mut q = sqlx::query_as::<_, (String, crate::db::Flag)>(sqlx::AssertSqlSafe(sql));
    for o in openids {
        q = q.bind(o);
    }
    for (openid, following) in q.fetch_all(db.pool()).await? {
        map.entry(openid).or_default().following = following.0;
    }

    let now = now_ms();
    let n = openids.len();
    let sql = format!(
        "SELECT m.openid, (SELECT COUNT(*) FROM deliveries d WHERE d.openid = m.openid AND d.channel = 'custom' \
         AND d.status = 'sent' AND d.sent_at >= m.last) FROM (SELECT openid, MAX(received_at) AS last \
         FROM wechat_messages WHERE openid IN ({list}) AND msg_type <> 'event' AND received_at >= ${} GROUP BY openid) m",
        n + 1
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
    for o in openids {
        q = q.bind(o);
    }
    for (openid, used) in q.bind(now - WINDOW_MS).fetch_all(db.pool()).await? {
        map.entry(openid).or_default().window_used = Some(used);
    }

    // Notices' mass deliveries and the mass-send assistant's recipients share the quota
    // (those already past it when a send went were filtered by the platform: not counted).
    let sql = format!(
        "SELECT openid, COUNT(*) FROM (SELECT openid FROM deliveries WHERE openid IN ({list}) \
         AND channel = 'mass' AND status = 'sent' AND sent_at >= ${month} \
         UNION ALL SELECT r.openid FROM mass_recipients r JOIN mass_sends m ON m.id = r.send_id \
         WHERE r.openid IN ({list}) AND r.counted = TRUE AND m.created_at >= ${month} \
         AND m.status <> 'failed') x GROUP BY openid",
        month = n + 1
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
    for o in openids {
        q = q.bind(o);
    }
    for (openid, count) in q.bind(month_start_ms()).fetch_all(db.pool()).await? {
        map.entry(openid).or_default().mass_this_month = count;
    }

    if let Some(template) = &account.template {
        let sql = format!(
            "SELECT openid FROM template_refusals WHERE openid IN ({list}) AND template_id = ${} AND refused_at >= ${}",
            n + 1,
            n + 2
        );
        let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for o in openids {
            q = q.bind(o);
        }
        let since = now - super::refusals::RETRY_AFTER_MS;
        for openid in q.bind(&template.template_id).bind(since).fetch_all(db.pool()).await? {
            map.entry(openid).or_default().refused_template = true;
        }
    }
    if let Some(subscribe) = &account.subscribe {
        let sql = format!(
            "SELECT openid FROM subscriptions WHERE openid IN ({list}) AND template_id = ${} AND accepted = TRUE \
             AND (long_term = TRUE OR remaining > 0)",
            n + 1
        );
        let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for o in openids {
            q = q.bind(o);
        }
        for openid in q.bind(&subscribe.template_id).fetch_all(db.pool()).await? {
            map.entry(openid).or_default().subscribed = true;
        }
    }
    Ok(map)
}

/// The first moment of this month in China time (when mass quotas start again).
fn month_start_ms() -> i64 {
    use chrono::{Datelike, TimeZone};
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    let now = chrono::Utc::now().with_timezone(&china);
    now.date_naive()
        .with_day(1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| china.from_local_datetime(&t).single())
        .map_or(0, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(kind: AccountKind, mapped: bool) -> Account {
        let template = mapped.then(|| TemplateMapping {
            kind: "notice".into(),
            template_id: "t".into(),
            fields: Default::default(),
        });
        Account { kind, template, subscribe: None }
    }

    fn plan(account: &Account, standing: Standing) -> (Channel, String) {
        let mut fallback = String::new();
        (choose(account, &standing, &[], &mut fallback), fallback)
    }

    const FOLLOWING: Standing =
        Standing { following: true, window_used: None, mass_this_month: 0, refused_template: false, subscribed: false };

    #[test]
    fn a_verified_account_with_a_template_uses_it() {
        assert_eq!(plan(&account(AccountKind::ServiceVerified, true), FOLLOWING), (Channel::Template, String::new()));
    }

    #[test]
    fn without_a_template_a_student_inside_the_window_gets_a_customer_service_message() {
        let standing = Standing { window_used: Some(2), ..FOLLOWING };
        assert_eq!(
            plan(&account(AccountKind::ServiceVerified, false), standing),
            (Channel::Custom, "template:not_mapped;subscribe:not_mapped".into())
        );
    }

    #[test]
    fn a_student_who_refused_the_template_gets_a_subscribe_notification_when_subscribed_else_the_next_channel() {
        let mut verified = account(AccountKind::ServiceVerified, true);
        verified.subscribe = verified.template.clone();
        let refused = Standing { refused_template: true, subscribed: true, ..FOLLOWING };
        assert_eq!(plan(&verified, refused), (Channel::Subscribe, "template:refused".into()));
        let refused = Standing { refused_template: true, window_used: Some(0), ..FOLLOWING };
        assert_eq!(plan(&verified, refused), (Channel::Custom, "template:refused;subscribe:not_subscribed".into()));
    }

    #[test]
    fn an_unverified_service_account_falls_to_mass_outside_the_window_and_to_digest_past_the_quota() {
        let service = account(AccountKind::Service, false);
        assert_eq!(
            plan(&service, FOLLOWING),
            (Channel::Mass, "template:account_kind;subscribe:account_kind;custom:outside_window".into())
        );
        let spent = Standing { window_used: Some(5), mass_this_month: 4, ..FOLLOWING };
        assert_eq!(
            plan(&service, spent),
            (
                Channel::Digest,
                "template:account_kind;subscribe:account_kind;custom:window_cap;mass:monthly_quota".into()
            )
        );
    }

    #[test]
    fn a_subscription_account_can_only_hold_notices_for_the_digest() {
        let (channel, fallback) = plan(&account(AccountKind::Subscription, true), FOLLOWING);
        assert_eq!(channel, Channel::Digest);
        assert_eq!(fallback, "template:account_kind;subscribe:account_kind;custom:account_kind;mass:account_kind");
    }

    #[test]
    fn channels_already_tried_are_passed_over_without_a_new_reason() {
        let mut fallback = "template:rejected:40037".to_string();
        let standing = Standing { window_used: Some(0), ..FOLLOWING };
        let channel =
            choose(&account(AccountKind::ServiceVerified, true), &standing, &[Channel::Template], &mut fallback);
        assert_eq!((channel, fallback.as_str()), (Channel::Custom, "template:rejected:40037;subscribe:not_mapped"));
    }
}
