//! The roster import: choose a file, check it (a dry run with every row's problems),
//! then import it; progress shows while a large file is checked and written.

use leptos::prelude::*;
use shared::{ImportJob, ImportReport, ImportStatus};

use crate::api;
use crate::i18n::t;

const POLL_MS: u32 = 300;

async fn wait_for(job: ImportJob, shown: RwSignal<Option<ImportJob>>) -> Result<ImportJob, String> {
    let mut job = job;
    shown.set(Some(job.clone()));
    while job.status == ImportStatus::Running {
        crate::pages::pause(POLL_MS).await;
        job = api::people::import_job(&job.id).await.map_err(|e| t::error(&e))?;
        shown.set(Some(job.clone()));
    }
    Ok(job)
}

fn phase(job: &ImportJob) -> &'static str {
    match job.phase.as_str() {
        "reading" => t::READING,
        "checking" => t::CHECKING,
        _ => t::WRITING,
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let ok = report.errors.is_empty();
    let summary = t::import_summary(report.total_rows, report.created, report.updated);
    let headline = match (report.applied, ok) {
        (true, _) => t::IMPORT_DONE,
        (false, true) => t::IMPORT_OK,
        (false, false) => t::IMPORT_HAS_ERRORS,
    };
    view! {
        <div class=if ok { "alert success" } else { "alert error" } role="status">
            <div>
                <strong>{headline}</strong>
                " "{summary}
                {(!report.classes_to_create.is_empty()).then(|| view! { <p>{t::classes_to_create(&report.classes_to_create, report.applied)}</p> })}
            </div>
        </div>
        {(!ok).then(|| view! {
            <div class="table-wrap import-errors">
                <table>
                    <thead><tr><th>{t::ROW}</th><th>{t::STUDENT_NO}</th><th>{t::FIELD}</th><th>{t::PROBLEM}</th></tr></thead>
                    <tbody>
                        {report.errors.into_iter().map(|e| view! {
                            <tr>
                                <td>{e.row}</td>
                                <td>{e.student_no}</td>
                                <td>{t::field_name(&e.field)}</td>
                                <td>{t::row_problem(&e.code, &e.field)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

#[component]
pub fn ImportPanel(#[prop(into)] on_done: Callback<()>, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let create_classes = RwSignal::new(false);
    let job = RwSignal::new(None::<ImportJob>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let checked_ok = move || {
        job.with(|j| j.as_ref().and_then(|j| j.report.as_ref()).is_some_and(|r| r.errors.is_empty() && !r.applied))
    };
    let is_admin = crate::session::user().is_some_and(|u| u.role == shared::Role::Admin);

    let run = move |dry_run: bool| {
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            error.set(Some(t::NO_FILE.into()));
            return;
        };
        error.set(None);
        busy.set(true);
        let create = create_classes.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match api::people::start_import(&file, dry_run, create).await {
                Ok(started) => wait_for(started, job).await,
                Err(err) => Err(t::error(&err)),
            };
            busy.set(false);
            match result {
                Ok(done) if done.status == ImportStatus::Failed => {
                    error.set(done.error.as_deref().map(t::import_failure))
                }
                Ok(done) if done.report.as_ref().is_some_and(|r| r.applied) => on_done.run(()),
                Ok(_) => {}
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let template = move |format: &'static str| {
        leptos::task::spawn_local(async move {
            if let Err(err) = api::people::template(format).await {
                error.set(Some(t::error(&err)));
            }
        });
    };

    view! {
        <div class="card form-card" id="import-panel">
            <div class="page-head">
                <h2>{t::IMPORT_TITLE}</h2>
                <button class="secondary" on:click=move |_| on_close.run(())>{t::CLOSE}</button>
            </div>
            <p class="hint">{t::IMPORT_INTRO}</p>
            <div class="inline-form">
                <input type="file" id="roster-file" accept=".xlsx,.csv" aria-label=t::CHOOSE_FILE node_ref=input
                    on:change=move |_| job.set(None) />
                <button class="link" on:click=move |_| template("xlsx")>{t::DOWNLOAD_TEMPLATE}</button>
            </div>
            {is_admin.then(|| view! {
                <label class="switch">
                    <input type="checkbox" prop:checked=move || create_classes.get() on:change=move |ev| create_classes.set(event_target_checked(&ev)) />
                    <span>{t::CREATE_CLASSES}</span>
                </label>
            })}
            {move || job.get().filter(|j| j.status == ImportStatus::Running).map(|j| {
                let total = j.total_rows.max(1);
                view! {
                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=total aria-valuenow=j.processed_rows>
                        <span>{phase(&j)}" "{t::progress(j.processed_rows, j.total_rows)}</span>
                        <div class="bar"><div style:width=format!("{}%", j.processed_rows * 100 / total)></div></div>
                    </div>
                }
            })}
            {move || job.get().and_then(|j| j.report).map(|report| view! { <Report report=report /> })}
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <div class="form-actions">
                <button class="secondary" id="check-roster" disabled=move || busy.get() on:click=move |_| run(true)>{t::CHECK_FILE}</button>
                <button class="primary" id="import-roster" disabled=move || busy.get() || !checked_ok() on:click=move |_| run(false)>{t::IMPORT_NOW}</button>
            </div>
        </div>
    }
}
