//! `/s/bind`: bind my WeChat to my student record with 学号, 姓名 and a code. A student
//! already bound sees to whom; `?next=/s/…` (a page that asked for binding) is where the
//! page goes once bound.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::{BindRequest, PortalMe};

use super::PortalGate;
use crate::api::portal;
use crate::i18n::t;

#[component]
pub fn PortalBind() -> impl IntoView {
    view! { <PortalGate><BindForm /></PortalGate> }
}

#[component]
fn BindForm() -> impl IntoView {
    let number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let bound = RwSignal::new(None::<PortalMe>);
    let busy = RwSignal::new(false);
    // Only a student page of ours, never another site.
    let next = StoredValue::new(
        use_query_map()
            .with_untracked(|q| q.get("next"))
            .filter(|n| n.starts_with("/s/") && !n.starts_with("//") && !n.contains("..")),
    );
    let already = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(me) = portal::me().await {
            if me.student.is_some() {
                already.set(true);
                bound.set(Some(me));
            }
        }
    });
    let navigate = StoredValue::new_local(use_navigate());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = BindRequest {
            student_no: number.get_untracked().trim().into(),
            name: name.get_untracked().trim().into(),
            code: code.get_untracked().trim().into(),
        };
        if request.student_no.is_empty() || request.name.is_empty() || request.code.is_empty() {
            error.set(Some(t::PORTAL_BIND_INTRO.into()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match portal::bind(&request).await {
                Ok(me) => {
                    bound.set(Some(me));
                    if let Some(next) = next.get_value() {
                        navigate.with_value(|go| go(&next, Default::default()));
                    }
                }
                Err(crate::api::ClientError::Unauthorized) => portal::authorise(),
                Err(err) => error.set(Some(t::portal_error(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        {move || match bound.get() {
            Some(me) => {
                let student = me.student.unwrap_or_else(|| shared::PortalStudent { id: 0, student_no: String::new(), name: String::new(), class_name: None, bound_at: None });
                view! {
                    <div class="card">
                        <p class="alert success" role="status">{if already.get_untracked() { t::PORTAL_ALREADY_BOUND } else { t::PORTAL_BOUND }}</p>
                        <p id="portal-bound"><strong>{student.name}</strong>" "{student.student_no}" "{student.class_name.unwrap_or_default()}</p>
                        <A href=next.get_value().unwrap_or_else(|| "/s/".to_string()) attr:class="button primary wide">{if next.get_value().is_some() { t::PORTAL_GO_BACK } else { t::PORTAL_ME }}</A>
                    </div>
                }.into_any()
            }
            None => view! {
                <form class="card" on:submit=submit novalidate>
                    <h2>{t::PORTAL_BIND_TITLE}</h2>
                    <p class="hint">{t::PORTAL_BIND_INTRO}</p>
                    <div class="field"><label for="bind-no">{t::STUDENT_NO}</label><input id="bind-no" type="text" inputmode="numeric" autocomplete="off" bind:value=number /></div>
                    <div class="field"><label for="bind-name">{t::NAME}</label><input id="bind-name" type="text" autocomplete="name" bind:value=name /></div>
                    <div class="field"><label for="bind-code">{t::PORTAL_CODE}</label><input id="bind-code" type="text" inputmode="numeric" autocomplete="one-time-code" bind:value=code /></div>
                    {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                    <button type="submit" class="primary wide" disabled=move || busy.get()>{move || if busy.get() { t::PORTAL_BINDING } else { t::PORTAL_BIND }}</button>
                </form>
            }.into_any(),
        }}
    }
}
