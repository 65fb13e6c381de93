//! The message log: every inbound message and event, as received. The inbox, reports and
//! the bot read it. One background task writes entries in batches (one transaction per
//! batch), so the webhook never waits on the database; shutdown drains the queue.

use tokio::sync::{mpsc, oneshot};

use crate::db::{now_ms, Db};
use crate::wechat::incoming::{Body, Event};
use crate::wechat::Incoming;

const QUEUE: usize = 10_000;
const BATCH: usize = 1000;
/// How long a batch waits for more entries before it is written.
const LINGER: std::time::Duration = std::time::Duration::from_millis(50);

struct Entry {
    openid: String,
    msg_type: String,
    event: Option<String>,
    event_key: Option<String>,
    content: Option<String>,
    msg_id: Option<i64>,
    created_time: i64,
    received_at: i64,
    raw_xml: String,
}

enum Command {
    Write(Box<Entry>),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct MessageLog {
    tx: mpsc::Sender<Command>,
}

/// The searchable text of a message: what it says, or where it points.
fn content_of(incoming: &Incoming) -> Option<String> {
    match &incoming.body {
        Body::Text { content, .. } => Some(content.clone()),
        Body::Image { pic_url, .. } => Some(pic_url.clone()),
        Body::Voice { recognition, media_id, .. } => Some(recognition.clone().unwrap_or_else(|| media_id.clone())),
        Body::Video { media_id, .. } | Body::ShortVideo { media_id, .. } => Some(media_id.clone()),
        Body::Location { latitude, longitude, label, .. } => Some(format!("{latitude},{longitude} {label}")),
        Body::Link { title, url, .. } => Some(format!("{title} {url}")),
        Body::Event(Event::Location { latitude, longitude, precision }) => {
            Some(format!("{latitude},{longitude} ±{precision}"))
        }
        Body::Event(Event::ScancodePush { scan, .. } | Event::ScancodeWaitmsg { scan, .. }) => {
            Some(scan.result.clone())
        }
        Body::Event(Event::LocationSelect { place, .. }) => {
            Some(format!("{},{} {}", place.latitude, place.longitude, place.label))
        }
        Body::Event(Event::TemplateSendJobFinish { status, .. } | Event::MassSendJobFinish { status, .. }) => {
            Some(status.clone())
        }
        _ => None,
    }
}

impl MessageLog {
    /// Starts the writer task.
    pub fn start(db: Db) -> MessageLog {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, rx));
        MessageLog { tx }
    }

    pub fn record(&self, incoming: &Incoming, raw: &str) {
        let event = incoming.event();
        let entry = Entry {
            openid: incoming.openid.clone(),
            msg_type: incoming.msg_type().to_string(),
            event: event.map(|e| e.name().to_string()),
            event_key: event.and_then(|e| e.key()),
            content: content_of(incoming),
            msg_id: incoming.msg_id(),
            created_time: incoming.create_time,
            received_at: now_ms(),
            raw_xml: raw.to_string(),
        };
        // Never waits: a stalled database must not hold up the answer to the platform.
        match self.tx.try_send(Command::Write(Box::new(entry))) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::error!(
                    queued = QUEUE,
                    "message log queue is full (database too slow?); a message was not stored"
                )
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::error!("message log writer has stopped; a message was not stored")
            }
        }
    }

    /// Waits until everything recorded so far is in the database.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn write_batches(db: Db, mut rx: mpsc::Receiver<Command>) {
    let mut commands = Vec::with_capacity(BATCH);
    loop {
        if rx.recv_many(&mut commands, BATCH).await == 0 {
            return;
        }
        // Gather what arrives shortly after, so a busy account commits a few large
        // transactions a second rather than one per message; a flush cuts the wait.
        let deadline = tokio::time::Instant::now() + LINGER;
        while commands.len() < BATCH && !commands.iter().any(|c| matches!(c, Command::Flush(_))) {
            let room = BATCH - commands.len();
            match tokio::time::timeout_at(deadline, rx.recv_many(&mut commands, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let mut entries = Vec::with_capacity(commands.len());
        let mut flushes = Vec::new();
        for command in commands.drain(..) {
            match command {
                Command::Write(entry) => entries.push(entry),
                Command::Flush(done) => flushes.push(done),
            }
        }
        if !entries.is_empty() {
            if let Err(err) = insert(&db, &entries).await {
                tracing::error!(error = %err, count = entries.len(), "storing inbound messages failed");
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// One transaction per batch, many rows per statement (`db::bulk`).
async fn insert(db: &Db, entries: &[Box<Entry>]) -> sqlx::Result<()> {
    const COLUMNS: [&str; 9] =
        ["openid", "msg_type", "event", "event_key", "content", "msg_id", "created_time", "received_at", "raw_xml"];
    let mut tx = db.begin_write().await?;
    crate::db::bulk::insert(&mut tx, db.backend(), "wechat_messages", &COLUMNS, "", entries, |q, e| {
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
    tx.commit().await
}
