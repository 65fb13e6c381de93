//! Structured logs with `tracing`: text for people, JSON (`BANJI_LOG_FORMAT=json`) for
//! collectors. `RUST_LOG` tunes levels. Secrets never reach a log line: tokens and
//! passwords are not fields of any span or event.
//!
//! Lines are written by a background thread (`tracing-appender`), so a request never
//! waits on the terminal or the log file; colours only when stdout is a terminal.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Installs the subscriber. Keep the guard until the process ends: dropping it writes
/// out what is still queued.
pub fn init(json: bool) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,poem=warn"));
    // Not lossy: when the queue is full a request waits rather than a line being lost.
    let (writer, guard) = NonBlockingBuilder::default().lossy(false).finish(std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
    guard
}
