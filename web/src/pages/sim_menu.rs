//! The simulator's menu bar: the published menu as the chosen follower sees it, drawn at
//! the foot of the chat like WeChat draws it. A button sends what tapping it sends (a
//! CLICK with its key, a VIEW with its address, which then opens); a button with
//! sub-buttons opens them above it.

use leptos::prelude::*;
use serde_json::{json, Value};

use crate::api::simulator::{self, SimButton};
use crate::i18n::t;

/// What tapping a button sends, if anything (sub-button holders send nothing).
fn event_of(b: &SimButton) -> Option<Value> {
    match b.kind.as_deref()? {
        "view" => Some(json!({ "type": "event", "event": "VIEW", "event_key": b.url.clone().unwrap_or_default() })),
        "click" => Some(json!({ "type": "event", "event": "CLICK", "event_key": b.key.clone().unwrap_or_default() })),
        other => Some(json!({ "type": "event", "event": other, "event_key": b.key.clone().unwrap_or_default() })),
    }
}

#[component]
pub fn MenuBar(
    openid: StoredValue<String>,
    /// Whether the follower still follows (an unfollowed chat has no menu to tap).
    following: RwSignal<bool>,
    #[prop(into)] send: Callback<Value>,
) -> impl IntoView {
    let menu = LocalResource::new(move || {
        let openid = openid.get_value();
        async move { simulator::menu(&openid).await }
    });
    let open = RwSignal::new(None::<usize>);
    let tap = move |b: SimButton| {
        open.set(None);
        if let Some(event) = event_of(&b) {
            send.run(event);
        }
        if b.kind.as_deref() == Some("view") {
            if let (Some(url), Some(w)) = (b.url.as_deref(), web_sys::window()) {
                let _ = w.open_with_url_and_target(url, "_blank");
            }
        }
    };
    move || {
        let buttons = match menu.get() {
            Some(Ok(buttons)) if !buttons.is_empty() => buttons,
            Some(Ok(_)) => return view! { <p class="hint sim-no-menu">{t::SIM_NO_MENU}</p> }.into_any(),
            _ => return ().into_any(),
        };
        view! {
            <nav class="sim-menu" id="sim-menu" aria-label=t::SIM_MENU>
                {buttons.into_iter().enumerate().map(|(i, b)| {
                    let subs = b.sub_button.clone();
                    let top = b.clone();
                    view! {
                        <div class="sim-menu-item">
                            <button type="button" class="sim-menu-button" disabled=move || !following.get()
                                on:click=move |_| {
                                    if subs.is_empty() {
                                        tap(top.clone());
                                    } else {
                                        open.update(|o| *o = if *o == Some(i) { None } else { Some(i) });
                                    }
                                }>
                                {(!b.sub_button.is_empty()).then_some("≡ ")}{b.name.clone()}
                            </button>
                            {move || (open.get() == Some(i)).then(|| {
                                let subs = b.sub_button.clone();
                                view! {
                                    <ul class="sim-submenu" role="menu">
                                        {subs.into_iter().map(|s| {
                                            let chosen = s.clone();
                                            view! {
                                                <li><button type="button" role="menuitem" on:click=move |_| tap(chosen.clone())>{s.name.clone()}</button></li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }
                            })}
                        </div>
                    }
                }).collect_view()}
            </nav>
        }
        .into_any()
    }
}
