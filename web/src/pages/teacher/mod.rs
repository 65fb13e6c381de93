//! The teachers' phone pages inside WeChat (`/t/…`, phone width): a counselor's Banji on
//! the phone — their notices and reports, a quick notice, a check-in shown on the phone,
//! the students' messages, registrations to approve. WeChat's web authorisation signs in
//! the teacher whose WeChat is bound (a console login, scoped like their web login and
//! shorter-lived); the pages then call the console's API like any console page.

mod approvals;
mod checkin;
mod compose;
mod messages;
mod notices;

pub use approvals::TeacherApprovals;
pub use checkin::{TeacherCheckin, TeacherCheckinNew};
pub use compose::TeacherCompose;
pub use messages::{TeacherMessages, TeacherThread};
pub use notices::{TeacherNotice, TeacherNotices};

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Role;

use crate::api::portal;
use crate::i18n::t;
use crate::session::{self, Auth};

#[derive(Clone, PartialEq)]
enum Entry {
    /// Exchanging the grant WeChat's authorisation brought back.
    SigningIn,
    /// This WeChat is no bound teacher's.
    NotTeacher,
    Failed,
    Ready,
}

/// Takes `#grant=…&nonce=…` (or `#error=…`) from the address, forgetting it there. A grant
/// is used only when its nonce is the one this browser kept for the flow it started.
fn arrival() -> Option<Result<String, String>> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok().unwrap_or_default();
    let grant = portal::fragment_value(&hash, "grant");
    let error = portal::fragment_value(&hash, "error");
    if grant.is_none() && error.is_none() {
        return None;
    }
    let ours = portal::nonce_is_ours(portal::fragment_value(&hash, "nonce").as_deref());
    if let Ok(history) = window.history() {
        let path = window.location().pathname().unwrap_or_default() + &window.location().search().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    match (grant, error) {
        (Some(grant), _) if ours => Some(Ok(grant)),
        (_, Some(error)) => Some(Err(error)),
        _ => Some(Err("nonce".into())),
    }
}

/// Shows the page for a signed-in teacher; otherwise signs them in through WeChat, or
/// says why it could not.
#[component]
pub fn TeacherGate(children: ChildrenFn) -> impl IntoView {
    let entry = RwSignal::new(Entry::Ready);
    match arrival() {
        Some(Ok(grant)) => {
            entry.set(Entry::SigningIn);
            leptos::task::spawn_local(async move {
                match crate::api::auth::wechat_sign_in(grant).await {
                    Ok(login) => {
                        session::sign_in(login);
                        entry.set(Entry::Ready);
                    }
                    Err(_) => entry.set(Entry::Failed),
                }
            });
        }
        Some(Err(code)) if code == "not_teacher" => entry.set(Entry::NotTeacher),
        Some(Err(_)) => entry.set(Entry::Failed),
        None => {}
    }
    let children = StoredValue::new(children);
    let body = move || match (entry.get(), session::auth().get()) {
        (Entry::NotTeacher, _) => view! {
            <PhoneHead title=t::TP_TITLE />
            <div class="card" id="not-teacher">
                <h2>{t::TP_NOT_TEACHER}</h2>
                <p>{t::TP_HOW_TO_BIND}</p>
            </div>
        }
        .into_any(),
        (Entry::Failed, _) => view! {
            <PhoneHead title=t::TP_TITLE />
            <div class="state error">
                <p>{t::TP_SIGN_IN_FAILED}</p>
                <button class="primary" on:click=|_| portal::authorise_teacher()>{t::TP_RETRY}</button>
            </div>
        }
        .into_any(),
        (Entry::Ready, Auth::SignedIn(_)) => children.read_value()().into_any(),
        (Entry::Ready, Auth::SignedOut) => {
            portal::authorise_teacher();
            signing_in().into_any()
        }
        _ => signing_in().into_any(),
    };
    view! { <main class="portal teacher-phone">{body}</main> }
}

fn signing_in() -> impl IntoView {
    view! { <div class="state loading" role="status"><span class="spinner"></span>{t::TP_SIGNING_IN}</div> }
}

/// The bar on top of every teacher page: where it goes back to, and its title.
#[component]
pub fn PhoneHead(title: &'static str, #[prop(optional)] back: Option<&'static str>) -> impl IntoView {
    view! {
        <header class="portal-head phone-head">
            {match back {
                Some(href) => view! { <A href=href attr:class="back" attr:aria-label=t::TP_BACK>"‹"</A> }.into_any(),
                None => view! { <span class="logo" aria-hidden="true">"班"</span> }.into_any(),
            }}
            <strong>{title}</strong>
        </header>
    }
}

#[component]
pub fn TeacherHome() -> impl IntoView {
    view! { <TeacherGate><Home /></TeacherGate> }
}

#[component]
fn Home() -> impl IntoView {
    let user = session::user();
    let name = user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default();
    let admin = user.is_some_and(|u| u.role == Role::Admin);
    view! {
        <PhoneHead title=t::TP_TITLE />
        <p class="hello" id="teacher-hello">{name}"，"{t::TP_HELLO}</p>
        <nav class="tiles">
            <A href="/t/notices" attr:class="tile" attr:id="tile-notices">{t::TP_MY_NOTICES}</A>
            <A href="/t/notices/new" attr:class="tile" attr:id="tile-compose">{t::TP_QUICK_NOTICE}</A>
            <A href="/t/checkin" attr:class="tile" attr:id="tile-checkin">{t::TP_CHECKIN}</A>
            <A href="/t/messages" attr:class="tile" attr:id="tile-messages">{t::TP_MESSAGES}</A>
            {admin.then(|| view! { <A href="/t/approvals" attr:class="tile" attr:id="tile-approvals">{t::TP_APPROVALS}</A> })}
        </nav>
        <p class="muted small">{t::TP_OPEN_CONSOLE}</p>
    }
}
