//! 快速通知 on the phone: title, text, the teacher's classes and groups, urgency,
//! confirmation and an optional photo; then a preview with the live recipient count, sent
//! only after the teacher confirms, and the delivery's progress while it goes out.

use leptos::prelude::*;
use leptos::web_sys;
use leptos_router::components::A;
use shared::{Audience, AudienceCount, NewNotice, Urgency};
use wasm_bindgen::JsCast;

use super::{PhoneHead, TeacherGate};
use crate::api::notices;
use crate::components::{ErrorNotice, Loading};
use crate::i18n::t;

const URGENCIES: [Urgency; 3] = [Urgency::Normal, Urgency::Important, Urgency::Urgent];

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Write,
    Preview,
    Sending,
    Sent(i64),
}

#[component]
pub fn TeacherCompose() -> impl IntoView {
    view! { <TeacherGate><Compose /></TeacherGate> }
}

#[component]
fn Compose() -> impl IntoView {
    let classes = LocalResource::new(notices::audience_classes);
    let groups = LocalResource::new(notices::audience_groups);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let chosen_classes = RwSignal::new(Vec::<i64>::new());
    let chosen_groups = RwSignal::new(Vec::<i64>::new());
    let urgency = RwSignal::new(Urgency::Normal);
    let confirm = RwSignal::new(false);
    let photo = StoredValue::new_local(None::<web_sys::File>);
    let step = RwSignal::new(Step::Write);
    let problem = RwSignal::new(None::<String>);
    let audience =
        move || Audience { classes: chosen_classes.get(), groups: chosen_groups.get(), ..Default::default() };
    let count = LocalResource::new(move || {
        let (a, u) = (audience(), urgency.get());
        async move {
            if a.classes.is_empty() && a.groups.is_empty() {
                return Ok(AudienceCount::default());
            }
            notices::audience_count(&a, None, u).await
        }
    });
    let preview = move |_| {
        if title.get().trim().is_empty() || body.get().trim().is_empty() {
            problem.set(Some(t::TP_FILL_TITLE_BODY.into()));
        } else if chosen_classes.get().is_empty() && chosen_groups.get().is_empty() {
            problem.set(Some(t::TP_CHOOSE_AUDIENCE.into()));
        } else {
            problem.set(None);
            step.set(Step::Preview);
        }
    };
    let send = move |_| {
        step.set(Step::Sending);
        let new = NewNotice {
            title: title.get_untracked().trim().to_string(),
            body: body.get_untracked(),
            urgency: urgency.get_untracked(),
            requires_confirmation: confirm.get_untracked(),
            audience: audience(),
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            let sent = async {
                let notice = notices::create(&new).await?;
                if let Some(file) = photo.get_value() {
                    notices::attach(notice.id, &file).await?;
                }
                notices::send(notice.id, None).await
            };
            match sent.await {
                Ok(notice) => step.set(Step::Sent(notice.id)),
                Err(err) => {
                    problem.set(Some(t::tp_error(&err)));
                    step.set(Step::Preview);
                }
            }
        });
    };
    let toggle = |list: RwSignal<Vec<i64>>, id: i64| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            list.update(|l| {
                l.retain(|x| *x != id);
                if on {
                    l.push(id);
                }
            });
        }
    };
    let pick_photo = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        photo.set_value(input.and_then(|i| i.files()).and_then(|f| f.get(0)));
    };
    let write = move || {
        view! {
            <div class="field">
                <label for="tp-title">{t::TP_TITLE_LABEL}</label>
                <input id="tp-title" type="text" maxlength="64" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="tp-body">{t::TP_BODY_LABEL}</label>
                <textarea id="tp-body" rows="5" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </div>
            <fieldset class="field" id="tp-audience">
                <legend>{t::TP_AUDIENCE}</legend>
                <Transition fallback=Loading>
                    {move || match (classes.get(), groups.get()) {
                        (Some(Ok(cs)), Some(Ok(gs))) if cs.is_empty() && gs.is_empty() => view! { <p class="muted">{t::TP_NO_CLASSES}</p> }.into_any(),
                        (Some(Ok(cs)), Some(Ok(gs))) => view! {
                            {(!cs.is_empty()).then(|| view! { <small class="muted">{t::TP_CLASSES}</small> })}
                            {cs.into_iter().map(|c| view! {
                                <label class="check"><input type="checkbox" prop:checked=move || chosen_classes.get().contains(&c.id) on:change=toggle(chosen_classes, c.id) />" "{c.name}</label>
                            }).collect_view()}
                            {(!gs.is_empty()).then(|| view! { <small class="muted">{t::TP_GROUPS}</small> })}
                            {gs.into_iter().map(|g| view! {
                                <label class="check"><input type="checkbox" prop:checked=move || chosen_groups.get().contains(&g.id) on:change=toggle(chosen_groups, g.id) />" "{g.name}</label>
                            }).collect_view()}
                        }.into_any(),
                        (Some(Err(err)), _) | (_, Some(Err(err))) => view! { <ErrorNotice error=err /> }.into_any(),
                        _ => view! { <Loading /> }.into_any(),
                    }}
                </Transition>
            </fieldset>
            <div class="field">
                <select id="tp-urgency" on:change=move |ev| {
                    let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                    urgency.set(URGENCIES[i.min(2)]);
                }>
                    {URGENCIES.iter().enumerate().map(|(i, u)| view! {
                        <option value=i.to_string() selected=move || urgency.get() == *u>{t::urgency(*u)}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="check"><input id="tp-confirm" type="checkbox" prop:checked=move || confirm.get() on:change=move |ev| confirm.set(event_target_checked(&ev)) />" "{t::TP_NEEDS_CONFIRM}</label>
            <div class="field">
                <label for="tp-photo">{t::TP_PHOTO}</label>
                <input id="tp-photo" type="file" accept="image/*" on:change=pick_photo />
            </div>
            <button class="primary wide" id="tp-preview" on:click=preview>{t::TP_PREVIEW}</button>
        }
    };
    let recipients = move || {
        count.get().map(|r| match r {
            Ok(c) => view! { <p class="recipients" id="tp-recipients">{t::tp_recipients(c.recipients, c.unbound)}</p> }
                .into_any(),
            Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
        })
    };
    let review = move || {
        view! {
            <article class="card" id="tp-review">
                <h2>{move || title.get()}</h2>
                <p class="pre">{move || body.get()}</p>
                <small class="muted">{move || t::urgency(urgency.get())}{move || if confirm.get() { format!(" · {}", t::TP_NEEDS_CONFIRM) } else { String::new() }}</small>
            </article>
            <Transition fallback=Loading>{recipients}</Transition>
            <div class="portal-pair">
                <button class="primary" id="tp-send" on:click=send>{t::TP_SEND}</button>
                <button class="secondary" on:click=move |_| step.set(Step::Write)>{t::TP_EDIT}</button>
            </div>
        }
    };
    view! {
        <PhoneHead title=t::TP_QUICK_NOTICE back="/t/" />
        {move || problem.get().map(|p| view! { <p class="alert error" id="tp-problem">{p}</p> })}
        {move || match step.get() {
            Step::Write => write().into_any(),
            Step::Preview => review().into_any(),
            Step::Sending => view! { <div class="state loading"><span class="spinner"></span>{t::TP_SENDING}</div> }.into_any(),
            Step::Sent(id) => view! { <Progress id=id /> }.into_any(),
        }}
    }
}

/// The delivery going out, refreshed every two seconds until it is done.
#[component]
fn Progress(id: i64) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let progress = LocalResource::new(move || {
        tick.track();
        notices::progress(id)
    });
    let timer = set_interval_with_handle(move || tick.update(|n| *n += 1), std::time::Duration::from_secs(2)).ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    view! {
        <section class="card" id="tp-progress">
            <h2>{t::TP_PROGRESS}</h2>
            <Transition fallback=Loading>
                {move || progress.get().map(|r| match r {
                    Ok(p) => {
                        let done = p.total - p.by_status.get("pending").copied().unwrap_or(0) - p.by_status.get("sending").copied().unwrap_or(0);
                        view! {
                            <progress max=p.total.max(1) value=done></progress>
                            <p id="tp-progress-count">{t::tp_progress(done, p.total)}</p>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
        </section>
        <A href=format!("/t/notices/{id}") attr:class="button primary wide" attr:id="tp-to-report">{t::TP_VIEW_REPORT}</A>
    }
}
