//! Routes and the sign-in guard. Every page but registration and password reset sits
//! inside the `Shell` and is shown only to a signed-in user; anyone else is sent to the
//! sign-in page (`/login`: its own page without this bundle, `web/login.html`, loaded
//! whole by `crate::load_page`), which brings them back to where they were going.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::{DemoBanner, Shell};
use crate::i18n::t;
use crate::pages::{
    AccountPage, ActivitiesPage, ActivityDetailPage, ActivityNewPage, AuditPage, AutoRepliesPage, BroadcastPage,
    CategoriesPage, CheckinDetailPage, CheckinNewPage, CheckinScreenPage, CheckinStatsPage, CheckinsPage, ClassPage,
    ClassPosterPage, ClassesPage, DocumentsPage, Elsewhere, FollowersPage, ForgotPage, GroupsPage, GuideEditPage,
    GuideNewPage, GuidesPage, HomePage, InboxPage, MassPage, MenusPage, NoticeComposePage, NoticeDetailPage,
    NoticeEditPage, NoticesPage, QrCodesPage, QrPrintPage, RegisterPage, SearchPage, SettingsPage, SimulatorPage,
    StatsPage, StudentsPage, TemplatesPage, TokensPage, TopicsPage, UsersPage,
};
use crate::session::{self, Auth};

#[component]
pub fn App() -> impl IntoView {
    session::init();
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=crate::Bundle::Console /> }>
                <Route path=path!("/register") view=RegisterPage />
                <Route path=path!("/forgot") view=ForgotPage />
                // Signed in, without the console around it: the projector.
                <ParentRoute path=path!("") view=SignedInBare>
                    <Route path=path!("checkins/:id/screen") view=CheckinScreenPage />
                    <Route path=path!("classes/:id/poster") view=ClassPosterPage />
                    <Route path=path!("qrcodes/:id/print") view=QrPrintPage />
                </ParentRoute>
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("inbox") view=InboxPage />
                    <Route path=path!("auto-replies") view=AutoRepliesPage />
                    <Route path=path!("users") view=UsersPage />
                    <Route path=path!("tokens") view=TokensPage />
                    <Route path=path!("account") view=AccountPage />
                    <Route path=path!("audit") view=AuditPage />
                    <Route path=path!("simulator") view=SimulatorPage />
                    <Route path=path!("classes") view=ClassesPage />
                    <Route path=path!("classes/:id") view=ClassPage />
                    <Route path=path!("students") view=StudentsPage />
                    <Route path=path!("groups") view=GroupsPage />
                    // `new` before `:id`, which would take it for an id.
                    <Route path=path!("mass") view=MassPage />
                    <Route path=path!("broadcast") view=BroadcastPage />
                    <Route path=path!("topics") view=TopicsPage />
                    <Route path=path!("documents") view=DocumentsPage />
                    <Route path=path!("notices") view=NoticesPage />
                    <Route path=path!("notices/new") view=NoticeComposePage />
                    <Route path=path!("notices/:id") view=NoticeDetailPage />
                    <Route path=path!("notices/:id/edit") view=NoticeEditPage />
                    <Route path=path!("checkins") view=CheckinsPage />
                    <Route path=path!("checkins/new") view=CheckinNewPage />
                    <Route path=path!("checkins/stats") view=CheckinStatsPage />
                    <Route path=path!("checkins/:id") view=CheckinDetailPage />
                    <Route path=path!("activities") view=ActivitiesPage />
                    <Route path=path!("activities/new") view=ActivityNewPage />
                    <Route path=path!("activities/:id") view=ActivityDetailPage />
                    <Route path=path!("qrcodes") view=QrCodesPage />
                    <Route path=path!("search") view=SearchPage />
                    <Route path=path!("guides") view=GuidesPage />
                    <Route path=path!("guides/new") view=GuideNewPage />
                    <Route path=path!("guides/:id") view=GuideEditPage />
                    <Route path=path!("stats") view=StatsPage />
                    <Route path=path!("categories") view=CategoriesPage />
                    <Route path=path!("templates") view=TemplatesPage />
                    <Route path=path!("followers") view=FollowersPage />
                    <Route path=path!("menus") view=MenusPage />
                    <Route path=path!("settings") view=SettingsPage />
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
    view! { <Gated bare=false /> }
}

/// Signed in, but the page takes the whole window (no sidebar or top bar).
#[component]
fn SignedInBare() -> impl IntoView {
    view! { <Gated bare=true /> }
}

#[component]
fn Gated(bare: bool) -> impl IntoView {
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
            // The sign-in page is not this bundle's: loaded whole, at once.
            crate::load_page(&path);
            view! {
                <div class="fullpage state loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                </div>
            }
            .into_any()
        }
        Gate::In if bare => view! { <Outlet /> }.into_any(),
        Gate::In => view! { <Shell /> }.into_any(),
    }
}
