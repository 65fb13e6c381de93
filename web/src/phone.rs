//! The routes of the pages opened inside WeChat on a phone, one app per bundle
//! (`shared::Bundle`): the students' (`/s/…`, signed in by WeChat's web authorisation, no
//! console login) and the teachers' (`/t/…`, a console login obtained through WeChat),
//! each in a few. Nothing of the console is reachable from any, nor one bundle's pages from
//! another's: a link across loads the other bundle's page whole (`Elsewhere`).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::DemoBanner;
use crate::pages::{
    Elsewhere, PortalActivities, PortalBind, PortalBroadcastDay, PortalCheckin, PortalCheckins, PortalDocuments,
    PortalGuidePage, PortalGuides, PortalHome, PortalMessages, PortalNotice, PortalNotices, PortalSearch,
    PortalSubscriptions, PortalTeachers, PortalTopic, PortalTopics, TeacherApprovals, TeacherCheckin,
    TeacherCheckinNew, TeacherCompose, TeacherHome, TeacherMessages, TeacherNotice, TeacherNotices, TeacherThread,
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

/// The students' home and their menu's pages (`Bundle::Student`).
#[component]
pub fn StudentApp() -> impl IntoView {
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Student /> }>
                <Route path=path!("/s") view=PortalHome />
                <Route path=path!("/s/bind") view=PortalBind />
                <Route path=path!("/s/messages") view=PortalMessages />
                <Route path=path!("/s/subscriptions") view=PortalSubscriptions />
                <Route path=path!("/s/broadcast/:id") view=PortalBroadcastDay />
                <Route path=path!("/s/topics") view=PortalTopics />
                <Route path=path!("/s/topics/:id") view=PortalTopic />
                <Route path=path!("/s/activities") view=PortalActivities />
            </Routes>
        </Router>
    }
}

/// The students' notices (`Bundle::StudentNotices`), over the server's first view of one.
#[component]
pub fn StudentNoticesApp() -> impl IntoView {
    view! {
        <DemoBanner />
        <Router>
            <FirstViewHandOver />
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::StudentNotices /> }>
                <Route path=path!("/s/notices") view=PortalNotices />
                <Route path=path!("/s/notices/:id") view=PortalNotice />
            </Routes>
        </Router>
    }
}

/// The students' check-in (`Bundle::StudentCheckin`).
#[component]
pub fn StudentCheckinApp() -> impl IntoView {
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::StudentCheckin /> }>
                <Route path=path!("/s/checkin") view=PortalCheckins />
                <Route path=path!("/s/checkin/:id") view=PortalCheckin />
            </Routes>
        </Router>
    }
}

/// The school's guides as students read them (`Bundle::StudentGuides`).
#[component]
pub fn StudentGuidesApp() -> impl IntoView {
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::StudentGuides /> }>
                <Route path=path!("/s/teachers") view=PortalTeachers />
                <Route path=path!("/s/search") view=PortalSearch />
                <Route path=path!("/s/guides") view=PortalGuides />
                <Route path=path!("/s/guides/:id") view=PortalGuidePage />
                <Route path=path!("/s/documents") view=PortalDocuments />
                <Route path=path!("/s/documents/:id") view=PortalDocuments />
            </Routes>
        </Router>
    }
}

/// The teachers' phone home and notices (`Bundle::Teacher`).
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
            </Routes>
        </Router>
    }
}

/// The teachers' tasks on the phone (`Bundle::TeacherTasks`).
#[component]
pub fn TeacherTasksApp() -> impl IntoView {
    crate::session::init();
    view! {
        <DemoBanner />
        <Router>
            <Routes fallback=|| view! { <Elsewhere bundle=Bundle::TeacherTasks /> }>
                <Route path=path!("/t/checkin") view=TeacherCheckinNew />
                <Route path=path!("/t/checkin/:id") view=TeacherCheckin />
                <Route path=path!("/t/messages") view=TeacherMessages />
                <Route path=path!("/t/messages/:openid") view=TeacherThread />
                <Route path=path!("/t/approvals") view=TeacherApprovals />
            </Routes>
        </Router>
    }
}
