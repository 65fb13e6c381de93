//! The account's followers (admins): who each one is in Banji, the unbound ones, a sync
//! from WeChat, and remarks.

use leptos::prelude::*;
use shared::Follower;

use crate::api;
use crate::components::{Notice, PagedTable, RequireAdmin};
use crate::format::maybe_datetime;
use crate::i18n::t;

#[component]
pub fn FollowersPage() -> impl IntoView {
    view! { <RequireAdmin><Followers /></RequireAdmin> }
}

#[component]
fn Followers() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let only_unbound = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let syncing = RwSignal::new(false);
    let followers = LocalResource::new(move || {
        version.track();
        api::people::followers(String::new(), only_unbound.get().then_some(false), page.get())
    });
    let last = LocalResource::new(move || {
        version.track();
        api::people::follower_sync()
    });
    let reload = move || version.update(|v| *v += 1);
    let sync = move |_| {
        syncing.set(true);
        leptos::task::spawn_local(async move {
            if let Err(err) = api::people::sync_followers().await {
                notice.set(Some((false, t::error(&err))));
            }
            // The sync runs in the background; look again until it is done.
            for _ in 0..60 {
                crate::pages::pause(500).await;
                match api::people::follower_sync().await {
                    Ok(s) if s.status != "running" => break,
                    Err(_) => break,
                    _ => {}
                }
            }
            syncing.set(false);
            reload();
        });
    };
    let row = move |f: Follower| {
        let openid = f.openid.clone();
        let remark = RwSignal::new(f.remark.clone());
        let save = move |_| {
            let (openid, value) = (openid.clone(), remark.get_untracked());
            leptos::task::spawn_local(async move {
                match api::people::set_remark(&openid, value.trim()).await {
                    Ok(()) => notice.set(Some((true, t::REMARK_SET.into()))),
                    Err(err) => notice.set(Some((false, t::error(&err)))),
                }
            });
        };
        let who = f
            .bound_to
            .as_ref()
            .map(|b| t::bound_to(&b.kind, &b.name, b.number.as_deref()))
            .unwrap_or_else(|| t::UNBOUND.into());
        view! {
            <tr class:muted=!f.subscribed>
                <td><code class="openid">{f.openid.clone()}</code></td>
                <td>{who}</td>
                <td class="nowrap">{maybe_datetime(&f.subscribed_at, t::NONE_YET)}</td>
                <td class="follow-source">{f.source.as_deref().map(t::follow_source).unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td><span class=if f.subscribed { "badge on" } else { "badge off" }>{if f.subscribed { t::FOLLOWING } else { t::UNFOLLOWED }}</span></td>
                <td class="nowrap">
                    <input type="text" class="short" maxlength="30" aria-label=t::REMARK bind:value=remark />
                    <button class="link" on:click=save>{t::SET_REMARK}</button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::FOLLOWERS_TITLE}</h1>
                <button class="primary" disabled=move || syncing.get() on:click=sync>{move || if syncing.get() { t::SYNCING } else { t::SYNC_FOLLOWERS }}</button>
            </div>
            <p class="lead">{t::FOLLOWERS_INTRO}</p>
            <Notice message=notice />
            {move || last.get().and_then(|l| l.ok()).filter(|l| l.status == "done").map(|l| view! {
                <p class="hint">{t::last_sync(l.followers, l.new, l.unfollowed)}</p>
            })}
            <div class="toolbar">
                <label class="switch">
                    <input type="checkbox" prop:checked=move || only_unbound.get() on:change=move |ev| { page.set(1); only_unbound.set(event_target_checked(&ev)); } />
                    <span>{t::ONLY_UNBOUND}</span>
                </label>
            </div>
            <PagedTable list=followers page=page headers=&[t::OPENID, t::BOUND_TO, t::SUBSCRIBED_AT, t::FOLLOW_SOURCE, t::STATUS, t::REMARK] empty=t::NO_FOLLOWERS row=row retry=move |_| reload() />
        </section>
    }
}
