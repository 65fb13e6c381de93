//! The warning shown where notices are sent (the composer, the home page) while no
//! template message is chosen for them: they then go by customer-service message, which
//! reaches only students who wrote to the account in the last 48 hours.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Role;

use crate::api;
use crate::i18n::t;
use crate::session;

#[component]
pub fn TemplateWarning() -> impl IntoView {
    let status = LocalResource::new(api::notices::template_status);
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    // Once known, the state is on the wrapper (`mapped` / `unmapped`), the warning inside.
    move || {
        let status = status.get().and_then(Result::ok)?;
        let state = if status.notice_mapped { "mapped" } else { "unmapped" };
        let text = if status.templates_available { t::NO_TEMPLATE } else { t::NO_TEMPLATE_ACCOUNT };
        let warning = (!status.notice_mapped).then(|| view! {
            <p class="alert warn" id="no-template" role="status">
                {text}
                {(is_admin && status.templates_available).then(|| view! { " "<A href="/templates">{t::GO_MAP_TEMPLATE}</A> })}
            </p>
        });
        Some(view! { <div id="template-status" data-state=state>{warning}</div> })
    }
}
