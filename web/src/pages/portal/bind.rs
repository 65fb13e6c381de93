//! `/s/bind`: bind my WeChat to my student record with 学号, 姓名 and a code.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
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
                Ok(me) => bound.set(Some(me)),
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
                        <p class="alert success" role="status">{t::PORTAL_BOUND}</p>
                        <p id="portal-bound"><strong>{student.name}</strong>" "{student.student_no}" "{student.class_name.unwrap_or_default()}</p>
                        <A href="/s/" attr:class="button primary wide">{t::PORTAL_ME}</A>
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
