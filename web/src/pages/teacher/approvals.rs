//! 注册审批 on the phone (admins): the teachers who registered and wait for approval.

use leptos::prelude::*;

use super::{PhoneHead, TeacherGate};
use crate::api::people;
use crate::components::{Empty, ErrorNotice, Loading};
use crate::i18n::t;

#[component]
pub fn TeacherApprovals() -> impl IntoView {
    view! { <TeacherGate><Pending /></TeacherGate> }
}

#[component]
fn Pending() -> impl IntoView {
    let admin = crate::session::user().is_some_and(|u| u.role == shared::Role::Admin);
    let version = RwSignal::new(0u32);
    let pending = LocalResource::new(move || {
        version.track();
        people::pending_users()
    });
    let message = RwSignal::new(None::<(bool, String)>);
    let approve = move |id: i64, name: String| {
        leptos::task::spawn_local(async move {
            match people::approve(id).await {
                Ok(_) => message.set(Some((true, format!("{name} {}", t::TP_APPROVED)))),
                Err(err) => message.set(Some((false, t::tp_error(&err)))),
            }
            version.update(|v| *v += 1);
        });
    };
    view! {
        <PhoneHead title=t::TP_APPROVALS back="/t/" />
        {move || message.get().map(|(ok, m)| view! { <p class="alert" class:success=ok class:error=!ok>{m}</p> })}
        {if admin {
            view! {
                <Transition fallback=Loading>
                    {move || pending.get().map(|r| match r {
                        Ok(page) if page.items.is_empty() => view! { <Empty text=t::TP_NO_PENDING /> }.into_any(),
                        Ok(page) => view! {
                            <ul class="portal-list" id="tp-pending">
                                {page.items.into_iter().map(|u| {
                                    let name = u.display_name.clone();
                                    view! {
                                        <li>
                                            <span>{u.display_name}" "<small>{u.username}</small></span>
                                            <button class="primary" on:click=move |_| approve(u.id, name.clone())>{t::TP_APPROVE}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                    })}
                </Transition>
            }.into_any()
        } else {
            view! { <p class="muted">{t::TP_ADMINS_ONLY}</p> }.into_any()
        }}
    }
}
