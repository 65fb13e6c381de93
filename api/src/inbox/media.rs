//! Media followers send — pictures, voice notes, videos — kept by Banji: the platform
//! deletes temporary media after 3 days, and a teacher may open a thread later than that.
//!
//! The message log makes a pending `inbox_media` row as it writes such a message; every
//! replica's fetcher (`fetch_forever`) claims due rows (one conditional update each, so a
//! row is fetched by one replica at a time), asks the platform (`media/get`) and writes the
//! file under `BANJI_DATA_DIR/media`. A voice note arrives as AMR, which no browser plays:
//! it is converted to WAV with ffmpeg (`BANJI_FFMPEG`, default `ffmpeg` on the PATH) and
//! both are kept; without ffmpeg the console offers the AMR as a download. A media id the
//! platform no longer knows (40007) fails at once; other failures are tried again with
//! backoff while the platform may still have the file.
//!
//! The console shows a file through a signed, short-lived link (`link`, served by
//! `serve`), made only for a caller who may see the thread. Kept files are deleted with the
//! message log's retention (`purge`).

use std::path::{Path as FsPath, PathBuf};
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{IntoResponse, Response};

use crate::auth::JwtProblem;
use crate::db::{now_ms, Db};
use crate::state::AppState;
use crate::wechat::client::media::MediaFile;

/// How often each replica looks for media to fetch.
const POLL: Duration = Duration::from_secs(2);
/// Rows fetched per look.
const BATCH: i64 = 8;
/// The platform keeps temporary media this long; later attempts are pointless.
const PLATFORM_KEEPS_MS: i64 = 3 * 24 * 3600 * 1000;
/// How long a link to a kept file works.
pub const LINK_SECS: i64 = 3600;
/// Where kept files live, under the data directory.
const DIR: &str = "media";

/// Fetches due media until the process ends; hourly, deletes files past the retention.
pub async fn fetch_forever(state: AppState) {
    let mut last_purge = 0;
    loop {
        if let Err(err) = fetch_due(&state).await {
            tracing::debug!(error = %err, "fetching followers' media waits for the database");
        }
        if now_ms() - last_purge > 3_600_000 {
            last_purge = now_ms();
            let before = now_ms() - state.config.message_retention_days * 86_400_000;
            match purge(&state.db, &state.config.data_dir, before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "deleted followers' media past the retention"),
                Err(err) => tracing::warn!(error = %err, "deleting old media failed"),
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    media_id: String,
    kind: String,
    received_at: i64,
    attempts: i64,
}

/// Fetches the media due now; returns how many files were kept.
pub async fn fetch_due(state: &AppState) -> sqlx::Result<usize> {
    let now = now_ms();
    let due: Vec<Due> = sqlx::query_as(
        "SELECT id, media_id, kind, received_at, attempts FROM inbox_media \
         WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(state.db.pool())
    .await?;
    let mut kept = 0;
    for row in due {
        // One replica takes the row: the next attempt moves on before the fetch begins.
        let wait = backoff(row.attempts + 1);
        let claimed = sqlx::query(
            "UPDATE inbox_media SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
        )
        .bind(now + wait)
        .bind(row.id)
        .bind(now)
        .execute(state.db.pool())
        .await?;
        if claimed.rows_affected() == 1 && fetch(state, &row, now + wait).await? {
            kept += 1;
        }
    }
    if kept > 0 {
        // Open threads show the picture now rather than 正在取回.
        super::live::changed(&state.kv).await;
    }
    Ok(kept)
}

/// 10 s, 1 min, 5 min, then every 30 min.
fn backoff(attempt: i64) -> i64 {
    match attempt {
        1 => 10_000,
        2 => 60_000,
        3 => 300_000,
        _ => 1_800_000,
    }
}

async fn fetch(state: &AppState, row: &Due, next_attempt_at: i64) -> sqlx::Result<bool> {
    let failed = |reason: String| async move {
        sqlx::query("UPDATE inbox_media SET status = 'failed', failure = $1 WHERE id = $2")
            .bind(reason)
            .bind(row.id)
            .execute(state.db.pool())
            .await
            .map(|_| false)
    };
    let file = match state.wechat.client.get_media(&row.media_id).await {
        Ok(file) => file,
        Err(err) if err.code() == Some(40007) => return failed("微信已不再保存这个文件".into()).await,
        Err(err) if next_attempt_at > row.received_at + PLATFORM_KEEPS_MS => {
            return failed(format!("未能从微信取回：{}", err.reason())).await
        }
        Err(err) => {
            tracing::warn!(error = %err, media = row.id, "fetching a follower's media failed; tried again later");
            return Ok(false);
        }
    };
    match keep(&state.config.data_dir, &state.config.ffmpeg, row, &file).await {
        Ok((path, playable)) => {
            sqlx::query(
                "UPDATE inbox_media SET status = 'kept', content_type = $1, size = $2, path = $3, playable_path = $4, \
                 failure = NULL WHERE id = $5",
            )
            .bind(&file.content_type)
            .bind(file.bytes.len() as i64)
            .bind(path)
            .bind(playable)
            .bind(row.id)
            .execute(state.db.pool())
            .await?;
            Ok(true)
        }
        Err(err) => {
            tracing::error!(error = %err, media = row.id, "a follower's media could not be written to the data directory");
            Ok(false)
        }
    }
}

fn extension(kind: &str, content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "audio/amr" => "amr",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "video/mp4" => "mp4",
        _ if kind == "voice" => "amr",
        _ if kind.ends_with("video") => "mp4",
        _ => "bin",
    }
}

/// Writes the file (and a WAV of a voice note): paths relative to the data directory.
async fn keep(
    data_dir: &FsPath,
    ffmpeg: &str,
    row: &Due,
    file: &MediaFile,
) -> std::io::Result<(String, Option<String>)> {
    let month = crate::db::to_time(row.received_at).format("%Y-%m").to_string();
    let dir = data_dir.join(DIR).join(&month);
    tokio::fs::create_dir_all(&dir).await?;
    let name = format!("{}.{}", row.id, extension(&row.kind, &file.content_type));
    tokio::fs::write(dir.join(&name), &file.bytes).await?;
    let path = format!("{DIR}/{month}/{name}");
    let playable = if row.kind == "voice" && !file.content_type.contains("mpeg") {
        let wav = format!("{}.wav", row.id);
        to_wav(ffmpeg, &dir.join(&name), &dir.join(&wav)).await.then(|| format!("{DIR}/{month}/{wav}"))
    } else {
        None
    };
    Ok((path, playable))
}

/// AMR → WAV (8 kHz mono, what the voice note holds) with ffmpeg, within 20 s.
async fn to_wav(ffmpeg: &str, from: &FsPath, to: &FsPath) -> bool {
    let run = tokio::process::Command::new(ffmpeg)
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i"])
        .arg(from)
        .args(["-ac", "1", "-ar", "8000"])
        .arg(to)
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(Duration::from_secs(20), run).await {
        Ok(Ok(status)) if status.success() => true,
        Ok(Ok(status)) => {
            tracing::warn!(%status, "ffmpeg could not convert a voice note; the console offers the AMR");
            false
        }
        Ok(Err(err)) => {
            tracing::info!(error = %err, ffmpeg, "no ffmpeg to convert voice notes; the console offers the AMR");
            false
        }
        Err(_) => false,
    }
}

/// Deletes kept media received before `before`, files and rows; returns how many rows.
pub async fn purge(db: &Db, data_dir: &FsPath, before: i64) -> sqlx::Result<u64> {
    let old: Vec<(i64, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, path, playable_path FROM inbox_media WHERE received_at < $1 LIMIT 10000")
            .bind(before)
            .fetch_all(db.pool())
            .await?;
    for (_, path, playable) in &old {
        for file in [path, playable].into_iter().flatten() {
            let _ = tokio::fs::remove_file(data_dir.join(file)).await;
        }
    }
    let ids: Vec<i64> = old.iter().map(|(id, ..)| *id).collect();
    let mut deleted = 0;
    for chunk in ids.chunks(500) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        deleted += sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM inbox_media WHERE id IN ({list})")))
            .execute(db.pool())
            .await?
            .rows_affected();
    }
    Ok(deleted)
}

/// A link the console can put in `<img>`, `<audio>` or `<video>` for `subject`
/// (`m:<media id>` or `u:<upload id>`); None if no link could be signed.
pub fn link(state: &AppState, subject: &str) -> Option<String> {
    let token = state.jwt.issue_media_link(subject, LINK_SECS).ok()?;
    Some(format!("/inbox-media/{token}"))
}

/// The file behind a subject: (path under the data directory, content type).
async fn locate(db: &Db, subject: &str) -> sqlx::Result<Option<(String, String)>> {
    if let Some(id) = subject.strip_prefix("m:").and_then(|id| id.parse::<i64>().ok()) {
        let row: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT path, playable_path, content_type FROM inbox_media WHERE id = $1 AND status = 'kept'",
        )
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
        return Ok(row.and_then(|(path, playable, content_type)| match playable {
            Some(wav) => Some((wav, "audio/wav".to_string())),
            None => Some((path?, content_type.unwrap_or_else(|| "application/octet-stream".into()))),
        }));
    }
    if let Some(id) = subject.strip_prefix("u:").and_then(|id| id.parse::<i64>().ok()) {
        return sqlx::query_as("SELECT path, content_type FROM inbox_uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await;
    }
    Ok(None)
}

/// `GET /inbox-media/{token}`: the file a signed link names.
#[poem::handler]
pub async fn serve(state: Data<&AppState>, Path(token): Path<String>) -> Response {
    let subject = match state.jwt.verify_media_link(&token) {
        Ok(subject) => subject,
        Err(JwtProblem::Expired) => return StatusCode::GONE.into_response(),
        Err(JwtProblem::Invalid) => return StatusCode::NOT_FOUND.into_response(),
    };
    let found = match locate(&state.db, &subject).await {
        Ok(found) => found,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let Some((path, content_type)) = found else { return StatusCode::NOT_FOUND.into_response() };
    let full: PathBuf = state.config.data_dir.join(path);
    match tokio::fs::read(&full).await {
        Ok(bytes) => Response::builder()
            .content_type(content_type)
            .header("Cache-Control", "private, max-age=3600")
            .header("X-Content-Type-Options", "nosniff")
            .header("Content-Security-Policy", "default-src 'none'; sandbox")
            .body(bytes),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
