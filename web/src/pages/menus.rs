//! Menus (admins): the drafts on the left, the chosen one in the editor with its live
//! phone preview; save, publish to WeChat, take down, delete.

mod button;
mod editor;
mod preview;

use leptos::prelude::*;
use shared::{MenuDraft, MenuTarget};

use crate::api;
use crate::components::{Empty, Notice, RequireAdmin};
use crate::i18n::t;

#[component]
pub fn MenusPage() -> impl IntoView {
    view! { <RequireAdmin><Menus /></RequireAdmin> }
}

pub fn target_label(target: MenuTarget) -> &'static str {
    match target {
        MenuTarget::Default => t::TARGET_DEFAULT,
        MenuTarget::Students => t::TARGET_STUDENTS,
        MenuTarget::Teachers => t::TARGET_TEACHERS,
        MenuTarget::Tag => t::TARGET_TAG,
    }
}

#[component]
fn Menus() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    // The draft being edited: None = nothing chosen, Some(None) = a new one.
    let chosen = RwSignal::new(None::<Option<MenuDraft>>);
    let drafts = LocalResource::new(move || {
        version.track();
        api::menus::list()
    });
    let reload = move || version.update(|v| *v += 1);
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::MENUS_TITLE}</h1>
                <button class="primary" id="new-menu" on:click=move |_| chosen.set(Some(None))>{t::NEW_MENU}</button>
            </div>
            <p class="lead">{t::MENUS_INTRO}</p>
            <Notice message=notice />
            <div class="menus">
                <aside class="card menu-list">
                    <Transition fallback=|| view! { <p class="hint">{t::LOADING}</p> }>
                        {move || drafts.get().map(|list| match list {
                            Ok(list) if list.is_empty() => view! { <Empty text=t::NO_MENUS /> }.into_any(),
                            Ok(list) => view! {
                                <ul>
                                    {list.into_iter().map(|draft| {
                                        let id = draft.id;
                                        let pick = draft.clone();
                                        let current = move || chosen.with(|c| c.as_ref().and_then(|d| d.as_ref()).is_some_and(|d| d.id == id));
                                        view! {
                                            <li>
                                                <button class="menu-item" class:chosen=current on:click=move |_| chosen.set(Some(Some(pick.clone())))>
                                                    <strong>{draft.name.clone()}</strong>
                                                    <small>{target_label(draft.target)}</small>
                                                    <span class=if draft.published_at.is_some() { "badge on" } else { "badge" }>
                                                        {if draft.published_at.is_some() { t::PUBLISHED } else { t::UNPUBLISHED }}
                                                    </span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(err) => view! { <p class="problem">{t::error(&err)}</p> }.into_any(),
                        })}
                    </Transition>
                </aside>
                {move || chosen.get().map(|draft| view! {
                    <editor::MenuEditor
                        draft=draft
                        on_saved=move |(saved, message): (Option<MenuDraft>, String)| {
                            notice.set(Some((true, message)));
                            chosen.set(saved.map(Some));
                            reload();
                        }
                        on_error=move |message: String| notice.set(Some((false, message)))
                    />
                })}
            </div>
        </section>
    }
}
