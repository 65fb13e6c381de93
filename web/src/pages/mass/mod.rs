//! 群发助手 (admins and teachers): compose a plain WeChat mass message (`compose`), then the
//! history of sends with the platform's counts — 成功 / 失败 / 过滤 — and its reasons, a
//! 刷新 that asks WeChat again for a result that did not come, and 删除.

mod compose;

use leptos::prelude::*;
use shared::MassSend;

use crate::api;
use crate::components::{Dialog, ErrorNotice, Loading, Notice, PagedTable};
use crate::format::datetime;
use crate::i18n::t;

use compose::MassCompose;

#[component]
pub fn MassPage() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let targets = LocalResource::new(api::mass::targets);
    let sends = LocalResource::new(move || {
        version.track();
        api::mass::sends(page.get())
    });
    let reload = move || version.update(|v| *v += 1);
    let alive = StoredValue::new(crate::pages::mounted());
    // A send waits for WeChat's report a moment: look again a few times.
    let follow = move || {
        let alive = alive.get_value();
        leptos::task::spawn_local(async move {
            for _ in 0..5 {
                crate::pages::pause(1500).await;
                if !alive.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                reload();
            }
        });
    };
    let deleting = RwSignal::new(None::<i64>);
    let delete_open = RwSignal::new(false);
    let confirm_delete = move |_| {
        let Some(id) = deleting.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match api::mass::delete(id).await {
                Ok(()) => notice.set(Some((true, t::MASS_DELETED_DONE.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            delete_open.set(false);
            reload();
        });
    };
    let row = move |s: MassSend| {
        let id = s.id;
        let counts = match (s.sent, s.errors, s.filtered) {
            (Some(sent), Some(errors), Some(filtered)) => t::mass_counts(sent, errors, filtered),
            _ if s.status == "submitted" || s.status == "sending" => t::MASS_WAITING.to_string(),
            _ => t::MASS_NO_COUNTS.to_string(),
        };
        let why = s.platform_status.as_deref().filter(|_| s.status == "failed").map(t::mass_platform_status);
        let why = why.or_else(|| s.failure.clone().filter(|_| s.status == "failed"));
        let check = move |_| {
            leptos::task::spawn_local(async move {
                if let Err(err) = api::mass::check(id).await {
                    notice.set(Some((false, t::error(&err))));
                }
                reload();
            });
        };
        let deletable = matches!(s.status.as_str(), "submitted" | "success");
        let status_class = match s.status.as_str() {
            "success" => "badge on",
            "failed" => "badge off",
            _ => "badge",
        };
        view! {
            <tr id=format!("mass-{id}") class="mass-row">
                <td class="nowrap">{datetime(&s.created_at)}</td>
                <td>
                    <span class="badge">{t::mass_kind(&s.kind)}</span>" "{s.summary.clone()}
                    <div class="hint">{s.author.clone()}</div>
                </td>
                <td>{t::mass_audience(&s.audience, &s.audience_name, s.recipients)}</td>
                <td>
                    <span class=status_class>{t::mass_status(&s.status)}</span>
                    {why.map(|w| view! { <div class="hint">{w}</div> })}
                </td>
                <td class="nowrap mass-counts">{counts}</td>
                <td class="nowrap">
                    {(s.status == "submitted").then(|| view! { <button class="link" on:click=check>{t::MASS_REFRESH}</button> })}
                    {deletable.then(|| view! {
                        <button class="link danger" on:click=move |_| { deleting.set(Some(id)); delete_open.set(true); }>{t::MASS_DELETE}</button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="page">
            <h1>{t::MASS_TITLE}</h1>
            <p class="lead">{t::MASS_INTRO}</p>
            <Notice message=notice />
            <Transition fallback=Loading>
                {move || targets.get().map(|r| match r {
                    Ok(targets) => view! {
                        <MassCompose targets=targets notice=notice on_sent=move |_| { page.set(1); reload(); follow(); } />
                    }.into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
            <h2>{t::MASS_HISTORY}</h2>
            <PagedTable list=sends page=page
                headers=&[t::MASS_WHEN, t::MASS_CONTENT, t::MASS_AUDIENCE, t::MASS_STATUS, t::MASS_COUNTS, t::MASS_ACTIONS]
                empty=t::MASS_NONE row=row retry=move |_| reload() />
            <Dialog open=delete_open title=Signal::derive(|| t::MASS_DELETE_TITLE.to_string()) on_confirm=confirm_delete
                confirm_label=t::MASS_DELETE danger=true>
                <p>{t::MASS_DELETE_NOTE}</p>
            </Dialog>
        </section>
    }
}
