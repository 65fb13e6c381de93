//! 我的通知 on the phone: the teacher's recent notices with their read and confirmation
//! rates, and one notice's report — the funnel, each class, who has not read (or not
//! confirmed) — with 提醒未读 and the list sent to the teacher's own WeChat.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::{Missing, NoticeReport, NoticeStatus, RemindRequest};

use super::{PhoneHead, TeacherGate};
use crate::api::notices::{self, NoticeFilter};
use crate::api::receipts::{self, ReceiptFilter};
use crate::components::{percent, rate, Empty, ErrorNotice, Loading, MiniBar};
use crate::i18n::t;

/// How many names the unread list shows on the phone (the file has them all).
const NAMES_SHOWN: usize = 50;

#[component]
pub fn TeacherNotices() -> impl IntoView {
    view! { <TeacherGate><NoticeList /></TeacherGate> }
}

#[component]
fn NoticeList() -> impl IntoView {
    let author = crate::session::user().map(|u| u.id);
    let list = LocalResource::new(move || {
        notices::list(NoticeFilter { author_id: author, status: Some(NoticeStatus::Sent), ..Default::default() }, 1)
    });
    view! {
        <PhoneHead title=t::TP_MY_NOTICES back="/t/" />
        <Transition fallback=Loading>
            {move || list.get().map(|r| match r {
                Ok(page) if page.items.is_empty() => view! { <Empty text=t::TP_NO_NOTICES /> }.into_any(),
                Ok(page) => view! {
                    <ul class="phone-list" id="teacher-notices">
                        {page.items.into_iter().map(|n| {
                            let read = rate(n.read, n.students);
                            let confirmed = n.requires_confirmation.then(|| rate(n.confirmed, n.students));
                            let line = t::tp_rates(n.students, n.read, n.requires_confirmation.then_some(n.confirmed));
                            view! {
                                <li>
                                    <A href=format!("/t/notices/{}", n.id)>
                                        <strong>{n.title}</strong>
                                        <small>{line}" · "{percent(read)}</small>
                                        <MiniBar read=read confirmed=confirmed />
                                    </A>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn TeacherNotice() -> impl IntoView {
    view! { <TeacherGate><Report /></TeacherGate> }
}

#[component]
fn Report() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or_default();
    let version = RwSignal::new(0u32);
    let report = LocalResource::new(move || {
        version.track();
        receipts::report(id())
    });
    // Outside the report, which is drawn again after each action.
    let message = RwSignal::new(None::<(bool, String)>);
    view! {
        <PhoneHead title=t::TP_MY_NOTICES back="/t/notices" />
        {move || message.get().map(|(ok, m)| view! {
            <p class="alert" class:success=ok class:error=!ok id="report-message">{m}</p>
        })}
        <Transition fallback=Loading>
            {move || report.get().map(|r| match r {
                Ok(report) => view! { <ReportView report=report version=version message=message /> }.into_any(),
                Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ReportView(
    report: NoticeReport,
    version: RwSignal<u32>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let id = report.notice_id;
    let f = report.funnel.clone();
    let confirm = report.requires_confirmation;
    let missing = if confirm && f.read >= f.recipients { Missing::Confirmation } else { Missing::Read };
    let asking = RwSignal::new(false);
    let policy = report.reminder_policy.clone();
    let owing = f.recipients - if missing == Missing::Read { f.read } else { f.confirmed };
    let names = LocalResource::new(move || {
        version.track();
        receipts::receipts(id, ReceiptFilter { missing: Some(missing), ..Default::default() }, 1)
    });
    let remind = move |_| {
        asking.set(false);
        leptos::task::spawn_local(async move {
            match receipts::remind(id, &RemindRequest { missing, class_id: None }).await {
                Ok(r) => message.set(Some((true, t::tp_reminded(r.recipients)))),
                Err(err) => message.set(Some((false, t::tp_error(&err)))),
            }
            version.update(|v| *v += 1);
        });
    };
    let export = move |_| {
        leptos::task::spawn_local(async move {
            match receipts::export_to_wechat(id, Some(missing)).await {
                Ok(_) => message.set(Some((true, t::TP_EXPORT_SENT.into()))),
                Err(err) => message.set(Some((false, t::tp_error(&err)))),
            }
        });
    };
    let remind_button = move || {
        let policy = policy.clone();
        if owing <= 0 {
            return None;
        }
        Some(match policy.next_allowed_at {
            Some(at) if at > chrono::Utc::now() => {
                let minutes = (at - chrono::Utc::now()).num_minutes() + 1;
                view! { <p class="muted small">{t::tp_remind_wait(minutes)}</p> }.into_any()
            }
            _ if policy.remaining <= 0 => view! { <span></span> }.into_any(),
            _ => view! {
                <button class="primary wide" id="remind-unread" on:click=move |_| asking.set(true)>{t::TP_REMIND_UNREAD}</button>
                <Show when=move || asking.get()>
                    <div class="card confirm-box" id="remind-confirm">
                        <p>{t::tp_remind_ask(owing, policy.remaining)}</p>
                        <div class="portal-pair">
                            <button class="primary" id="remind-go" on:click=remind>{t::TP_REMIND_CONFIRM}</button>
                            <button class="secondary" on:click=move |_| asking.set(false)>{t::TP_CANCEL}</button>
                        </div>
                    </div>
                </Show>
            }
            .into_any(),
        })
    };
    let list_title = if missing == Missing::Read { t::TP_UNREAD_LIST } else { t::TP_UNCONFIRMED_LIST };
    view! {
        <h2 id="report-title">{report.title.clone()}</h2>
        <div class="stat-row" id="report-funnel">
            <div><strong>{f.sent}</strong><small>{t::TP_SENT}</small></div>
            <div><strong id="report-read">{f.read}</strong><small>{t::TP_READ}" "{percent(rate(f.read, f.recipients))}</small></div>
            {confirm.then(|| view! {
                <div><strong>{f.confirmed}</strong><small>{t::TP_CONFIRMED}" "{percent(rate(f.confirmed, f.recipients))}</small></div>
            })}
        </div>
        {remind_button}
        <button class="secondary wide" id="export-to-me" on:click=export>{t::TP_EXPORT_TO_ME}</button>
        <section class="card">
            <h3>{t::TP_BY_CLASS}</h3>
            <ul class="portal-list">
                {report.classes.into_iter().map(|c| view! {
                    <li>
                        <span>{c.class_name}</span>
                        <small>{t::tp_rates(c.recipients, c.read, confirm.then_some(c.confirmed))}</small>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card">
            <h3>{list_title}</h3>
            <Transition fallback=Loading>
                {move || names.get().map(|r| match r {
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">{t::TP_ALL_READ}</p> }.into_any(),
                    Ok(page) => {
                        let more = (page.total as usize).saturating_sub(NAMES_SHOWN.min(page.items.len()));
                        view! {
                            <ul class="portal-list" id="unread-names">
                                {page.items.into_iter().take(NAMES_SHOWN).map(|r| view! {
                                    <li><span>{r.name}</span><small>{r.class_name.unwrap_or_default()}</small></li>
                                }).collect_view()}
                            </ul>
                            {(more > 0).then(|| view! { <p class="muted small">{t::tp_more(more)}</p> })}
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
