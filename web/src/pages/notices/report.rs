//! The lower half of a notice's page once it has left the drafts: tabs for the receipt
//! report (回执报告), the comments (留言) and the delivery panel (发送情况). The report
//! and the comments follow the notice live (see `live`); the delivery panel keeps its
//! own poll, and stays mounted while hidden so it can tell the page that the notice
//! moved on (scheduled → sending → sent).

use leptos::prelude::*;
use shared::{NoticeReport, NoticeStatus};

use super::comments::CommentsPanel;
use super::delivery::DeliveryPanel;
use super::receipt_list::ReceiptList;
use super::report_view::{summary, ReminderCard};
use crate::api::{self, receipts::ReceiptFilter, ClientError};
use crate::components::{ErrorNotice, Loading};
use crate::i18n::t;
use crate::pages::live::{follow, Live, Stream};
use crate::pages::mounted;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Report,
    Comments,
    Delivery,
}

fn has_report(status: Option<NoticeStatus>) -> bool {
    matches!(status, Some(NoticeStatus::Sending | NoticeStatus::Sent | NoticeStatus::Withdrawn))
}

#[component]
pub fn NoticeTabs(
    id: i64,
    status: Memo<Option<NoticeStatus>>,
    title: Signal<String>,
    #[prop(into)] on_status: Callback<String>,
    /// The files' downloads as the latest report counts them, for the file card to follow.
    downloads: RwSignal<Option<i64>>,
) -> impl IntoView {
    let reporting = Memo::new(move |_| has_report(status.get()));
    let tab = RwSignal::new(if reporting.get_untracked() { Tab::Report } else { Tab::Delivery });
    let comments = RwSignal::new(None::<i64>);
    let button = move |which: Tab, id: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=id class:chosen=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>
                {label}
                {(which == Tab::Comments).then_some(move || comments.get().map(|n| view! { <span class="count">{n}</span> }))}
            </button>
        }
    };
    view! {
        <div class="tabs notice-tabs" role="tablist">
            <Show when=move || reporting.get()>
                {button(Tab::Report, "tab-report", t::REPORT_TAB)}
                {button(Tab::Comments, "tab-comments", t::COMMENTS_TAB)}
            </Show>
            {button(Tab::Delivery, "tab-delivery", t::DELIVERY_TAB)}
        </div>
        <Show when=move || reporting.get()>
            <ReportArea id=id title=title tab=tab comments=comments downloads=downloads />
        </Show>
        <div class:tab-hidden=move || tab.get() != Tab::Delivery>
            <DeliveryPanel id=id on_status=on_status />
        </div>
    }
}

/// The report and the comments of a sent notice, fetched again whenever the live
/// stream (or the slow poll) says so.
#[component]
fn ReportArea(
    id: i64,
    title: Signal<String>,
    tab: RwSignal<Tab>,
    comments: RwSignal<Option<i64>>,
    downloads: RwSignal<Option<i64>>,
) -> impl IntoView {
    let report = RwSignal::new(None::<NoticeReport>);
    let error = RwSignal::new(None::<ClientError>);
    let version = RwSignal::new(0u32);
    let live = RwSignal::new(Live::Connecting);
    let filter = RwSignal::new(ReceiptFilter { missing: Some(shared::Missing::Read), ..Default::default() });
    let alive = mounted();
    // One fetch at a time; a change during a fetch asks for one more after it.
    let fetching = StoredValue::new(false);
    let again = StoredValue::new(false);
    let refresh = Callback::new(move |_: ()| {
        if !alive.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        version.update(|v| *v += 1);
        if fetching.get_value() {
            again.set_value(true);
            return;
        }
        fetching.set_value(true);
        let alive = alive.clone();
        leptos::task::spawn_local(async move {
            loop {
                let result = api::receipts::report(id).await;
                if !alive.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                match result {
                    Ok(r) => {
                        comments.set(Some(r.comments));
                        downloads.set(Some(r.attachment_downloads));
                        report.set(Some(r));
                        error.set(None);
                    }
                    Err(ClientError::Unauthorized) => return,
                    Err(err) => error.set(Some(err)),
                }
                if !again.get_value() {
                    break;
                }
                again.set_value(false);
            }
            fetching.set_value(false);
        });
    });
    refresh.run(());
    follow(Stream::NoticeReport(id), live, refresh);

    let current = Signal::derive(move || report.get());
    let comment_count = Memo::new(move |_| comments.get());
    view! {
        <div class:tab-hidden=move || tab.get() != Tab::Report id="report">
            <div class="report-head">
                <h2>{t::REPORT_TITLE}</h2>
                {move || match live.get() {
                    Live::On => view! { <span class="badge on stream" id="report-live">{t::LIVE}</span> }.into_any(),
                    Live::Connecting => view! { <span class="badge stream">{t::LIVE_CONNECTING}</span> }.into_any(),
                    Live::Retrying => view! { <span class="badge warn stream">{t::LIVE_RETRYING}</span> }.into_any(),
                }}
            </div>
            {move || error.get().map(|err| view! { <ErrorNotice error=err retry=move |_| refresh.run(()) /> })}
            {move || match report.get() {
                None if error.with(Option::is_none) => view! { <Loading /> }.into_any(),
                None => ().into_any(),
                Some(r) => summary(r, filter, move || tab.set(Tab::Comments)).into_any(),
            }}
            <ReceiptList id=id title=title report=current filter=filter version=version on_reminded=refresh />
            <ReminderCard report=current />
        </div>
        <div class:tab-hidden=move || tab.get() != Tab::Comments>
            <CommentsPanel id=id count=comment_count on_change=refresh />
        </div>
    }
}
