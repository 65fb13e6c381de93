//! The message log: every inbound message and event, as the log may keep it (`privacy`:
//! no positions, secrets masked, deleted after the retention). The inbox, reports and the
//! delivery planner (the 48-hour customer-service window) read it.
//!
//! One background task writes entries in batches (one transaction per batch), so the
//! webhook never waits on the database. A batch that cannot be written (the database
//! briefly away) is kept and tried again, with backoff, together with what arrives
//! meanwhile, up to `MAX_WAITING` entries; beyond that new entries are refused and
//! logged. At shutdown (`close`) what is waiting is written, or — if the database is
//! still away — kept in a spool file under `BANJI_DATA_DIR`, written at the next start.
//! Only a process killed outright loses what it had not yet written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::log_rows::{self as rows, Entry, Hit};
use super::privacy;
use super::router::Secret;
use crate::db::{now_ms, Db};
use crate::kv::Kv;
use crate::wechat::Incoming;

const QUEUE: usize = 10_000;
const BATCH: usize = 1000;
/// Entries kept for a retry at most (besides the queue).
const MAX_WAITING: usize = 20_000;
/// How long a batch waits for more entries before it is written.
const LINGER: Duration = Duration::from_millis(50);
/// The first wait after a failed write, doubled up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Where a spool is kept, under the data directory.
const SPOOL_DIR: &str = "message-log";

enum Command {
    Write(Box<Entry>),
    /// Answered once everything queued before it is written (it also cuts a retry's wait).
    Flush(oneshot::Sender<()>),
    /// Write what is left within the time given, spool the rest, stop; answered with the
    /// number of entries spooled.
    Close(Duration, oneshot::Sender<usize>),
}

#[derive(Clone)]
pub struct MessageLog {
    tx: mpsc::Sender<Command>,
    secrets: Arc<Vec<Secret>>,
    failures: Arc<AtomicU64>,
}

impl MessageLog {
    /// Starts the writer task; `data_dir` holds the spool (none: nothing is kept at a
    /// shutdown with the database away). A spool left by an earlier run is written first.
    /// Open inboxes hear of what was written through `kv` (`inbox::live`).
    pub fn start(db: Db, kv: Kv, secrets: Vec<Secret>, data_dir: Option<&Path>) -> MessageLog {
        let (tx, rx) = mpsc::channel(QUEUE);
        let failures = Arc::new(AtomicU64::new(0));
        let spool = data_dir.map(|d| d.join(SPOOL_DIR));
        tokio::spawn(Writer::new(db, kv, spool, failures.clone()).run(rx));
        MessageLog { tx, secrets: Arc::new(secrets), failures }
    }

    pub fn record(&self, incoming: &Incoming, raw: &str) {
        let event = incoming.event();
        let stored = privacy::stored(incoming, raw, &self.secrets);
        let entry = Entry {
            openid: incoming.openid.clone(),
            msg_type: incoming.msg_type().to_string(),
            event: event.map(|e| e.name().to_string()),
            event_key: event.and_then(|e| e.key()),
            content: stored.content,
            msg_id: incoming.msg_id(),
            created_time: incoming.create_time,
            received_at: now_ms(),
            raw_xml: stored.raw_xml,
            media_id: rows::media_id(incoming),
            auto_reply: false,
            hit: None,
        };
        self.queue(entry);
    }

    /// Keeps Banji's automatic answer to a follower (codes it carries masked).
    pub fn record_reply(&self, openid: &str, reply: &crate::wechat::Reply) {
        let entry = Entry {
            openid: openid.to_string(),
            msg_type: "auto".into(),
            event: None,
            event_key: None,
            content: Some(privacy::mask_codes(&reply.summary())),
            msg_id: None,
            created_time: now_ms() / 1000,
            received_at: now_ms(),
            raw_xml: String::new(),
            media_id: None,
            auto_reply: true,
            hit: None,
        };
        self.queue(entry);
    }

    /// Keeps what the auto-replies made of a text: the rule that answered it (counted on
    /// the rule), or none (an unanswered question); `unanswered` also when only a default
    /// rule answered. Codes in the text are masked as in any kept answer.
    pub fn record_hit(&self, openid: &str, text: &str, rule_id: Option<i64>, unanswered: bool) {
        let entry = Entry {
            openid: openid.to_string(),
            msg_type: "hit".into(),
            event: None,
            event_key: None,
            content: Some(privacy::mask_codes(text)),
            msg_id: None,
            created_time: now_ms() / 1000,
            received_at: now_ms(),
            raw_xml: String::new(),
            media_id: None,
            auto_reply: false,
            hit: Some(Hit { rule_id, unanswered }),
        };
        self.queue(entry);
    }

    fn queue(&self, entry: Entry) {
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

    /// Writes what is waiting (trying for up to `within`), keeps what could not be written
    /// in the spool, and stops the writer. Returns how many entries were spooled.
    pub async fn close(&self, within: Duration) -> usize {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::Close(within, done)).await.is_err() {
            return 0;
        }
        wait.await.unwrap_or(0)
    }

    /// Batches that failed to be written so far (each is tried again).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

struct Writer {
    db: Db,
    kv: Kv,
    spool: Option<PathBuf>,
    failures: Arc<AtomicU64>,
    /// Entries not yet written, oldest first.
    waiting: Vec<Entry>,
    flushes: Vec<oneshot::Sender<()>>,
    /// When a failed write is tried again.
    retry_at: Option<Instant>,
    backoff: Duration,
    /// A spool being written: deleted once its entries are in the database (or spooled again).
    loaded: Vec<PathBuf>,
}

impl Writer {
    fn new(db: Db, kv: Kv, spool: Option<PathBuf>, failures: Arc<AtomicU64>) -> Writer {
        let mut writer = Writer {
            db,
            kv,
            spool,
            failures,
            waiting: Vec::new(),
            flushes: Vec::new(),
            retry_at: None,
            backoff: FIRST_BACKOFF,
            loaded: Vec::new(),
        };
        writer.load_spool();
        writer
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut commands = Vec::with_capacity(BATCH);
        loop {
            let open = self.receive(&mut rx, &mut commands).await;
            let mut close = None;
            for command in commands.drain(..) {
                match command {
                    Command::Write(entry) => self.waiting.push(*entry),
                    Command::Flush(done) => {
                        self.flushes.push(done);
                        self.retry_at = self.retry_at.map(|_| Instant::now());
                    }
                    Command::Close(within, done) => close = Some((within, Some(done))),
                }
            }
            if !open && close.is_none() {
                close = Some((Duration::from_secs(5), None));
            }
            if let Some((within, done)) = close {
                // Everything recorded before the close is written with it.
                while let Ok(command) = rx.try_recv() {
                    match command {
                        Command::Write(entry) => self.waiting.push(*entry),
                        Command::Flush(done) => self.flushes.push(done),
                        Command::Close(_, other) => drop(other),
                    }
                }
                let spooled = self.finish(within).await;
                if let Some(done) = done {
                    let _ = done.send(spooled);
                }
                return;
            }
            if self.retry_at.is_none_or(|at| at <= Instant::now()) {
                self.write().await;
            }
        }
    }

    /// Waits for commands (no longer than until a retry is due) and gathers what arrives
    /// shortly after, so a busy account commits a few large transactions a second rather
    /// than one per message. Returns false once every sender is gone.
    async fn receive(&self, rx: &mut mpsc::Receiver<Command>, commands: &mut Vec<Command>) -> bool {
        if self.waiting.len() >= MAX_WAITING {
            // Full: the queue fills behind us and new entries are refused (and logged).
            if let Some(at) = self.retry_at {
                tokio::time::sleep_until(at).await;
                return true;
            }
        }
        let room = MAX_WAITING.saturating_sub(self.waiting.len()).clamp(1, BATCH);
        let received = match self.retry_at {
            Some(at) => match tokio::time::timeout_at(at, rx.recv_many(commands, room)).await {
                Ok(n) => n,
                Err(_) => return true,
            },
            None => rx.recv_many(commands, room).await,
        };
        if received == 0 {
            return false;
        }
        let deadline = Instant::now() + LINGER;
        while commands.len() < room && !commands.iter().any(|c| !matches!(c, Command::Write(_))) {
            let more = room - commands.len();
            match tokio::time::timeout_at(deadline, rx.recv_many(commands, more)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        true
    }

    /// Writes what is waiting; on failure, keeps it for a retry after the backoff.
    async fn write(&mut self) -> bool {
        if !self.waiting.is_empty() {
            if let Err(err) = rows::insert(&self.db, &self.waiting).await {
                self.failures.fetch_add(1, Ordering::Relaxed);
                // The database away is logged once by the health watch, not per retry.
                if crate::db::is_unavailable(&err) {
                    tracing::debug!(waiting = self.waiting.len(), "inbound messages wait for the database");
                } else {
                    tracing::error!(error = %err, waiting = self.waiting.len(), retry_in_ms = self.backoff.as_millis() as u64,
                        "storing inbound messages failed; they are kept and tried again");
                }
                self.retry_at = Some(Instant::now() + self.backoff);
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                return false;
            }
            let messages = self.waiting.iter().any(|e| e.msg_type != "event");
            self.waiting.clear();
            if messages {
                crate::inbox::live::changed(&self.kv).await;
            }
            for file in self.loaded.drain(..) {
                let _ = std::fs::remove_file(file);
            }
        }
        self.retry_at = None;
        self.backoff = FIRST_BACKOFF;
        for done in self.flushes.drain(..) {
            let _ = done.send(());
        }
        true
    }

    /// The last writes before stopping, then the spool for what is left.
    async fn finish(&mut self, within: Duration) -> usize {
        let deadline = Instant::now() + within;
        while !self.write().await {
            let next = Instant::now() + self.backoff.min(Duration::from_millis(500));
            if next >= deadline {
                break;
            }
            tokio::time::sleep_until(next).await;
        }
        if self.waiting.is_empty() {
            return 0;
        }
        let count = self.waiting.len();
        match self.write_spool() {
            Ok(path) => {
                tracing::warn!(count, path = %path.display(), "messages not yet stored were kept in a spool for the next start");
                for file in self.loaded.drain(..) {
                    let _ = std::fs::remove_file(file);
                }
                count
            }
            Err(err) => {
                tracing::error!(error = %err, count, "messages not yet stored could not be kept; they are lost");
                0
            }
        }
    }

    /// One file per shutdown (replicas may share the data directory), JSON lines,
    /// readable by this user only (messages are personal data).
    fn write_spool(&self) -> std::io::Result<PathBuf> {
        use std::io::Write;
        let dir = self.spool.as_ref().ok_or_else(|| std::io::Error::other("no data directory"))?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}-{:08x}.jsonl", now_ms(), rand::random::<u32>()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = std::io::BufWriter::new(options.open(&path)?);
        for entry in &self.waiting {
            serde_json::to_writer(&mut file, entry)?;
            file.write_all(b"\n")?;
        }
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(path)
    }

    /// Takes the spools left by earlier runs (each claimed by renaming it, so two replicas
    /// sharing the directory never both take one) and queues their entries first.
    fn load_spool(&mut self) {
        let Some(dir) = &self.spool else { return };
        let Ok(listing) = std::fs::read_dir(dir) else { return };
        for file in listing.flatten().map(|f| f.path()) {
            if file.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let claimed = file.with_extension(format!("loading-{}", std::process::id()));
            if std::fs::rename(&file, &claimed).is_err() {
                continue;
            }
            let text = std::fs::read_to_string(&claimed).unwrap_or_default();
            let entries: Vec<Entry> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
            tracing::info!(count = entries.len(), path = %file.display(), "writing messages kept at the last shutdown");
            self.waiting.extend(entries);
            self.loaded.push(claimed);
        }
        if !self.waiting.is_empty() {
            self.retry_at = Some(Instant::now());
        }
    }
}
