//! An import runs as a job: the upload answers at once with the job, and the console
//! polls it for its phase and progress until the report is there. Jobs live in the Kv
//! for an hour, so any replica can answer the poll.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::{ImportJob, ImportReport, ImportStatus};

use super::apply::apply;
use super::check::{check, Options};
use super::parse::table;
use crate::audit::Audit;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::kv::Kv;
use crate::people::Scope;
use crate::state::AppState;

const KEEP_FOR: Duration = Duration::from_secs(3600);
const PUBLISH_EVERY: Duration = Duration::from_millis(250);

#[derive(Serialize, Deserialize)]
struct Stored {
    owner: i64,
    job: ImportJob,
}

fn key(id: &str) -> String {
    format!("roster:import:{id}")
}

async fn save(kv: &Kv, owner: i64, job: &ImportJob) {
    let value = serde_json::to_string(&Stored { owner, job: job.clone() }).expect("jobs serialise");
    if let Err(err) = kv.set(&key(&job.id), &value, Some(KEEP_FOR)).await {
        tracing::error!(error = %err, "could not save an import job's state");
    }
}

/// The job, if it exists and `owner` started it.
pub async fn load(kv: &Kv, id: &str, owner: i64) -> ApiResult<Option<ImportJob>> {
    let Some(value) = kv.get(&key(id)).await? else { return Ok(None) };
    let stored: Stored = serde_json::from_str(&value).map_err(crate::error::ApiError::internal)?;
    Ok((stored.owner == owner).then_some(stored.job))
}

/// What a job's phase is doing now, shared with the task that publishes progress.
struct Progress {
    phase: std::sync::Mutex<&'static str>,
    done: AtomicU32,
}

/// Starts an import of `bytes`; returns the job as it is at once.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    bytes: Vec<u8>,
    dry_run: bool,
    create_classes: bool,
) -> ImportJob {
    let job = ImportJob {
        id: uuid::Uuid::new_v4().simple().to_string(),
        dry_run,
        status: ImportStatus::Running,
        phase: "reading".into(),
        total_rows: 0,
        processed_rows: 0,
        report: None,
        error: None,
    };
    save(&state.kv, caller.user_id, &job).await;
    let (state, caller, first) = (state.clone(), caller.clone(), job.clone());
    tokio::spawn(async move {
        let finished = run(&state, &caller, first.clone(), bytes, create_classes).await;
        save(&state.kv, caller.user_id, &finished).await;
    });
    job
}

async fn run(state: &AppState, caller: &Caller, mut job: ImportJob, bytes: Vec<u8>, create_classes: bool) -> ImportJob {
    let table = match tokio::task::spawn_blocking(move || table(&bytes)).await {
        Ok(Ok(table)) => table,
        Ok(Err(err)) => {
            job.status = ImportStatus::Failed;
            job.error = Some(err.to_string());
            return job;
        }
        Err(err) => {
            job.status = ImportStatus::Failed;
            job.error = Some(format!("reading the file failed: {err}"));
            return job;
        }
    };
    job.total_rows = table.rows.len() as u32;
    let progress = Arc::new(Progress { phase: std::sync::Mutex::new("checking"), done: AtomicU32::new(0) });
    let publisher = {
        let (kv, owner, mut snapshot, progress) = (state.kv.clone(), caller.user_id, job.clone(), progress.clone());
        tokio::spawn(async move {
            loop {
                snapshot.phase = progress.phase.lock().map(|p| p.to_string()).unwrap_or_default();
                snapshot.processed_rows = progress.done.load(Ordering::Relaxed);
                save(&kv, owner, &snapshot).await;
                tokio::time::sleep(PUBLISH_EVERY).await;
            }
        })
    };
    let result = check_and_apply(state, caller, &table, &job, create_classes, &progress).await;
    publisher.abort();
    match result {
        Ok(report) => {
            job.status = ImportStatus::Done;
            job.processed_rows = job.total_rows;
            job.phase = if report.applied { "written" } else { "checked" }.into();
            job.report = Some(report);
        }
        Err(err) => {
            tracing::error!(error = %err, "roster import failed");
            job.status = ImportStatus::Failed;
            job.error = Some("the import failed on the server; nothing was written".into());
        }
    }
    job
}

async fn check_and_apply(
    state: &AppState,
    caller: &Caller,
    table: &super::parse::Table,
    job: &ImportJob,
    create_classes: bool,
    progress: &Arc<Progress>,
) -> anyhow::Result<ImportReport> {
    let scope = Scope::of(caller);
    let options = Options { scope, create_classes: create_classes && scope.is_all() };
    let checked = check(&state.db, table, &options, |n| progress.done.store(n, Ordering::Relaxed)).await?;
    let mut report = ImportReport {
        total_rows: table.rows.len() as u32,
        valid_rows: checked.entries.len() as u32,
        created: checked.entries.iter().filter(|e| e.existing.is_none()).count() as u32,
        updated: checked.entries.iter().filter(|e| e.existing.is_some()).count() as u32,
        classes_to_create: checked.missing_classes.clone(),
        errors: checked.errors.clone(),
        columns: table.fields.iter().map(|f| f.to_string()).collect(),
        applied: false,
    };
    // All or nothing: a file with any bad row writes nothing.
    if job.dry_run || !report.errors.is_empty() {
        return Ok(report);
    }
    if let Ok(mut phase) = progress.phase.lock() {
        *phase = "writing";
    }
    progress.done.store(0, Ordering::Relaxed);
    let audit = Audit::by(caller, "roster_imported");
    let applied =
        apply(&state.db, &checked, options.create_classes, audit, |n| progress.done.store(n, Ordering::Relaxed))
            .await?;
    report.created = applied.created;
    report.updated = applied.updated;
    report.applied = true;
    for (student, from) in applied.moved {
        crate::people::tags::after_student_moved(state, student, from).await;
    }
    Ok(report)
}
