use leptos::prelude::*;
use leptos_router::components::A;
use serde::Deserialize;
use shared::Role;

use crate::components::{AccountSummary, TemplateWarning};
use crate::format::greeting;
use crate::i18n::t;
use crate::session;

#[derive(Clone, Deserialize)]
struct Readiness {
    database: String,
    cache: String,
    cache_kind: String,
}

async fn readiness() -> Option<Readiness> {
    let resp = gloo_net::http::Request::get("/readyz").send().await.ok()?;
    resp.json().await.ok()
}

#[component]
pub fn HomePage() -> impl IntoView {
    let user = move || session::user();
    let is_admin = move || user().is_some_and(|u| u.role == Role::Admin);
    let status = LocalResource::new(readiness);
    let ok = |part: &str| if part == "ok" { t::STATUS_OK } else { t::STATUS_DOWN };
    view! {
        <section class="page">
            <h1>{move || format!("{}，{}", greeting(), user().map(|u| u.display_name).unwrap_or_default())}</h1>
            <p class="lead">{t::HOME_INTRO}</p>
            <TemplateWarning />
            <div class="cards">
                <div class="card">
                    <h2>{t::MY_ACCOUNT}</h2>
                    <AccountSummary />
                </div>
                <div class="card">
                    <h2>{t::QUICK_LINKS}</h2>
                    <ul class="links">
                        <Show when=is_admin>
                            <li><A href="/users">{t::NAV_USERS}</A></li>
                            <li><A href="/audit">{t::NAV_AUDIT}</A></li>
                        </Show>
                        <li><A href="/tokens">{t::NAV_TOKENS}</A></li>
                        <li><A href="/account">{t::CHANGE_PASSWORD}</A></li>
                    </ul>
                </div>
                <Show when=is_admin>
                    <div class="card">
                        <h2>{t::SYSTEM_STATUS}</h2>
                        <Suspense fallback=|| view! { <p>{t::LOADING}</p> }>
                            {move || status.get().map(|s| match s {
                                Some(s) => view! {
                                    <dl>
                                        <dt>{t::DATABASE}</dt>
                                        <dd class=format!("dot {}", s.database)>{ok(&s.database)}</dd>
                                        <dt>{t::CACHE}</dt>
                                        <dd class=format!("dot {}", s.cache)>
                                            {ok(&s.cache)}" · "
                                            {if s.cache_kind == "redis" { t::CACHE_REDIS } else { t::CACHE_LOCAL }}
                                        </dd>
                                    </dl>
                                }.into_any(),
                                None => view! { <p class="problem">{t::STATUS_DOWN}</p> }.into_any(),
                            })}
                        </Suspense>
                    </div>
                </Show>
            </div>
        </section>
    }
}
