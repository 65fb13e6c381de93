//! Routes and the sign-in guard. Every page but the login page sits inside the `Shell`
//! and is shown only to a signed-in user; anyone else is sent to the login page, which
//! brings them back to where they were going.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::Shell;
use crate::i18n::t;
use crate::pages::{AccountPage, AuditPage, HomePage, LoginPage, NotFound, TokensPage, UsersPage};
use crate::session::{self, Auth};

#[component]
pub fn App() -> impl IntoView {
    session::init();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("users") view=UsersPage />
                    <Route path=path!("tokens") view=TokensPage />
                    <Route path=path!("account") view=AccountPage />
                    <Route path=path!("audit") view=AuditPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Gate {
    Checking,
    Out,
    In,
}

#[component]
fn SignedIn() -> impl IntoView {
    let location = use_location();
    // Only the gate's state re-renders the shell, not every change to the user.
    let gate = Memo::new(move |_| match session::auth().get() {
        Auth::Checking => Gate::Checking,
        Auth::SignedOut => Gate::Out,
        Auth::SignedIn(_) => Gate::In,
    });
    move || match gate.get() {
        Gate::Checking => view! {
            <div class="fullpage state loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                {t::CHECKING_SESSION}
            </div>
        }
        .into_any(),
        Gate::Out => {
            let next = location.pathname.get_untracked();
            let path =
                if next == "/" { "/login".to_string() } else { format!("/login?next={}", crate::api::encode(&next)) };
            view! { <Redirect path=path /> }.into_any()
        }
        Gate::In => view! { <Shell /> }.into_any(),
    }
}
