//! WeChat's subscribe button (订阅通知) on the student pages: inside WeChat, the JSSDK
//! open tag `<wx-open-subscribe template="…">` with the account's subscribe templates for
//! notices; WeChat shows its own popup, and tells the server the answer by event (the
//! server keeps the state, so the page only asks again a moment later). Elsewhere the
//! state is shown with a hint to open the page in WeChat. Nothing shows when the school
//! sends no subscribe notifications.

use leptos::prelude::*;
use shared::StudentSubscriptions;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::portal;
use crate::i18n::t;
use crate::position;

fn subscribed(s: &StudentSubscriptions) -> bool {
    s.template_ids
        .iter()
        .all(|id| s.states.iter().any(|st| &st.template_id == id && st.accepted && (st.long_term || st.remaining > 0)))
}

/// The open tag's markup: WeChat renders the template inside it in its own frame.
fn open_tag(ids: &[String]) -> String {
    let ids = ids.join(",").replace(['"', '<', '>', '&'], "");
    format!(
        "<wx-open-subscribe template=\"{ids}\" id=\"wx-subscribe\">\
         <script type=\"text/wxtag-template\"><style>.b{{display:block;width:100%;padding:10px 0;border:0;\
         border-radius:6px;background:#07c160;color:#fff;font-size:16px}}</style>\
         <button class=\"b\">{}</button></script></wx-open-subscribe>",
        t::PORTAL_SUBSCRIBE
    )
}

#[component]
pub fn SubscribeButton() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let state = LocalResource::new(move || {
        version.track();
        portal::subscribe_state()
    });
    let holder = NodeRef::<leptos::html::Div>::new();
    // Inside WeChat: configure the JSSDK for the open tag, then listen for its answer.
    Effect::new(move |_| {
        let Some(Ok(s)) = state.get() else { return };
        if s.template_ids.is_empty() || subscribed(&s) || !position::in_wechat() {
            return;
        }
        leptos::task::spawn_local(async move {
            if position::wechat_ready(&["checkJsApi"], &["wx-open-subscribe"]).await.is_none() {
                return;
            }
            let Some(element) = holder.get_untracked() else { return };
            element.set_inner_html(&open_tag(&s.template_ids));
            let again = Closure::<dyn Fn()>::new(move || {
                let later = Closure::once_into_js(move || version.update(|v| *v += 1));
                if let Some(window) = web_sys::window() {
                    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 1_500);
                }
            });
            if let Some(tag) = element.first_element_child() {
                let _ = tag.add_event_listener_with_callback("success", again.as_ref().unchecked_ref());
            }
            again.forget();
        });
    });
    view! {
        {move || state.get().and_then(|r| r.ok()).filter(|s| !s.template_ids.is_empty()).map(|s| {
            let done = subscribed(&s);
            view! {
                <div class="card subscribe-card" id="subscribe-notifications">
                    {if done {
                        view! { <p class="subscribed">"✓ "{t::PORTAL_SUBSCRIBED}</p> }.into_any()
                    } else {
                        view! {
                            <p class="hint">{t::PORTAL_SUBSCRIBE_HINT}</p>
                            {(!position::in_wechat()).then(|| view! { <p class="hint" id="subscribe-in-wechat">{t::PORTAL_SUBSCRIBE_IN_WECHAT}</p> })}
                        }
                        .into_any()
                    }}
                    <div node_ref=holder></div>
                </div>
            }
        })}
    }
}
