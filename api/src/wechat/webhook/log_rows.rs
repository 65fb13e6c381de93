//! How the message log's entries become rows, in one transaction per batch: what followers
//! sent into `wechat_messages` (whose trigger keeps the inbox's threads), a pending
//! `inbox_media` row for each picture, voice note or video to fetch, Banji's automatic
//! answers into `inbox_replies` (kind `auto`) beside the teachers', and what the
//! auto-reply rules made of each text into `auto_rule_hits` (with each rule's counter).

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::wechat::Incoming;

/// One entry of the log as queued (and spooled), before it becomes rows.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Entry {
    pub(super) openid: String,
    pub(super) msg_type: String,
    pub(super) event: Option<String>,
    pub(super) event_key: Option<String>,
    pub(super) content: Option<String>,
    pub(super) msg_id: Option<i64>,
    pub(super) created_time: i64,
    pub(super) received_at: i64,
    pub(super) raw_xml: String,
    /// The platform's id of an image, voice note or video the follower sent (fetched and
    /// kept by `inbox::media`).
    #[serde(default)]
    pub(super) media_id: Option<String>,
    /// Banji's automatic (passive) answer to the follower rather than something they sent:
    /// kept with the teachers' answers (`inbox_replies`, kind `auto`) so a thread shows it.
    #[serde(default)]
    pub(super) auto_reply: bool,
    /// Not a message but what the auto-replies made of one (`auto_rule_hits`).
    #[serde(default)]
    pub(super) hit: Option<Hit>,
}

/// The rule that answered a message (none: nothing did), and whether only a default rule
/// did, so the message counts as unanswered.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct Hit {
    pub(super) rule_id: Option<i64>,
    pub(super) unanswered: bool,
}

pub(super) fn media_id(incoming: &Incoming) -> Option<String> {
    use crate::wechat::incoming::Body;
    match &incoming.body {
        Body::Image { media_id, .. }
        | Body::Voice { media_id, .. }
        | Body::Video { media_id, .. }
        | Body::ShortVideo { media_id, .. } => Some(media_id.clone()).filter(|id| !id.is_empty()),
        _ => None,
    }
}

/// One transaction per batch, many rows per statement (`db::bulk`).
pub(super) async fn insert(db: &Db, all: &[Entry]) -> sqlx::Result<()> {
    const COLUMNS: [&str; 9] =
        ["openid", "msg_type", "event", "event_key", "content", "msg_id", "created_time", "received_at", "raw_xml"];
    let (hits, all): (Vec<&Entry>, Vec<&Entry>) = all.iter().partition(|e| e.hit.is_some());
    let (answers, entries): (Vec<&Entry>, Vec<&Entry>) = all.into_iter().partition(|e| e.auto_reply);
    let mut tx = db.begin_write().await?;
    crate::db::bulk::insert(&mut tx, db.backend(), "wechat_messages", &COLUMNS, "", &entries, |q, e| {
        q.bind(&e.openid)
            .bind(&e.msg_type)
            .bind(&e.event)
            .bind(&e.event_key)
            .bind(&e.content)
            .bind(e.msg_id)
            .bind(e.created_time)
            .bind(e.received_at)
            .bind(&e.raw_xml)
    })
    .await?;
    // Media to fetch before the platform deletes it; a message the platform sent again
    // (a retry) names the same media and adds nothing.
    let media: Vec<&Entry> = entries.iter().copied().filter(|e| e.media_id.is_some()).collect();
    if !media.is_empty() {
        const MEDIA: [&str; 5] = ["media_id", "openid", "kind", "msg_id", "received_at"];
        let suffix = " ON CONFLICT (media_id) DO NOTHING";
        crate::db::bulk::insert(&mut tx, db.backend(), "inbox_media", &MEDIA, suffix, &media, |q, e| {
            q.bind(&e.media_id).bind(&e.openid).bind(&e.msg_type).bind(e.msg_id).bind(e.received_at)
        })
        .await?;
    }
    const ANSWERS: [&str; 6] = ["openid", "author_name", "kind", "content", "status", "created_at"];
    crate::db::bulk::insert(&mut tx, db.backend(), "inbox_replies", &ANSWERS, "", &answers, |q, e| {
        q.bind(&e.openid)
            .bind("自动回复")
            .bind("auto")
            .bind(e.content.as_deref().unwrap_or_default())
            .bind("sent")
            .bind(e.received_at)
    })
    .await?;
    const HITS: [&str; 5] = ["rule_id", "openid", "content", "unanswered", "hit_at"];
    crate::db::bulk::insert(&mut tx, db.backend(), "auto_rule_hits", &HITS, "", &hits, |q, e| {
        let hit = e.hit.unwrap_or(Hit { rule_id: None, unanswered: true });
        q.bind(hit.rule_id)
            .bind(&e.openid)
            .bind(e.content.as_deref().unwrap_or_default())
            .bind(hit.unanswered)
            .bind(e.received_at)
    })
    .await?;
    // Each rule's counter and last hit, once per rule per batch.
    let mut counts: std::collections::BTreeMap<i64, (i64, i64)> = Default::default();
    for (rule, at) in hits.iter().filter_map(|e| Some((e.hit?.rule_id?, e.received_at))) {
        let entry = counts.entry(rule).or_insert((0, at));
        *entry = (entry.0 + 1, entry.1.max(at));
    }
    for (rule, (n, last)) in counts {
        sqlx::query("UPDATE auto_rules SET hits = hits + $1, last_hit_at = $2 WHERE id = $3")
            .bind(n)
            .bind(last)
            .bind(rule)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
