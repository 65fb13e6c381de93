//! Template messages (admins): for each kind of message Banji sends (新通知, 未读提醒),
//! which of the account's templates carries it and which keyword of that template holds
//! each value — and the same for subscribe notifications (订阅通知). Each keyword shows
//! its type and limit. Without the account's list (a subscription account, WeChat down)
//! the template id and keywords are typed by hand. The account's templates are listed
//! below with the library form (add from the category library, delete unused ones).

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{AccountTemplate, MessageKind, TemplateMapping};

use super::template_library::Library;

use crate::api;
use crate::components::{ErrorNotice, Loading, Notice, RequireAdmin};
use crate::i18n::t;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! { <RequireAdmin><Templates /></RequireAdmin> }
}

#[component]
fn Templates() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let settings = LocalResource::new(move || {
        version.track();
        api::notices::templates()
    });
    let notice = RwSignal::new(None::<(bool, String)>);
    let changed = move |text: String| {
        notice.set(Some((true, text)));
        version.update(|v| *v += 1);
    };
    view! {
        <section class="page">
            <h1>{t::TEMPLATES_TITLE}</h1>
            <p class="lead">{t::TEMPLATES_INTRO}</p>
            <Notice message=notice />
            <Transition fallback=Loading>
                {move || settings.get().map(|r| match r {
                    Ok(s) => {
                        let templates = s.templates.clone();
                        let subscribe_templates = s.subscribe_templates.clone();
                        let has_subscribe = !subscribe_templates.is_empty();
                        let on_error = move |e: String| notice.set(Some((false, e)));
                        view! {
                            {s.unavailable.as_ref().map(|why| view! { <p class="alert warn">{t::templates_unavailable(why)}</p> })}
                            <div class="cards">
                                {s.kinds.iter().cloned().map(|kind| {
                                    let mapping = s.mappings.iter().find(|m| m.kind == kind.kind).cloned();
                                    view! {
                                        <KindCard kind=kind mapping=mapping templates=templates.clone() subscribe=false
                                            on_changed=changed on_error=on_error />
                                    }
                                }).collect_view()}
                            </div>
                            <h2 id="subscribe-templates">{t::SUBSCRIBE_TITLE}</h2>
                            <p class="hint">{t::SUBSCRIBE_INTRO}</p>
                            {if has_subscribe {
                                view! {
                                    <div class="cards">
                                        {s.kinds.iter().cloned().map(|kind| {
                                            let mapping = s.subscribe_mappings.iter().find(|m| m.kind == kind.kind).cloned();
                                            view! {
                                                <KindCard kind=kind mapping=mapping templates=subscribe_templates.clone() subscribe=true
                                                    on_changed=changed on_error=on_error />
                                            }
                                        }).collect_view()}
                                    </div>
                                }
                                .into_any()
                            } else {
                                view! { <p class="empty">{t::SUBSCRIBE_NONE}</p> }.into_any()
                            }}
                            {s.unavailable.is_none().then(|| view! {
                                <Library templates=s.templates.clone() max=s.max_templates on_changed=changed on_error=on_error />
                            })}
                        }
                        .into_any()
                    }
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| version.update(|v| *v += 1) /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn KindCard(
    kind: MessageKind,
    mapping: Option<TemplateMapping>,
    templates: Vec<AccountTemplate>,
    /// A subscribe-notification mapping rather than a template message's.
    subscribe: bool,
    #[prop(into)] on_changed: Callback<String>,
    #[prop(into)] on_error: Callback<String>,
) -> impl IntoView {
    let mapped = mapping.is_some();
    let card_id = format!("{}kind-{}", if subscribe { "sub-" } else { "" }, kind.kind);
    let template_id = RwSignal::new(mapping.as_ref().map(|m| m.template_id.clone()).unwrap_or_default());
    let fields = RwSignal::new(mapping.map(|m| m.fields).unwrap_or_default());
    let by_hand = templates.is_empty();
    let templates = StoredValue::new(templates);
    let chosen = move || templates.with_value(|ts| ts.iter().find(|t| t.template_id == template_id.get()).cloned());
    let name = StoredValue::new(kind.kind.clone());
    let save = move |_| {
        let mapping = TemplateMapping {
            kind: name.get_value(),
            template_id: template_id.get_untracked().trim().to_string(),
            fields: fields
                .get_untracked()
                .into_iter()
                .filter(|(_, k)| !k.trim().is_empty())
                .collect::<BTreeMap<_, _>>(),
        };
        leptos::task::spawn_local(async move {
            let saved = if subscribe {
                api::notices::map_subscribe_template(&mapping).await
            } else {
                api::notices::map_template(&mapping).await
            };
            match saved {
                Ok(_) => on_changed.run(t::TEMPLATE_SAVED.into()),
                Err(err) => on_error.run(t::error(&err)),
            }
        });
    };
    let clear = move |_| {
        leptos::task::spawn_local(async move {
            let cleared = if subscribe {
                api::notices::clear_subscribe_template(&name.get_value()).await
            } else {
                api::notices::clear_template(&name.get_value()).await
            };
            match cleared {
                Ok(()) => on_changed.run(t::TEMPLATE_CLEARED.into()),
                Err(err) => on_error.run(t::error(&err)),
            }
        });
    };
    let prefix = if subscribe { "sub" } else { "tpl" };
    let value_row = move |value: String| {
        let id = format!("{prefix}-{}-{value}", name.get_value());
        let key = value.clone();
        let wanted = value.clone();
        let current = move || fields.with(|f| f.get(&wanted).cloned().unwrap_or_default());
        let set = move |v: String| {
            fields.update(|f| {
                f.insert(key.clone(), v);
            })
        };
        let input = if by_hand {
            view! {
                <input id=id.clone() type="text" placeholder=t::KEYWORD_PLACEHOLDER prop:value=current
                    on:input=move |ev| set(event_target_value(&ev)) />
            }
            .into_any()
        } else {
            view! {
                <select id=id.clone() on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">{t::NOT_FILLED}</option>
                    {move || chosen().map(|tpl| tpl.fields.into_iter().map(|k| {
                        let selected = current() == k.keyword;
                        view! { <option value=k.keyword.clone() selected=selected>{t::keyword_option(&k)}</option> }
                    }).collect_view())}
                </select>
            }
            .into_any()
        };
        view! {
            <div class="field row-field">
                <label for=id>{t::template_value(&value)}</label>
                {input}
            </div>
        }
    };
    view! {
        <div class="card template-kind" id=card_id>
            <div class="page-head">
                <h2>{kind.label.clone()}</h2>
                <span class=if mapped { "badge on" } else { "badge" }>{if mapped { t::MAPPED } else { t::NOT_MAPPED }}</span>
            </div>
            <div class="field">
                <label for=format!("{prefix}-{}", kind.kind)>{t::TEMPLATE}</label>
                {if by_hand {
                    view! { <input id=format!("{prefix}-{}", kind.kind) type="text" placeholder=t::TEMPLATE_ID bind:value=template_id /> }.into_any()
                } else {
                    view! {
                        <select id=format!("{prefix}-{}", kind.kind) on:change=move |ev| template_id.set(event_target_value(&ev))>
                            <option value="">{t::CHOOSE_TEMPLATE}</option>
                            {templates.get_value().into_iter().map(|tpl| {
                                let selected = template_id.get_untracked() == tpl.template_id;
                                let kind = match tpl.long_term {
                                    Some(true) => format!(" · {}", t::LONG_TERM),
                                    Some(false) => format!(" · {}", t::ONE_TIME),
                                    None => String::new(),
                                };
                                view! { <option value=tpl.template_id.clone() selected=selected>{format!("{}（{}）{kind}", tpl.title, tpl.template_id)}</option> }
                            }).collect_view()}
                        </select>
                    }
                    .into_any()
                }}
                {move || chosen().map(|tpl| view! { <pre class="template-content">{tpl.content}</pre> })}
            </div>
            <h3>{t::TEMPLATE_FIELDS}</h3>
            {kind.values.clone().into_iter().map(value_row).collect_view()}
            <div class="form-actions">
                {mapped.then(|| view! { <button class="secondary" on:click=clear>{t::CLEAR}</button> })}
                <button class="primary" on:click=save>{t::SAVE}</button>
            </div>
        </div>
    }
}
