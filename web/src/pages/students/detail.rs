//! One student in full (phone number, bind code, groups, cadre terms, attendance); opening
//! it is written to the audit log. Unbind their WeChat, or delete the record, from here.

use leptos::prelude::*;
use shared::StudentDetail;

use crate::api;
use crate::components::{Dialog, ErrorNotice, Loading};
use crate::format::maybe_datetime;
use crate::i18n::t;

#[component]
pub fn StudentDetailCard(
    id: i64,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_changed: Callback<String>,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.track();
        api::people::student(id)
    });
    let error = RwSignal::new(None::<String>);
    let unbind_open = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let name = move || detail.get().and_then(|d| d.ok()).map(|d| d.student.name).unwrap_or_default();

    let unbind = move |_| {
        unbind_open.set(false);
        leptos::task::spawn_local(async move {
            match api::people::unbind_student(id).await {
                Ok(_) => {
                    version.update(|v| *v += 1);
                    on_changed.run(t::STUDENT_UNBOUND.into());
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
        });
    };
    let delete = move |_| {
        delete_open.set(false);
        leptos::task::spawn_local(async move {
            match api::people::delete_student(id).await {
                Ok(()) => {
                    on_changed.run(t::STUDENT_DELETED.into());
                    on_close.run(());
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
        });
    };

    let show = move |d: StudentDetail| {
        let s = d.student;
        let groups = d.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join("、");
        let terms = d
            .cadre_terms
            .iter()
            .map(|c| format!("{}（{}）", c.title, if c.current { t::CURRENT } else { t::ENDED }))
            .collect::<Vec<_>>()
            .join("、");
        let refused = t::refused_templates(&d.refused_templates);
        let subscriptions = t::subscriptions(&d.subscriptions);
        let bound = s.wechat.bound;
        if s.limited {
            // A group's owner sees a member of another class: name, class and binding only.
            return view! {
                <p class="alert info" id="student-limited">{t::MEMBER_VIEW}</p>
                <dl class="detail">
                    <dt>{t::STUDENT_NO}</dt><dd>{s.student_no}</dd>
                    <dt>{t::NAME}</dt><dd>{s.name}</dd>
                    <dt>{t::CLASS}</dt><dd>{s.class_name.unwrap_or_else(|| t::NO_CLASS.into())}</dd>
                    <dt>{t::WECHAT}</dt><dd>{if bound { t::BOUND } else { t::UNBOUND }}</dd>
                    <dt>{t::GROUPS}</dt><dd>{if groups.is_empty() { t::NONE_YET.to_string() } else { groups }}</dd>
                </dl>
            }
            .into_any();
        }
        view! {
            <p class="hint">{t::DETAIL_AUDITED}</p>
            <dl class="detail">
                <dt>{t::STUDENT_NO}</dt><dd>{s.student_no}</dd>
                <dt>{t::NAME}</dt><dd>{s.name}</dd>
                <dt>{t::GENDER}</dt><dd>{t::gender(s.gender)}</dd>
                <dt>{t::CLASS}</dt><dd>{s.class_name.unwrap_or_else(|| t::NO_CLASS.into())}</dd>
                <dt>{t::PHONE}</dt><dd id="student-phone-full">{s.phone}</dd>
                <dt>{t::EMAIL}</dt><dd>{s.email}</dd>
                <dt>{t::DORMITORY}</dt><dd>{s.dormitory}</dd>
                <dt>{t::STUDENT_STATUS}</dt><dd>{t::status(s.status)}</dd>
                <dt>{t::WECHAT}</dt>
                <dd>
                    {if bound { t::BOUND } else { t::UNBOUND }}
                    {(bound && !s.wechat.following).then(|| format!("（{}）", t::NOT_FOLLOWING))}
                </dd>
                <dt>{t::BOUND_AT}</dt><dd>{maybe_datetime(&s.wechat.bound_at, t::NONE_YET)}</dd>
                <dt>{t::REFUSED_TEMPLATES}</dt><dd id="student-refused-templates">{refused}</dd>
                <dt>{t::SUBSCRIPTIONS}</dt><dd id="student-subscriptions">{subscriptions}</dd>
                <dt>{t::FOLLOW_SOURCE}</dt><dd id="student-source">{d.follow_source.as_deref().map(t::follow_source).unwrap_or_else(|| t::NONE_YET.into())}</dd>
                <dt>{t::BIND_CODE}</dt><dd><code>{d.bind_code.unwrap_or_default()}</code>" "<small class="hint">{t::BIND_CODE_HINT}</small></dd>
                <dt>{t::GROUPS}</dt><dd>{if groups.is_empty() { t::NONE_YET.to_string() } else { groups }}</dd>
                <dt>{t::CADRE_TERMS}</dt><dd>{if terms.is_empty() { t::NONE_YET.to_string() } else { terms }}</dd>
                <dt>{t::NOTES}</dt><dd>{s.notes}</dd>
            </dl>
            <super::attendance::AttendanceSection id=id />
            <div class="form-actions">
                <Show when=move || bound>
                    <button class="secondary" on:click=move |_| unbind_open.set(true)>{t::UNBIND}</button>
                </Show>
                <button class="danger" on:click=move |_| delete_open.set(true)>{t::DELETE}</button>
            </div>
        }
        .into_any()
    };

    view! {
        <div class="card form-card">
            <div class="page-head">
                <h2>{t::DETAILS}</h2>
                <button class="secondary" on:click=move |_| on_close.run(())>{t::CLOSE}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <Transition fallback=Loading>
                {move || detail.get().map(|d| match d {
                    Ok(d) => show(d).into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
            <Dialog open=unbind_open title=Signal::derive(|| t::UNBIND.to_string()) on_confirm=unbind>
                <p>{move || t::confirm_unbind_student(&name())}</p>
            </Dialog>
            <Dialog open=delete_open title=Signal::derive(|| t::DELETE.to_string()) on_confirm=delete confirm_label=t::DELETE danger=true>
                <p>{move || t::confirm_delete_student(&name())}</p>
            </Dialog>
        </div>
    }
}
