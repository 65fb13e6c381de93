//! The phone-style preview: the menu bar at the bottom of a chat, a top button's
//! sub-buttons popping up above it. Clicking a button chooses it for editing; `＋`
//! slots add buttons where the platform allows one.

use leptos::prelude::*;
use shared::MenuButton;

use crate::i18n::t;

pub type Path = (usize, Option<usize>);

#[component]
pub fn Preview(
    buttons: RwSignal<Vec<MenuButton>>,
    selected: RwSignal<Option<Path>>,
    #[prop(into)] on_add: Callback<Option<usize>>,
) -> impl IntoView {
    // Which top button's sub-menu is open: the selected one's (a chosen button without
    // sub-buttons shows the `＋` that turns it into one that has them).
    let open = move || selected.get().map(|(top, _)| top);
    view! {
        <div class="phone menu-phone" aria-label=t::PREVIEW>
            <header><strong>{t::APP_NAME}</strong></header>
            <div class="chat"></div>
            <div class="menu-bar">
                {move || {
                    let list = buttons.get();
                    let count = list.len();
                    let mut cells: Vec<AnyView> = list.into_iter().enumerate().map(|(i, button)| {
                        let parent = !button.sub_button.is_empty() || button.kind.as_deref().unwrap_or("").is_empty();
                        let subs = button.sub_button.clone();
                        let is_open = open() == Some(i);
                        let chosen = selected.get() == Some((i, None));
                        view! {
                            <div class="menu-cell">
                                {(is_open && (parent || chosen)).then(|| view! {
                                    <div class="submenu">
                                        {subs.into_iter().enumerate().map(|(j, sub)| {
                                            let sub_chosen = selected.get() == Some((i, Some(j)));
                                            view! { <button class="sub" class:chosen=sub_chosen on:click=move |_| selected.set(Some((i, Some(j))))>{sub.name}</button> }
                                        }).collect_view()}
                                        {(button.sub_button.len() < 5).then(|| view! {
                                            <button class="sub add" title=t::ADD_BUTTON on:click=move |_| on_add.run(Some(i))>{t::ADD_BUTTON}</button>
                                        })}
                                    </div>
                                })}
                                <button class="top" class:chosen=chosen on:click=move |_| selected.set(Some((i, None)))>
                                    {parent.then_some("≡ ")}{button.name}
                                </button>
                            </div>
                        }.into_any()
                    }).collect();
                    if count < 3 {
                        cells.push(view! {
                            <div class="menu-cell"><button class="top add" title=t::ADD_BUTTON on:click=move |_| on_add.run(None)>{t::ADD_BUTTON}</button></div>
                        }.into_any());
                    }
                    cells
                }}
            </div>
        </div>
    }
}
