//! One menu in the editor: its name and audience, the preview to choose and add buttons,
//! the chosen button's form, every broken platform rule listed, and the actions.

use leptos::prelude::*;
use shared::{MenuButton, MenuDraft, MenuTarget, NewMenu};

use super::button::ButtonForm;
use super::preview::{Path, Preview};
use crate::api;
use crate::i18n::t;

fn starter() -> Vec<MenuButton> {
    vec![MenuButton {
        kind: Some("click".into()),
        name: "使用帮助".into(),
        key: Some("HELP".into()),
        ..MenuButton::default()
    }]
}

#[component]
pub fn MenuEditor(
    draft: Option<MenuDraft>,
    #[prop(into)] on_saved: Callback<(Option<MenuDraft>, String)>,
    #[prop(into)] on_error: Callback<String>,
) -> impl IntoView {
    let id = draft.as_ref().map(|d| d.id);
    let published = draft.as_ref().is_some_and(|d| d.published_at.is_some());
    let name = RwSignal::new(draft.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| "默认菜单".into()));
    let target = RwSignal::new(draft.as_ref().map(|d| d.target).unwrap_or(MenuTarget::Default));
    let tag_id = RwSignal::new(draft.as_ref().and_then(|d| d.tag_id));
    let buttons = RwSignal::new(draft.as_ref().map(|d| d.buttons.clone()).unwrap_or_else(starter));
    let selected = RwSignal::new(Some((0usize, None::<usize>)));
    let problems = Memo::new(move |_| buttons.with(|b| shared::menus::validate(b)));
    let features = LocalResource::new(api::menus::features);
    let tags = LocalResource::new(api::menus::tags);
    let busy = RwSignal::new(false);

    let add = move |under: Option<usize>| {
        // A new button names no action yet: the problem list asks for one.
        let fresh = MenuButton { kind: Some("click".into()), name: "新按钮".into(), ..MenuButton::default() };
        buttons.update(|list| match under {
            None if list.len() < 3 => {
                list.push(fresh);
                selected.set(Some((list.len() - 1, None)));
            }
            Some(i) => {
                if let Some(top) = list.get_mut(i) {
                    if top.sub_button.len() < 5 {
                        // A button that gains sub-buttons becomes a parent.
                        top.kind = None;
                        top.key = None;
                        top.url = None;
                        top.sub_button.push(fresh);
                        selected.set(Some((i, Some(top.sub_button.len() - 1))));
                    }
                }
            }
            None => {}
        });
    };
    let delete = move |path: Path| {
        buttons.update(|list| match path {
            (i, None) if i < list.len() => {
                list.remove(i);
            }
            (i, Some(j)) => {
                if let Some(top) = list.get_mut(i) {
                    if j < top.sub_button.len() {
                        top.sub_button.remove(j);
                    }
                }
            }
            _ => {}
        });
        selected.set(None);
    };
    let menu = move || NewMenu {
        name: name.get_untracked(),
        target: target.get_untracked(),
        tag_id: tag_id.get_untracked(),
        buttons: buttons.get_untracked(),
    };
    let act = move |what: &'static str| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match (what, id) {
                ("save", None) => api::menus::create(&menu()).await.map(|d| (Some(d), t::MENU_SAVED)),
                ("save", Some(id)) => api::menus::update(id, &menu()).await.map(|d| (Some(d), t::MENU_SAVED)),
                ("publish", Some(id)) => match api::menus::update(id, &menu()).await {
                    Ok(_) => api::menus::publish(id).await.map(|d| (Some(d), t::MENU_PUBLISHED)),
                    Err(err) => Err(err),
                },
                ("unpublish", Some(id)) => api::menus::unpublish(id).await.map(|d| (Some(d), t::MENU_UNPUBLISHED)),
                ("delete", Some(id)) => api::menus::delete(id).await.map(|_| (None, t::MENU_DELETED)),
                _ => Ok((None, "")),
            };
            busy.set(false);
            match result {
                Ok((saved, message)) => on_saved.run((saved, message.to_string())),
                Err(err) => on_error.run(t::error(&err)),
            }
        });
    };
    let blocked = move || busy.get() || !problems.with(Vec::is_empty);

    view! {
        <div class="card menu-editor">
            <div class="grid2">
                <div class="field">
                    <label for="menu-name">{t::MENU_NAME}</label>
                    <input id="menu-name" type="text" bind:value=name />
                </div>
                <div class="field">
                    <label for="menu-target">{t::MENU_TARGET}</label>
                    <select id="menu-target" on:change=move |ev| {
                        target.set(match event_target_value(&ev).as_str() {
                            "students" => MenuTarget::Students,
                            "teachers" => MenuTarget::Teachers,
                            "tag" => MenuTarget::Tag,
                            _ => MenuTarget::Default,
                        })
                    }>
                        {[(MenuTarget::Default, "default"), (MenuTarget::Students, "students"), (MenuTarget::Teachers, "teachers"), (MenuTarget::Tag, "tag")]
                            .map(|(tg, value)| view! { <option value=value selected=move || target.get() == tg>{super::target_label(tg)}</option> })}
                    </select>
                </div>
                <Show when=move || target.get() == MenuTarget::Tag>
                    <div class="field">
                        <label for="menu-tag">{t::CHOOSE_TAG}</label>
                        <select id="menu-tag" on:change=move |ev| tag_id.set(event_target_value(&ev).parse().ok())>
                            <option value="">{t::CHOOSE_TAG}</option>
                            {move || tags.get().map(|list| list.unwrap_or_default().into_iter().filter(|g| g.mirrors != "role").map(|g| {
                                let chosen = tag_id.get_untracked() == Some(g.id);
                                view! { <option value=g.id.to_string() selected=chosen>{g.name}</option> }
                            }).collect_view())}
                        </select>
                    </div>
                </Show>
            </div>
            <div class="menu-workspace">
                <Preview buttons=buttons selected=selected on_add=add />
                <div class="menu-form">
                    {move || match (selected.get(), features.get()) {
                        (Some(path), Some(features)) => view! {
                            <ButtonForm buttons=buttons path=path problems=problems features=features.unwrap_or_default() on_delete=move |_| delete(path) />
                        }.into_any(),
                        _ => view! { <p class="hint">{t::PICK_BUTTON}</p> }.into_any(),
                    }}
                    {move || {
                        let list = problems.get();
                        (!list.is_empty()).then(|| view! {
                            <div class="alert error menu-problems" role="alert">
                                <div>
                                    <strong>{t::MENU_PROBLEMS}</strong>
                                    <ul>{list.into_iter().map(|p| view! { <li>{format!("{} — {}", p.path, t::menu_problem(&p.code))}</li> }).collect_view()}</ul>
                                </div>
                            </div>
                        })
                    }}
                </div>
            </div>
            <div class="form-actions">
                {id.is_some().then(|| view! { <button class="link danger" on:click=move |_| act("delete")>{t::DELETE}</button> })}
                {(id.is_some() && published).then(|| view! { <button class="secondary" on:click=move |_| act("unpublish")>{t::UNPUBLISH}</button> })}
                <button class="secondary" id="save-menu" disabled=blocked on:click=move |_| act("save")>{t::SAVE}</button>
                {id.is_some().then(|| view! { <button class="primary" id="publish-menu" disabled=blocked on:click=move |_| act("publish")>{t::PUBLISH}</button> })}
            </div>
        </div>
    }
}
