//! The form for one button: name, action, and the field the action needs. Typing
//! writes straight into the menu (so the preview follows); the form itself is rebuilt
//! only when another button is chosen, so focus stays where the user types.

use leptos::prelude::*;
use shared::{MenuButton, MenuFeature, MenuProblem};

use super::preview::Path;
use crate::i18n::t;

fn button_at(buttons: &[MenuButton], path: Path) -> Option<MenuButton> {
    let top = buttons.get(path.0)?;
    match path.1 {
        None => Some(top.clone()),
        Some(j) => top.sub_button.get(j).cloned(),
    }
}

fn edit(buttons: RwSignal<Vec<MenuButton>>, path: Path, change: impl FnOnce(&mut MenuButton)) {
    buttons.update(|list| {
        let Some(top) = list.get_mut(path.0) else { return };
        match path.1 {
            None => change(top),
            Some(j) => {
                if let Some(sub) = top.sub_button.get_mut(j) {
                    change(sub)
                }
            }
        }
    });
}

fn prefix(path: Path) -> String {
    match path.1 {
        None => format!("button[{}]", path.0),
        Some(j) => format!("button[{}].sub_button[{j}]", path.0),
    }
}

#[component]
pub fn ButtonForm(
    buttons: RwSignal<Vec<MenuButton>>,
    path: Path,
    problems: Memo<Vec<MenuProblem>>,
    features: Vec<MenuFeature>,
    #[prop(into)] on_delete: Callback<()>,
) -> impl IntoView {
    let initial = buttons.with_untracked(|b| button_at(b, path)).unwrap_or_default();
    let top = path.1.is_none();
    let name = RwSignal::new(initial.name.clone());
    // "" is a parent (a top button that opens sub-buttons).
    let kind = RwSignal::new(initial.kind.clone().unwrap_or_default());
    let field = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let (key, url, appid, pagepath, media_id, article_id) = (
        field(initial.key),
        field(initial.url),
        field(initial.appid),
        field(initial.pagepath),
        field(initial.media_id),
        field(initial.article_id),
    );
    let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let write = move || {
        let k = kind.get_untracked();
        edit(buttons, path, |b| {
            b.name = name.get_untracked().trim().to_string();
            b.kind = some(k.clone());
            b.key = if k.is_empty() { None } else { some(key.get_untracked()) };
            b.url = some(url.get_untracked()).filter(|_| matches!(k.as_str(), "view" | "miniprogram"));
            b.appid = some(appid.get_untracked()).filter(|_| k == "miniprogram");
            b.pagepath = some(pagepath.get_untracked()).filter(|_| k == "miniprogram");
            b.media_id = some(media_id.get_untracked()).filter(|_| k == "media_id");
            b.article_id = some(article_id.get_untracked())
                .filter(|_| matches!(k.as_str(), "article_id" | "article_view_limited"));
            if !k.is_empty() {
                b.sub_button.clear();
            }
        });
    };
    let mine = StoredValue::new(prefix(path));
    let problem_of = move |field: &'static str| {
        move || {
            let at = format!("{}.{field}", mine.get_value());
            problems.with(|p| p.iter().find(|x| x.path == at).map(|x| t::menu_problem(&x.code)))
        }
    };
    let input = move |label: &'static str, id: &'static str, value: RwSignal<String>, problem: &'static str| {
        view! {
            <div class="field" class:invalid=move || problem_of(problem)().is_some()>
                <label for=id>{label}</label>
                <input id=id type="text" prop:value=move || value.get() on:input=move |ev| { value.set(event_target_value(&ev)); write(); } />
                {move || problem_of(problem)().map(|p| view! { <small class="problem">{p}</small> })}
            </div>
        }
    };
    let feature_labels: Vec<String> = features.iter().map(|f| f.label.clone()).collect();
    let limit = if top { 5 } else { 20 };
    let short = move |label: &str| label.chars().take(limit).collect::<String>();
    let features = StoredValue::new(features);
    // The feature this button runs now (its action and key or link are a feature's), shown
    // in the select, also after a reload.
    let current = Memo::new(move |_| {
        let (k, key, url) = (kind.get(), key.get(), url.get());
        features.with_value(|all| {
            all.iter()
                .find(|f| {
                    f.kind == k
                        && f.key.as_deref().unwrap_or_default() == key.trim()
                        && f.url.as_deref().unwrap_or_default() == url.trim()
                })
                .map(|f| f.label.clone())
                .unwrap_or_default()
        })
    });
    let use_feature = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let Some(f) = features.with_value(|all| all.iter().find(|f| f.label == chosen).cloned()) else { return };
        // A name the user did not write (empty, or a feature's own) follows the feature.
        let typed = name.get_untracked();
        let untouched = typed.trim().is_empty()
            || features.with_value(|all| all.iter().any(|other| short(&other.label) == typed.trim()));
        kind.set(f.kind.clone());
        key.set(f.key.clone().unwrap_or_default());
        url.set(f.url.clone().unwrap_or_default());
        if untouched {
            name.set(short(&f.label));
        }
        write();
    };
    view! {
        <div class="button-form">
            <h3>{t::button_label(path.0, path.1)}</h3>
            <div class="field" class:invalid=move || problem_of("name")().is_some()>
                <label for="button-name">{t::BUTTON_NAME}</label>
                <input id="button-name" type="text" prop:value=move || name.get() on:input=move |ev| { name.set(event_target_value(&ev)); write(); } />
                <small class="hint">{if top { t::NAME_LIMIT_TOP } else { t::NAME_LIMIT_SUB }}</small>
                {move || problem_of("name")().map(|p| view! { <small class="problem">{p}</small> })}
            </div>
            <div class="field">
                <label for="button-feature">{t::USE_FEATURE}</label>
                <select id="button-feature" prop:value=move || current.get() on:change=use_feature>
                    <option value="">"—"</option>
                    {feature_labels.into_iter().map(|l| { let shown = l.clone(); view! { <option value=l>{shown}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field" class:invalid=move || problem_of("type")().is_some()>
                <label for="button-type">{t::BUTTON_TYPE}</label>
                <select id="button-type" on:change=move |ev| { kind.set(event_target_value(&ev)); write(); }>
                    {top.then(|| view! { <option value="" selected=move || kind.get().is_empty()>{t::PARENT_BUTTON}</option> })}
                    {shared::menus::BUTTON_TYPES.iter().map(|k| view! {
                        <option value=*k selected=move || kind.get() == *k>{t::button_type(k)}</option>
                    }).collect_view()}
                </select>
                {move || problem_of("type")().map(|p| view! { <small class="problem">{p}</small> })}
            </div>
            {move || match kind.get().as_str() {
                "" => ().into_any(),
                "view" => input(t::BUTTON_URL, "button-url", url, "url").into_any(),
                "miniprogram" => view! {
                    {input(t::BUTTON_URL, "button-url", url, "url")}
                    {input(t::BUTTON_APPID, "button-appid", appid, "appid")}
                    {input(t::BUTTON_PAGEPATH, "button-pagepath", pagepath, "pagepath")}
                }.into_any(),
                "media_id" => input(t::BUTTON_MEDIA_ID, "button-media", media_id, "media_id").into_any(),
                "article_id" | "article_view_limited" => input(t::BUTTON_ARTICLE_ID, "button-article", article_id, "article_id").into_any(),
                _ => input(t::BUTTON_KEY, "button-key", key, "key").into_any(),
            }}
            <button class="link danger" on:click=move |_| on_delete.run(())>{t::DELETE_BUTTON}</button>
        </div>
    }
}
