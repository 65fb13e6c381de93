//! One file per page.

mod account;
pub mod activities;
mod audit;
mod autoreply;
mod broadcast;
mod categories;
pub mod checkins;
mod classes;
mod documents;
mod followers;
mod forgot;
mod groups;
mod guides;
mod home;
mod inbox;
pub mod live;
mod mass;
mod menus;
mod not_found;
pub mod notices;
mod portal;
mod qrcodes;
mod register;
mod search;
mod settings;
mod sim_menu;
mod simulator;
pub mod stats;
mod students;
mod teacher;
mod template_library;
mod templates;
mod tokens;
mod topics;
mod users;

pub use account::AccountPage;
pub use activities::{ActivitiesPage, ActivityDetailPage, ActivityNewPage};
pub use audit::AuditPage;
pub use autoreply::AutoRepliesPage;
pub use broadcast::BroadcastPage;
pub use categories::CategoriesPage;
pub use checkins::{CheckinDetailPage, CheckinNewPage, CheckinScreenPage, CheckinStatsPage, CheckinsPage};
pub use classes::{ClassPage, ClassPosterPage, ClassesPage};
pub use documents::DocumentsPage;
pub use followers::FollowersPage;
pub use forgot::ForgotPage;
pub use groups::GroupsPage;
pub use guides::{GuideEditPage, GuideNewPage, GuidesPage};
pub use home::HomePage;
pub use inbox::InboxPage;
pub use mass::MassPage;
pub use menus::MenusPage;
pub use not_found::{Elsewhere, NotFound};
pub use notices::{NoticeComposePage, NoticeDetailPage, NoticeEditPage, NoticesPage};
pub use portal::{
    PortalActivities, PortalBind, PortalBroadcastDay, PortalCheckin, PortalCheckins, PortalDocuments, PortalGuidePage,
    PortalGuides, PortalHome, PortalMessages, PortalNotice, PortalNotices, PortalSearch, PortalSubscriptions,
    PortalTeachers, PortalTopic, PortalTopics,
};
pub use qrcodes::{QrCodesPage, QrPrintPage};
pub use register::RegisterPage;
pub use search::{SearchBox, SearchPage};
pub use settings::SettingsPage;
pub use simulator::SimulatorPage;
pub use stats::{Period, StatsPage};
pub use students::StudentsPage;
pub use teacher::{
    TeacherApprovals, TeacherCheckin, TeacherCheckinNew, TeacherCompose, TeacherHome, TeacherMessages, TeacherNotice,
    TeacherNotices, TeacherThread,
};
pub use templates::TemplatesPage;
pub use tokens::TokensPage;
pub use topics::TopicsPage;
pub use users::UsersPage;

/// A pause of `ms` milliseconds (a promise resolved by `setTimeout`).
pub async fn pause(ms: u32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// True until the calling component is unmounted. Async work that outlives a page (a
/// poll, a debounced request) checks it before touching the page's signals, which are
/// disposed with the page.
pub fn mounted() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let on_unmount = flag.clone();
    leptos::prelude::on_cleanup(move || on_unmount.store(false, std::sync::atomic::Ordering::Relaxed));
    flag
}
