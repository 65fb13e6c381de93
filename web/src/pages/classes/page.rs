//! One class's page: who teaches it, how far it has bound WeChat, its students (filtered
//! to those not yet bound from the home page's 未绑定名单), its cadres, and the notices
//! and check-ins that reached it, with the class's own read rates. The binding poster
//! is printed from here.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::{CheckinSession, Class, NoticeStatus, NoticeSummary, Student};

use super::cadres::CadresPanel;
use crate::api::{self, checkin::SessionFilter, notices::NoticeFilter, people::StudentFilter};
use crate::components::{percent, rate, Empty, ErrorNotice, Loading, MiniBar, PagedTable};
use crate::i18n::t;
use crate::pages::checkins::state_badge;
use crate::pages::notices::SentNoticesTable;

#[component]
pub fn ClassPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let class = LocalResource::new(move || api::people::class(id()));
    move || match class.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <section class="page"><ErrorNotice error=error /></section> }.into_any(),
        Some(Ok(class)) => view! { <ClassView class=class /> }.into_any(),
    }
}

#[component]
fn ClassView(class: Class) -> impl IntoView {
    let id = class.id;
    let teachers = class.teachers.iter().map(|t| t.display_name.clone()).collect::<Vec<_>>().join("、");
    let about = [class.grade.clone(), class.department.clone(), class.major.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let share = rate(class.bound_count, class.student_count);
    view! {
        <section class="page class-page" data-class=id.to_string()>
            <div class="page-head">
                <div>
                    <p class="crumbs"><A href="/classes">{t::NAV_CLASSES}</A></p>
                    <h1>{class.name.clone()}</h1>
                    <p class="hint">{about}</p>
                </div>
                <A href=format!("/classes/{id}/poster") attr:class="button secondary">{t::BIND_POSTER}</A>
            </div>
            <div class="cards">
                <div class="card">
                    <h2>{t::CLASS_TEACHERS}</h2>
                    <p>{if teachers.is_empty() { t::NONE_YET.to_string() } else { teachers }}</p>
                </div>
                <div class="card" id="class-binding-rate">
                    <h2>{t::BINDING_RATE}</h2>
                    <p class="big-number">{percent(share)}</p>
                    <MiniBar read=share confirmed=None />
                    <p class="hint">{t::bound_of(class.bound_count, class.student_count)}</p>
                </div>
            </div>
            <ClassStudents class_id=id />
            <CadresPanel class=class.clone() />
            <div class="cards">
                <ClassNotices class_id=id />
                <ClassCheckins class_id=id />
            </div>
        </section>
    }
}

/// The class's students; `?bound=false` (the home page's 未绑定名单) starts on those not bound.
#[component]
fn ClassStudents(class_id: i64) -> impl IntoView {
    let bound = match use_query_map().get_untracked().get("bound").as_deref() {
        Some("false") => Some(false),
        Some("true") => Some(true),
        _ => None,
    };
    let bound = RwSignal::new(bound);
    let page = RwSignal::new(1u32);
    let students = LocalResource::new(move || {
        let filter = StudentFilter { class_id: Some(class_id), bound: bound.get(), ..StudentFilter::default() };
        api::people::students(filter, page.get())
    });
    let row = |s: Student| {
        let (text, class) = if s.wechat.bound { (t::BOUND, "badge on") } else { (t::UNBOUND, "badge warn") };
        view! {
            <tr>
                <td>{s.student_no.clone()}</td>
                <td>{s.name.clone()}</td>
                <td><span class=class>{text}</span></td>
            </tr>
        }
    };
    view! {
        <div class="card" id="class-students">
            <div class="page-head">
                <h2>{t::STUDENTS_TITLE}</h2>
                <select aria-label=t::BIND_STATE on:change=move |ev| {
                    page.set(1);
                    bound.set(match event_target_value(&ev).as_str() { "true" => Some(true), "false" => Some(false), _ => None });
                }>
                    <option value="" selected=bound.get_untracked().is_none()>{t::BIND_STATE}</option>
                    <option value="true" selected=bound.get_untracked() == Some(true)>{t::BOUND}</option>
                    <option value="false" selected=bound.get_untracked() == Some(false)>{t::UNBOUND}</option>
                </select>
            </div>
            <PagedTable
                list=students
                page=page
                headers=&[t::STUDENT_NO, t::NAME, t::WECHAT]
                empty=t::NO_STUDENTS
                row=row
                retry=move |_| page.update(|p| *p = (*p).max(1))
            />
        </div>
    }
}

#[component]
fn ClassNotices(class_id: i64) -> impl IntoView {
    let notices = LocalResource::new(move || {
        let filter =
            NoticeFilter { class_id: Some(class_id), status: Some(NoticeStatus::Sent), ..NoticeFilter::default() };
        api::notices::list(filter, 1)
    });
    let list = move |items: Vec<NoticeSummary>| {
        if items.is_empty() {
            return view! { <Empty text=t::NO_SENT_NOTICES /> }.into_any();
        }
        let notices: Vec<NoticeSummary> = items.into_iter().take(8).collect();
        view! { <SentNoticesTable notices=notices id="class-notices" /> }.into_any()
    };
    view! {
        <div class="card wide">
            <h2>{t::CLASS_RECENT_NOTICES}</h2>
            {move || match notices.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(page)) => list(page.items),
            }}
        </div>
    }
}

#[component]
fn ClassCheckins(class_id: i64) -> impl IntoView {
    let sessions = LocalResource::new(move || {
        api::checkin::list(SessionFilter { class_id: Some(class_id), ..SessionFilter::default() }, 1)
    });
    let list = move |items: Vec<CheckinSession>| {
        if items.is_empty() {
            return view! { <Empty text=t::NO_CLASS_CHECKINS /> }.into_any();
        }
        view! {
            <ul class="desk-list" id="class-checkins">
                {items.into_iter().take(8).map(|s| view! {
                    <li>
                        <A href=format!("/checkins/{}", s.id)>{s.title.clone()}</A>
                        <span class=state_badge(s.state)>{t::session_state(s.state)}</span>
                        <small class="hint">{t::checked_in_of(s.counts.checked_in, s.counts.expected)}</small>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="card">
            <h2>{t::CLASS_RECENT_CHECKINS}</h2>
            {move || match sessions.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
                Some(Ok(page)) => list(page.items),
            }}
        </div>
    }
}
