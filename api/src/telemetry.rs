//! Structured logs with `tracing`: text for people, JSON (`BANJI_LOG_FORMAT=json`) for
//! collectors. `RUST_LOG` tunes levels. Secrets never reach a log line: tokens and
//! passwords are not fields of any span or event.

use tracing_subscriber::EnvFilter;

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,poem=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
