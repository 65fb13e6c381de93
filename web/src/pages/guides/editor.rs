//! Writing a procedure (`/guides/new`, `/guides/:id`): title, summary, office, when and
//! where, steps, materials, contacts, tags, reviewed day, published — beside a preview of
//! the page a student will see (the server's rendering of the unsaved content, refreshed
//! as the author types). A procedure of another teacher opens read only.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::{Guide, GuideContactRef, NewGuide, NewGuideMaterial, PortalGuide};

use super::parts::{Contact, Contacts, Material, Materials, Step, Steps};
use crate::api;
use crate::components::{Dialog, ErrorNotice, Field, Loading, Notice};
use crate::i18n::t;
use crate::pages::portal::GuideView;
use crate::pages::{mounted, pause};

#[component]
pub fn GuideNewPage() -> impl IntoView {
    view! { <Editor initial=None saved=false /> }
}

#[component]
pub fn GuideEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let guide = LocalResource::new(move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        api::guides::get(id)
    });
    let saved = move || query.read().get("saved").is_some();
    view! {
        <Transition fallback=Loading>
            {move || guide.get().map(|r| match r {
                Ok(g) => view! { <Editor initial=Some(g) saved=saved() /> }.into_any(),
                Err(err) => view! { <section class="page"><ErrorNotice error=err /></section> }.into_any(),
            })}
        </Transition>
    }
}

/// What the author is writing, one signal per field.
#[derive(Clone, Copy)]
struct Form {
    title: RwSignal<String>,
    summary: RwSignal<String>,
    office: RwSignal<String>,
    when_where: RwSignal<String>,
    tags: RwSignal<String>,
    reviewed_on: RwSignal<String>,
    published: RwSignal<bool>,
    steps: RwSignal<Vec<Step>>,
    materials: RwSignal<Vec<Material>>,
    contacts: RwSignal<Vec<Contact>>,
}

fn today() -> String {
    let now = chrono::Local::now();
    now.format("%Y-%m-%d").to_string()
}

impl Form {
    fn of(g: Option<&Guide>) -> Form {
        let steps = match g {
            Some(g) => g.steps.iter().cloned().map(Step::new).collect(),
            None => vec![Step::new(String::new())],
        };
        Form {
            title: RwSignal::new(g.map(|g| g.title.clone()).unwrap_or_default()),
            summary: RwSignal::new(g.map(|g| g.summary.clone()).unwrap_or_default()),
            office: RwSignal::new(g.and_then(|g| g.office_id).map(|o| o.to_string()).unwrap_or_default()),
            when_where: RwSignal::new(g.map(|g| g.when_where.clone()).unwrap_or_default()),
            tags: RwSignal::new(g.map(|g| g.tags.join(" ")).unwrap_or_default()),
            reviewed_on: RwSignal::new(g.map_or_else(today, |g| g.reviewed_on.clone().unwrap_or_default())),
            published: RwSignal::new(g.is_none_or(|g| g.published)),
            steps: RwSignal::new(steps),
            materials: RwSignal::new(
                g.map(|g| g.materials.iter().map(|m| Material::new(m.name.clone(), m.document_id)).collect())
                    .unwrap_or_default(),
            ),
            contacts: RwSignal::new(
                g.map(|g| {
                    g.contacts
                        .iter()
                        .map(|c| Contact::new(c.teacher_id.is_some(), c.office_id.or(c.teacher_id)))
                        .collect()
                })
                .unwrap_or_default(),
            ),
        }
    }

    /// The procedure as it stands (tracked: a memo over it follows every keystroke).
    fn draft(&self) -> NewGuide {
        let id = |s: &str| s.trim().parse::<i64>().ok();
        NewGuide {
            title: self.title.get(),
            summary: self.summary.get(),
            office_id: id(&self.office.get()),
            when_where: self.when_where.get(),
            steps: self.steps.get().iter().map(|s| s.text.get()).collect(),
            materials: self
                .materials
                .get()
                .iter()
                .map(|m| NewGuideMaterial { name: m.name.get(), document_id: id(&m.document.get()) })
                .collect(),
            contacts: self
                .contacts
                .get()
                .iter()
                .filter_map(|c| {
                    let chosen = id(&c.id.get());
                    // A row still to be chosen is left out of the preview; saving names it.
                    chosen.map(|n| GuideContactRef {
                        office_id: (!c.teacher).then_some(n),
                        teacher_id: c.teacher.then_some(n),
                        name: String::new(),
                    })
                })
                .collect(),
            tags: self
                .tags
                .get()
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            reviewed_on: Some(self.reviewed_on.get()).filter(|d| !d.trim().is_empty()),
            published: self.published.get(),
        }
    }
}

fn fields(new: &NewGuide) -> Vec<String> {
    let mut names: Vec<String> =
        ["title", "summary", "office_id", "when_where", "steps", "materials", "contacts", "tags", "reviewed_on"]
            .map(String::from)
            .to_vec();
    names.extend((0..new.steps.len()).map(|i| format!("steps.{i}")));
    names.extend((0..new.materials.len()).map(|i| format!("materials.{i}")));
    names.extend((0..new.contacts.len().max(10)).map(|i| format!("contacts.{i}")));
    names
}

#[component]
fn Editor(initial: Option<Guide>, saved: bool) -> impl IntoView {
    let id = initial.as_ref().map(|g| g.id);
    let editable = initial.as_ref().is_none_or(|g| g.can_edit);
    let form = Form::of(initial.as_ref());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let message = RwSignal::new(saved.then(|| (true, t::GUIDE_SAVED.to_string())));
    let busy = RwSignal::new(false);
    let error_of = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let offices = LocalResource::new(api::guides::offices);
    let teachers = LocalResource::new(api::guides::teachers);
    let documents = LocalResource::new(api::guides::documents);
    let office_list = Signal::derive(move || offices.get().and_then(Result::ok).unwrap_or_default());
    let teacher_list = Signal::derive(move || {
        teachers
            .get()
            .and_then(Result::ok)
            .map(|p| p.items.into_iter().map(|t| (t.user_id, t.display_name)).collect())
            .unwrap_or_default()
    });

    // The preview: asked for half a second after the last change.
    let draft = Memo::new(move |_| form.draft());
    let preview = RwSignal::new(None::<Result<PortalGuide, String>>);
    let alive = mounted();
    Effect::new(move |_| {
        let wanted = draft.get();
        let alive = alive.clone();
        leptos::task::spawn_local(async move {
            pause(500).await;
            if !alive.load(Ordering::Relaxed) || draft.get_untracked() != wanted {
                return;
            }
            let shown = api::guides::preview(&wanted).await.map_err(|e| t::error(&e));
            if alive.load(Ordering::Relaxed) && draft.get_untracked() == wanted {
                preview.set(Some(shown));
            }
        });
    });

    let navigate = use_navigate();
    let save = move |_| {
        let new = draft.get_untracked();
        if let Err(found) = new.validate() {
            errors.set(found.0.into_iter().map(|(f, p)| (f, t::problem(p))).collect());
            return;
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = match id {
                Some(id) => api::guides::replace(id, &new).await,
                None => api::guides::create(&new).await,
            };
            match result {
                Ok(g) if id.is_none() => navigate(&format!("/guides/{}?saved=1", g.id), Default::default()),
                Ok(_) => message.set(Some((true, t::GUIDE_SAVED.into()))),
                Err(err) => {
                    errors.set(
                        fields(&new)
                            .into_iter()
                            .filter_map(|f| Some((f.clone(), t::field_message(&err.field(&f)?))))
                            .collect(),
                    );
                    message.set(Some((false, t::error(&err))));
                }
            }
            busy.set(false);
        });
    };

    let deleting = RwSignal::new(false);
    let navigate = use_navigate();
    let confirm_delete = move |_| {
        let Some(id) = id else { return };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::guides::delete(id).await {
                Ok(()) => navigate("/guides", Default::default()),
                Err(err) => message.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
            deleting.set(false);
        });
    };
    let title = initial.as_ref().map(|g| g.title.clone()).unwrap_or_default();
    let dialog_title = Signal::derive(move || title.clone());
    view! {
        <section class="page guide-editor-page">
            <div class="page-head">
                <h1>{if id.is_some() { t::EDIT_GUIDE } else { t::NEW_GUIDE }}</h1>
                <A href="/guides" attr:class="link">{"‹ "}{t::BACK_TO_GUIDES}</A>
            </div>
            {(!editable).then(|| view! { <p class="alert warn" id="guide-read-only">{t::GUIDE_READ_ONLY}</p> })}
            <Notice message=message />
            <div class="guide-editor">
                <form class="card form-card" id="guide-form" novalidate on:submit=|ev| ev.prevent_default()>
                    <Field label=t::GUIDE_TITLE name="guide-title" value=form.title error=error_of("title") placeholder=t::GUIDE_TITLE_PLACEHOLDER />
                    <div class="field" class:invalid=move || errors.with(|e| e.contains_key("summary"))>
                        <label for="f-guide-summary">{t::GUIDE_SUMMARY}</label>
                        <textarea id="f-guide-summary" rows="2" bind:value=form.summary readonly=!editable></textarea>
                        <small class="hint">{t::GUIDE_SUMMARY_HINT}</small>
                    </div>
                    <div class="grid2">
                        <div class="field" class:invalid=move || errors.with(|e| e.contains_key("office_id"))>
                            <label for="f-guide-office">{t::GUIDE_OFFICE}</label>
                            <select id="f-guide-office" disabled=!editable on:change=move |ev| form.office.set(event_target_value(&ev))>
                                <option value="">{t::GUIDE_NO_OFFICE}</option>
                                {move || office_list.get().into_iter().map(|o| {
                                    let chosen = form.office.get_untracked() == o.id.to_string();
                                    view! { <option value=o.id.to_string() selected=chosen>{o.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <Field label=t::GUIDE_REVIEWED_ON name="guide-reviewed" kind="date" value=form.reviewed_on error=error_of("reviewed_on") />
                    </div>
                    <Field label=t::GUIDE_WHEN_WHERE name="guide-when-where" value=form.when_where error=error_of("when_where") placeholder=t::GUIDE_WHEN_WHERE_PLACEHOLDER />
                    <Steps steps=form.steps errors=errors editable=editable />
                    <Materials materials=form.materials documents=documents errors=errors editable=editable />
                    <Contacts contacts=form.contacts offices=office_list teachers=teacher_list errors=errors editable=editable />
                    <Field label=t::GUIDE_TAGS name="guide-tags" value=form.tags error=error_of("tags") hint=t::GUIDE_TAGS_HINT />
                    <label class="switch">
                        <input type="checkbox" id="guide-published" bind:checked=form.published disabled=!editable />
                        {t::GUIDE_PUBLISHED}
                    </label>
                    <div class="form-actions">
                        {(id.is_some() && editable).then(|| view! {
                            <button type="button" class="link danger" id="guide-delete" on:click=move |_| deleting.set(true)>{t::DELETE}</button>
                        })}
                        <button type="submit" class="primary" id="guide-save" disabled=move || busy.get() || !editable on:click=save>{t::GUIDE_SAVE}</button>
                    </div>
                </form>
                <aside class="guide-preview" aria-label=t::GUIDE_PREVIEW>
                    <h2>{t::GUIDE_PREVIEW}</h2>
                    <div class="phone-frame">
                        <main class="portal" id="guide-preview">
                            {move || match preview.get() {
                                None => view! { <Loading /> }.into_any(),
                                Some(Ok(g)) if g.title.trim().is_empty() && g.steps_html.iter().all(|s| s.trim().is_empty()) => {
                                    view! { <p class="hint">{t::GUIDE_PREVIEW_EMPTY}</p> }.into_any()
                                }
                                Some(Ok(g)) => view! { <GuideView guide=g /> }.into_any(),
                                Some(Err(e)) => view! { <p class="alert error">{e}</p> }.into_any(),
                            }}
                        </main>
                    </div>
                </aside>
            </div>
            <Dialog open=deleting title=dialog_title on_confirm=confirm_delete busy=busy confirm_label=t::DELETE danger=true>
                <p>{move || t::confirm_delete_guide(&dialog_title.get())}</p>
            </Dialog>
        </section>
    }
}
