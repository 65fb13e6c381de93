//! Notices: the list (filtered by status, category, urgency, author and creation date or
//! period, searched in titles and bodies, paged), and through its sub-modules composing
//! and editing a notice (with its vote), its detail page with the live receipt report,
//! comments and delivery panel, and sending or scheduling it.

mod attachments;
mod audience;
mod autosave;
mod comments;
mod compose;
mod correction;
mod delivery;
mod detail;
mod receipt_list;
mod report;
mod report_view;
mod send;
mod toolbar;
mod vote_editor;

pub use audience::AudiencePicker;
pub use compose::{NoticeComposePage, NoticeEditPage};
pub use detail::NoticeDetailPage;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::{NoticeStatus, NoticeSummary, Role, Urgency};

use crate::api::{self, notices::NoticeFilter};
use crate::components::PagedTable;
use crate::format::{datetime, parse_date_input};
use crate::i18n::t;
use crate::pages::stats::{range, Period, PERIODS};
use crate::session;

/// The badge class of a notice status.
pub fn status_badge(status: NoticeStatus) -> &'static str {
    match status {
        NoticeStatus::Draft => "badge",
        NoticeStatus::Scheduled => "badge warn",
        NoticeStatus::Sending => "badge info",
        NoticeStatus::Sent => "badge on",
        NoticeStatus::Withdrawn => "badge off",
    }
}

/// 紧急 and 重要 stand out; 普通 needs no badge.
pub fn urgency_badge(urgency: Urgency) -> Option<AnyView> {
    let class = match urgency {
        Urgency::Urgent => "badge off",
        Urgency::Important => "badge warn",
        Urgency::Normal => return None,
    };
    Some(view! { <span class=class>{t::urgency(urgency)}</span> }.into_any())
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let filter = RwSignal::new(NoticeFilter::default());
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notices = LocalResource::new(move || {
        version.track();
        api::notices::list(filter.get(), page.get())
    });
    let categories = LocalResource::new(api::notices::categories);
    let is_admin = session::user().is_some_and(|u| u.role == Role::Admin);
    // Teachers see only their own notices: the author filter is for admins.
    let authors = LocalResource::new(move || async move {
        if is_admin {
            api::people::teachers(String::new(), 1).await.map(|p| p.items).unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let set_filter = move |change: &dyn Fn(&mut NoticeFilter)| {
        page.set(1);
        filter.update(|f| change(f));
    };
    // A period fills the date inputs with its first and last day (and narrows the list).
    let from_text = RwSignal::new(String::new());
    let until_text = RwSignal::new(String::new());
    let choose_period = move |period: Option<Period>| {
        let range = period.and_then(|p| range(p, "", ""));
        let day = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string();
        from_text.set(range.map(|(f, _)| day(f)).unwrap_or_default());
        until_text.set(range.map(|(_, u)| day(u - chrono::Duration::days(1))).unwrap_or_default());
        set_filter(&|f| {
            f.from = range.map(|r| r.0);
            f.until = range.map(|r| r.1);
        });
    };
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = search.get_untracked().trim().to_string();
        set_filter(&|f| f.search = text.clone());
    };

    let row = move |notice: NoticeSummary| {
        let href = format!("/notices/{}", notice.id);
        let when = match (notice.sent_at, notice.scheduled_at) {
            (Some(at), _) => t::sent_at(&datetime(&at)),
            (None, Some(at)) => t::scheduled_for(&datetime(&at)),
            _ => t::created_at(&datetime(&notice.created_at)),
        };
        let editable = matches!(notice.status, NoticeStatus::Draft | NoticeStatus::Scheduled);
        let edit = format!("/notices/{}/edit", notice.id);
        view! {
            <tr>
                <td>
                    <A href=href.clone()><strong>{notice.title.clone()}</strong></A>
                    " "{urgency_badge(notice.urgency)}
                </td>
                <td class="nowrap">{notice.category.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| t::NONE_YET.into())}</td>
                <td class="nowrap"><span class=status_badge(notice.status)>{t::notice_status(notice.status)}</span></td>
                <td class="nowrap">{notice.author.as_ref().map(|a| a.display_name.clone()).unwrap_or_else(|| t::NONE_YET.into())}</td>
                // Recipients are counted when the notice starts sending.
                <td>{if editable { t::NONE_YET.to_string() } else { notice.recipient_count.to_string() }}</td>
                <td class="nowrap notice-rate">{rate_cell(notice.read, notice.students, true)}</td>
                <td class="nowrap notice-rate">{rate_cell(notice.confirmed, notice.students, notice.requires_confirmation)}</td>
                <td class="nowrap">{when}</td>
                <td class="row-actions">
                    <A href=href>{t::VIEW}</A>
                    {editable.then(|| view! { " " <A href=edit>{t::EDIT}</A> })}
                </td>
            </tr>
        }
    };

    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::NOTICES_TITLE}</h1>
                <A href="/notices/new" attr:class="button primary" attr:id="new-notice">{t::NEW_NOTICE}</A>
            </div>
            <p class="lead">{t::NOTICES_INTRO}</p>
            <form class="toolbar" on:submit=on_search>
                <input type="search" placeholder=t::NOTICES_SEARCH_PLACEHOLDER aria-label=t::SEARCH bind:value=search />
                <select id="filter-status" aria-label=t::STATUS on:change=move |ev| {
                    let value = NoticeStatus::parse(&event_target_value(&ev));
                    set_filter(&|f| f.status = value);
                }>
                    <option value="">{t::ALL_STATUSES}</option>
                    {t::NOTICE_STATUSES.map(|s| view! { <option value=s.as_str()>{t::notice_status(s)}</option> })}
                </select>
                <select id="filter-category" aria-label=t::CATEGORY on:change=move |ev| {
                    let value = event_target_value(&ev).parse().ok();
                    set_filter(&|f| f.category_id = value);
                }>
                    <option value="">{t::ALL_CATEGORIES}</option>
                    {move || categories.get().map(|list| list.unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view())}
                </select>
                <select id="filter-urgency" aria-label=t::URGENCY on:change=move |ev| {
                    let value = Urgency::parse(&event_target_value(&ev));
                    set_filter(&|f| f.urgency = value);
                }>
                    <option value="">{t::ALL_URGENCIES}</option>
                    {t::URGENCIES.map(|u| view! { <option value=u.as_str()>{t::urgency(u)}</option> })}
                </select>
                <Show when=move || is_admin>
                    <select id="filter-author" aria-label=t::AUTHOR on:change=move |ev| {
                        let value = event_target_value(&ev).parse().ok();
                        set_filter(&|f| f.author_id = value);
                    }>
                        <option value="">{t::ALL_AUTHORS}</option>
                        {move || authors.get().map(|list| list.into_iter().map(|a| view! {
                            <option value=a.user_id.to_string()>{a.display_name}</option>
                        }).collect_view())}
                    </select>
                </Show>
                <select id="filter-period" aria-label=t::PERIOD on:change=move |ev| {
                    let period = PERIODS.into_iter().find(|p| t::period_key(*p) == event_target_value(&ev));
                    choose_period(period);
                }>
                    <option value="">{t::ALL_TIME}</option>
                    {PERIODS[..3].iter().map(|p| view! { <option value=t::period_key(*p)>{t::period(*p)}</option> }).collect_view()}
                </select>
                <span class="inline-label">
                    <label for="filter-from">{t::CREATED_FROM}</label>
                    <input type="date" id="filter-from" prop:value=from_text on:change=move |ev| {
                        let value = parse_date_input(&event_target_value(&ev), 0);
                        set_filter(&|f| f.from = value);
                    } />
                    <label for="filter-until">{t::CREATED_UNTIL}</label>
                    <input type="date" id="filter-until" prop:value=until_text on:change=move |ev| {
                        // The whole last day counts: created before the next midnight.
                        let value = parse_date_input(&event_target_value(&ev), 1);
                        set_filter(&|f| f.until = value);
                    } />
                </span>
                <button type="submit" class="secondary">{t::SEARCH}</button>
            </form>
            <PagedTable
                list=notices
                page=page
                headers=&[t::NOTICE_TITLE, t::CATEGORY, t::STATUS, t::AUTHOR, t::RECIPIENTS, t::READ_RATE, t::CONFIRM_RATE, t::TIME, t::ACTIONS]
                empty=t::NO_NOTICES
                row=row
                retry=move |_| version.update(|v| *v += 1)
            />
        </section>
    }
}

/// Sent notices with when they went and their read and confirm rates (the home page's
/// latest, a class page's).
#[component]
pub fn SentNoticesTable(notices: Vec<NoticeSummary>, id: &'static str) -> impl IntoView {
    view! {
        <table class="table compact" id=id>
            <thead><tr><th>{t::NOTICE_TITLE}</th><th>{t::SENT_AT}</th><th>{t::READ_RATE}</th><th>{t::CONFIRM_RATE}</th></tr></thead>
            <tbody>
                {notices.into_iter().map(|n| view! {
                    <tr>
                        <td><A href=format!("/notices/{}", n.id)>{n.title.clone()}</A></td>
                        <td class="nowrap">{crate::format::short_datetime(&n.sent_at, t::NONE_YET)}</td>
                        <td class="nowrap">{rate_cell(n.read, n.students, true)}</td>
                        <td class="nowrap">{rate_cell(n.confirmed, n.students, n.requires_confirmation)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "60% 3/5" for a sent notice's read (or confirm) rate; — before sending, or when it asks
/// for no confirmation.
fn rate_cell(part: i64, students: i64, applies: bool) -> AnyView {
    if !applies || students == 0 {
        return view! { <span class="hint">{t::NONE_YET}</span> }.into_any();
    }
    let rate = crate::components::rate(part, students);
    view! {
        <span class:low=rate < 0.5>{crate::components::percent(rate)}</span>
        " "<small class="hint">{format!("{part}/{students}")}</small>
    }
    .into_any()
}
