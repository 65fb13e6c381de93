//! The routes of the pages opened inside WeChat on a phone, one bundle each: the
//! students' (`/s/…`, signed in by WeChat's web authorisation, no console login) and the
//! teachers' (`/t/…`, a console login obtained through WeChat). Nothing of the console is
//! reachable from either, nor the one from the other, so none of it is linked.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::DemoBanner;
use crate::pages::{
    Elsewhere, PortalActivities, PortalBind, PortalCheckin, PortalCheckins, PortalDocuments, PortalGuidePage,
    PortalGuides, PortalHome, PortalMessages, PortalNotice, PortalNotices, PortalSearch, PortalSubscriptions,
    PortalTeachers, TeacherApprovals, TeacherCheckin, TeacherCheckinNew, TeacherCompose, TeacherHome, TeacherMessages,
    TeacherNotice, TeacherNotices, TeacherThread,
};
use crate::Bundle;

/// Leaving the page the server drew a first view of ends that view (the notice page ends
/// it itself once it has drawn the notice).
#[component]
fn FirstViewHandOver() -> impl IntoView {
    let location = use_location();
    let first = location.pathname.get_untracked();
    Effect::new(move |_| {
        if location.pathname.get() != first {
            crate::drop_first_view();
        }
    });
}

#[component]
pub fn StudentApp() -> impl IntoView {
    view! {
        <DemoBanner />
        <Router>
            <FirstViewHandOver />
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Student /> }>
                <Route path=path!("/s") view=PortalHome />
                <Route path=path!("/s/bind") view=PortalBind />
                <Route path=path!("/s/teachers") view=PortalTeachers />
                <Route path=path!("/s/search") view=PortalSearch />
                <Route path=path!("/s/guides") view=PortalGuides />
                <Route path=path!("/s/guides/:id") view=PortalGuidePage />
                <Route path=path!("/s/messages") view=PortalMessages />
                <Route path=path!("/s/notices") view=PortalNotices />
                <Route path=path!("/s/documents") view=PortalDocuments />
                <Route path=path!("/s/documents/:id") view=PortalDocuments />
                <Route path=path!("/s/notices/:id") view=PortalNotice />
                <Route path=path!("/s/subscriptions") view=PortalSubscriptions />
                <Route path=path!("/s/checkin") view=PortalCheckins />
                <Route path=path!("/s/checkin/:id") view=PortalCheckin />
                <Route path=path!("/s/activities") view=PortalActivities />
            </Routes>
        </Router>
    }
}

#[component]
pub fn TeacherApp() -> impl IntoView {
    crate::session::init();
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Teacher /> }>
                <Route path=path!("/t") view=TeacherHome />
                <Route path=path!("/t/notices") view=TeacherNotices />
                <Route path=path!("/t/notices/new") view=TeacherCompose />
                <Route path=path!("/t/notices/:id") view=TeacherNotice />
                <Route path=path!("/t/checkin") view=TeacherCheckinNew />
                <Route path=path!("/t/checkin/:id") view=TeacherCheckin />
                <Route path=path!("/t/messages") view=TeacherMessages />
                <Route path=path!("/t/messages/:openid") view=TeacherThread />
                <Route path=path!("/t/approvals") view=TeacherApprovals />
            </Routes>
        </Router>
    }
}
