//! `/s/subscriptions`: the daily broadcast (每日播报) and which categories of notices are
//! pushed to my WeChat. A muted category's notices still appear in my list; urgent ones
//! are pushed regardless.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::CategorySubscription;

use super::PortalGate;
use crate::api::{self, portal, ClientError};
use crate::components::{Empty, Loading};
use crate::i18n::t;

#[component]
pub fn PortalSubscriptions() -> impl IntoView {
    view! { <PortalGate><Subscriptions /></PortalGate> }
}

#[component]
fn Subscriptions() -> impl IntoView {
    let list = LocalResource::new(api::notices::subscriptions);
    // The answer to the last change (the server's whole list), shown over the first load.
    let current = RwSignal::new(None::<Vec<CategorySubscription>>);
    let message = RwSignal::new(None::<(bool, String)>);
    let toggle = move |category_id: i64, receive: bool| {
        leptos::task::spawn_local(async move {
            match api::notices::subscribe(category_id, !receive).await {
                Ok(all) => {
                    current.set(Some(all));
                    message.set(Some((true, t::PORTAL_SAVED.into())));
                }
                Err(err) => message.set(Some((false, t::portal_error(&err)))),
            }
        });
    };
    let show = move |items: Vec<CategorySubscription>| {
        if items.is_empty() {
            return view! { <Empty text=t::PORTAL_NO_CATEGORIES /> }.into_any();
        }
        view! {
            <ul class="card portal-list switches" id="subscriptions">
                {items.into_iter().map(|s| {
                    let id = s.category_id;
                    view! {
                        <li>
                            <label class="switch">
                                <input type="checkbox" role="switch" prop:checked=!s.muted
                                    on:change=move |ev| toggle(id, event_target_checked(&ev)) />
                                <span>{s.name.clone()}</span>
                            </label>
                            <small>{if s.muted { t::PORTAL_MUTED } else { t::PORTAL_RECEIVING }}</small>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="portal-nav">
            <A href="/s/notices" attr:class="link">{"‹ "}{t::PORTAL_NOTICES}</A>
        </div>
        <h2>{t::PORTAL_SUBSCRIPTIONS}</h2>
        <p class="hint">{t::PORTAL_SUBSCRIPTIONS_INTRO}</p>
        <p class="alert warn">{t::PORTAL_URGENT_ALWAYS}</p>
        <super::broadcast::BroadcastCard />
        <super::wx_subscribe::SubscribeButton />
        {move || message.get().map(|(ok, m)| view! { <p class=if ok { "alert success" } else { "alert error" } role="status">{m}</p> })}
        <Transition fallback=Loading>
            {move || match current.get() {
                Some(items) => Some(show(items)),
                None => list.get().map(|r| match r {
                    Ok(items) => show(items),
                    Err(ClientError::Unauthorized) => {
                        portal::authorise();
                        view! { <Loading /> }.into_any()
                    }
                    Err(err) if err.code() == Some("not_bound") => view! {
                        <div class="card">
                            <p>{t::PORTAL_NOT_BOUND}</p>
                            <A href="/s/bind" attr:class="button primary wide">{t::PORTAL_GO_BIND}</A>
                        </div>
                    }
                    .into_any(),
                    Err(err) => view! { <div class="state error">{t::portal_error(&err)}</div> }.into_any(),
                }),
            }}
        </Transition>
    }
}
