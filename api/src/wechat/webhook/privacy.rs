//! What the message log may keep of a message, and for how long.
//!
//! - **No positions.** LOCATION events (sent every few seconds while a follower has the
//!   account open, if it asks for them), location messages and location picks are stored
//!   without coordinates, precision, scale, label or place name, in `content` and in the
//!   raw XML alike, whatever type the message parsed as. A position is kept only where
//!   the consent rules allow: a consenting student's latest one (`checkin::location`).
//! - **No secrets.** Commands that carry one, declared next to their rule in
//!   `conversation` (`绑定 学号 姓名 验证码`), are stored with it masked, in both places.
//! - **Not forever.** Entries are deleted once older than `BANJI_MESSAGE_RETENTION_DAYS`
//!   (`purge`, hourly).

use std::time::Duration;

use super::router::Secret;
use crate::db::{now_ms, Db};
use crate::wechat::incoming::{Body, Event};
use crate::wechat::{xml, Incoming};

/// Elements that hold a position, in any message or event.
const POSITION: [&str; 8] =
    ["Latitude", "Longitude", "Precision", "Location_X", "Location_Y", "Scale", "Label", "Poiname"];
const POSITION_TAGS: [&str; 8] =
    ["<Latitude", "<Longitude", "<Precision", "<Location_X", "<Location_Y", "<Scale", "<Label", "<Poiname"];

/// A code in Banji's own answer (a password-reset or registration code: 「验证码是 123456」),
/// masked before the answer is kept.
pub fn mask_codes(text: &str) -> String {
    static CODE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(验证码(?:是|为|：|:)\s*)[0-9A-Za-z]{4,16}").expect("valid pattern")
    });
    CODE.replace_all(text, "${1}******").into_owned()
}

/// What is written for one message.
#[derive(Debug, PartialEq)]
pub struct Stored {
    /// What the message says or points at, for search.
    pub content: Option<String>,
    pub raw_xml: String,
}

/// The message as the log may keep it.
pub fn stored(incoming: &Incoming, raw: &str, secrets: &[Secret]) -> Stored {
    let mask = |text: &str| secrets.iter().find_map(|s| s.mask(text));
    let said = match &incoming.body {
        Body::Text { content, .. } => Some(content),
        Body::Voice { recognition: Some(said), .. } => Some(said),
        _ => None,
    };
    let (content, masked) = match said {
        Some(said) => match mask(said) {
            Some(masked) => (Some(masked), true),
            None => (Some(said.clone()), false),
        },
        None => (searchable(incoming), false),
    };
    // A text the parser did not take as one (a field missing) is looked at too.
    let unread_secret =
        matches!(incoming.body, Body::Unknown { .. }) && secrets.iter().any(|s| raw.contains(s.keyword()));
    let has_position = POSITION_TAGS.iter().any(|tag| raw.contains(tag));
    if !masked && !unread_secret && !has_position {
        return Stored { content, raw_xml: raw.to_string() };
    }
    let raw_xml = match xml::parse(raw) {
        Ok(mut root) => {
            root.remove_all(&POSITION);
            for child in root.children.iter_mut().filter(|c| c.name == "Content" || c.name == "Recognition") {
                if let Some(masked) = mask(&child.text) {
                    child.text = masked;
                }
            }
            root.to_xml()
        }
        // It parsed when it arrived; should it not now, nothing of it is kept rather than too much.
        Err(_) => String::new(),
    };
    Stored { content, raw_xml }
}

/// The searchable text of a message other than text and voice: where it points, or the
/// status of a job. Positions have none.
fn searchable(incoming: &Incoming) -> Option<String> {
    match &incoming.body {
        Body::Voice { media_id, .. } => Some(media_id.clone()),
        Body::Image { pic_url, .. } => Some(pic_url.clone()),
        Body::Video { media_id, .. } | Body::ShortVideo { media_id, .. } => Some(media_id.clone()),
        Body::Link { title, url, .. } => Some(format!("{title} {url}")),
        Body::Event(Event::ScancodePush { scan, .. } | Event::ScancodeWaitmsg { scan, .. }) => {
            Some(scan.result.clone())
        }
        Body::Event(Event::TemplateSendJobFinish { status, .. } | Event::MassSendJobFinish { status, .. }) => {
            Some(status.clone())
        }
        _ => None,
    }
}

/// Rows deleted per statement, so a first purge of a large log does not hold one long
/// transaction.
const PURGE_CHUNK: i64 = 5000;

/// Deletes the entries received more than `retention_days` before `now`. Rows are
/// appended in the order they arrive (there is no index on `received_at`, which every
/// message would pay for): the first recent row, found by walking the primary key, bounds
/// the old ones. An entry written late (after a database outage) is deleted with the
/// entries around it, at most that outage later. The inbox's previews and teachers' answers
/// as old go with them. Returns how many entries and answers were deleted.
pub async fn purge(db: &Db, retention_days: i64, now: i64) -> sqlx::Result<u64> {
    let before = now - retention_days * 86_400_000;
    let boundary: Option<i64> =
        sqlx::query_scalar("SELECT id FROM wechat_messages WHERE received_at >= $1 ORDER BY id LIMIT 1")
            .bind(before)
            .fetch_optional(db.pool())
            .await?;
    let mut deleted = 0;
    loop {
        let n = sqlx::query(
            "DELETE FROM wechat_messages WHERE id IN (SELECT id FROM wechat_messages WHERE id < $1 \
             AND received_at < $2 ORDER BY id LIMIT $3)",
        )
        .bind(boundary.unwrap_or(i64::MAX))
        .bind(before)
        .bind(PURGE_CHUNK)
        .execute(db.pool())
        .await?
        .rows_affected();
        deleted += n;
        if n < PURGE_CHUNK as u64 {
            break;
        }
    }
    // The inbox keeps no more than the log: a thread's preview and teachers' answers go too.
    sqlx::query("UPDATE inbox_threads SET last_text = NULL WHERE last_in_at < $1 AND last_text IS NOT NULL")
        .bind(before)
        .execute(db.pool())
        .await?;
    deleted += sqlx::query("DELETE FROM inbox_replies WHERE created_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected();
    // What the auto-replies answered, and what nothing answered, quote the messages.
    deleted += sqlx::query("DELETE FROM auto_rule_hits WHERE hit_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?
        .rows_affected();
    Ok(deleted)
}

/// Runs until the process ends: the purge, hourly.
pub async fn purge_forever(db: Db, retention_days: i64) {
    let mut ticks = tokio::time::interval(Duration::from_secs(3600));
    loop {
        ticks.tick().await;
        match purge(&db, retention_days, now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "deleted messages past their retention"),
            Err(err) => tracing::warn!(error = %err, "deleting old messages failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_banjis_own_answers_are_masked_and_the_rest_kept() {
        let said = "账号 wang 的密码重置验证码是 483920，10 分钟内有效。验证码是辅导员发给你的 6 位绑定码。";
        assert_eq!(
            mask_codes(said),
            "账号 wang 的密码重置验证码是 ******，10 分钟内有效。验证码是辅导员发给你的 6 位绑定码。"
        );
    }
    use crate::wechat::webhook::router::Router;

    fn secrets() -> Vec<Secret> {
        Router::new().secret("绑定", 2).secrets()
    }

    fn incoming(raw: &str) -> Incoming {
        Incoming::parse(raw).unwrap()
    }

    const HEAD: &str = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
                        <CreateTime>1</CreateTime>";

    #[test]
    fn a_location_event_is_kept_without_its_position() {
        let raw = format!(
            "{HEAD}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>\
             <Latitude>39.908722</Latitude><Longitude>116.397499</Longitude><Precision>30.0</Precision></xml>"
        );
        let kept = stored(&incoming(&raw), &raw, &secrets());
        assert_eq!(kept.content, None);
        assert!(!kept.raw_xml.contains("39.9") && !kept.raw_xml.contains("116.3"), "{}", kept.raw_xml);
        assert!(kept.raw_xml.contains("<Event><![CDATA[LOCATION]]></Event>"), "{}", kept.raw_xml);
    }

    #[test]
    fn a_location_message_keeps_neither_coordinates_nor_place() {
        let raw = format!(
            "{HEAD}<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X>\
             <Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[图书馆]]></Label><MsgId>7</MsgId></xml>"
        );
        let kept = stored(&incoming(&raw), &raw, &secrets());
        assert_eq!(kept.content, None);
        assert!(!kept.raw_xml.contains("23.13") && !kept.raw_xml.contains("图书馆"), "{}", kept.raw_xml);
        assert!(kept.raw_xml.contains("<MsgId><![CDATA[7]]></MsgId>"));
    }

    #[test]
    fn a_bind_command_is_kept_with_its_code_masked_and_other_text_as_it_came() {
        let raw = format!("{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[绑定 2023001 张三 123456]]></Content><MsgId>8</MsgId></xml>");
        let kept = stored(&incoming(&raw), &raw, &secrets());
        assert_eq!(kept.content.as_deref(), Some("绑定 2023001 张三 ******"));
        assert!(!kept.raw_xml.contains("123456"), "{}", kept.raw_xml);
        assert!(kept.raw_xml.contains("绑定 2023001 张三 ******"));

        // A text missing its MsgId is kept as an unknown type: its secret is masked all the same.
        let raw = format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[绑定 2023001 张三 123456]]></Content></xml>"
        );
        let kept = stored(&incoming(&raw), &raw, &secrets());
        assert_eq!(kept.content, None);
        assert!(
            kept.raw_xml.contains("绑定 2023001 张三 ******") && !kept.raw_xml.contains("123456"),
            "{}",
            kept.raw_xml
        );

        let raw = format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[签到 123456]]></Content><MsgId>9</MsgId></xml>"
        );
        assert_eq!(
            stored(&incoming(&raw), &raw, &secrets()),
            Stored { content: Some("签到 123456".into()), raw_xml: raw }
        );
    }
}
