//! A class's cadres: who holds which title for which term; appoint, end a term, remove.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::{Cadre, CadrePatch, Class, NewCadre};

use crate::api::{self, people::StudentFilter};
use crate::components::{Empty, ErrorNotice, Loading};
use crate::i18n::t;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[component]
pub fn CadresPanel(class: Class, #[prop(optional, into)] on_close: Option<Callback<()>>) -> impl IntoView {
    let class_id = class.id;
    let version = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let cadres = LocalResource::new(move || {
        version.track();
        api::people::cadres(class_id)
    });
    let students = LocalResource::new(move || async move {
        let filter = StudentFilter { class_id: Some(class_id), ..StudentFilter::default() };
        api::people::students(filter, 1).await.map(|p| p.items)
    });
    let reload = move || version.update(|v| *v += 1);
    let run = move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = api::ApiResult<()>>>>| {
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(()) => {
                    error.set(None);
                    reload();
                }
                Err(err) => error.set(Some(t::error(&err))),
            }
        });
    };

    let student = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let starts = RwSignal::new(today().format("%Y-%m-%d").to_string());
    let ends = RwSignal::new(String::new());
    let appoint = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Ok(student_id), Ok(starts_on)) =
            (student.get_untracked().parse::<i64>(), NaiveDate::parse_from_str(&starts.get_untracked(), "%Y-%m-%d"))
        else {
            error.set(Some(t::CHOOSE_STUDENT.into()));
            return;
        };
        let new = NewCadre {
            student_id,
            title: title.get_untracked(),
            starts_on,
            ends_on: NaiveDate::parse_from_str(&ends.get_untracked(), "%Y-%m-%d").ok(),
        };
        if let Err(problems) = new.validate() {
            error.set(problems.0.into_iter().next().map(|(_, p)| t::problem(p)));
            return;
        }
        title.set(String::new());
        run(Box::pin(async move { api::people::add_cadre(class_id, &new).await.map(drop) }));
    };

    let row = move |cadre: Cadre| {
        let id = cadre.id;
        let ends_on = cadre.ends_on.map(|d| d.format("%Y-%m-%d").to_string());
        view! {
            <tr class:muted=!cadre.current>
                <td>{cadre.title.clone()}</td>
                <td>{format!("{} {}", cadre.student_name, cadre.student_no)}</td>
                <td>{t::term(&cadre.starts_on.format("%Y-%m-%d").to_string(), ends_on)}</td>
                <td><span class=if cadre.current { "badge on" } else { "badge" }>{if cadre.current { t::CURRENT } else { t::ENDED }}</span></td>
                <td class="row-actions">
                    <Show when=move || cadre.current>
                        <button class="link" on:click=move |_| {
                            let patch = CadrePatch { ends_on: Some(today()), ..CadrePatch::default() };
                            run(Box::pin(async move { api::people::change_cadre(class_id, id, &patch).await.map(drop) }));
                        }>{t::END_TERM}</button>
                    </Show>
                    <button class="link danger" on:click=move |_| run(Box::pin(api::people::remove_cadre(class_id, id)))>{t::REMOVE}</button>
                </td>
            </tr>
        }
    };

    view! {
        <div class="card form-card">
            <div class="page-head">
                <h2>{format!("{} · {}", class.name, t::CADRES_OF)}</h2>
                {on_close.map(|close| view! {
                    <button class="secondary" on:click=move |_| close.run(())>{t::CLOSE}</button>
                })}
            </div>
            <p class="hint">{t::CADRE_RIGHTS}</p>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <Transition fallback=Loading>
                {move || cadres.get().map(|list| match list {
                    Err(err) => view! { <ErrorNotice error=err retry=move |_| reload() /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty text=t::NO_CADRES /> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>{t::CADRE_TITLE}</th><th>{t::CADRE_STUDENT}</th><th>{t::TERM}</th><th>{t::STATUS}</th><th>{t::ACTIONS}</th></tr></thead>
                                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
            <form class="inline-form" on:submit=appoint>
                <select aria-label=t::CHOOSE_STUDENT on:change=move |ev| student.set(event_target_value(&ev))>
                    <option value="">{t::CHOOSE_STUDENT}</option>
                    {move || students.get().map(|list| list.unwrap_or_default().into_iter().map(|s| view! {
                        <option value=s.id.to_string()>{format!("{} {}", s.name, s.student_no)}</option>
                    }).collect_view())}
                </select>
                <input type="text" list="cadre-titles" placeholder=t::CADRE_TITLE aria-label=t::CADRE_TITLE bind:value=title />
                <datalist id="cadre-titles">{t::CADRE_TITLES.iter().map(|x| view! { <option value=*x /> }).collect_view()}</datalist>
                <input type="date" aria-label=t::STARTS_ON bind:value=starts />
                <input type="date" aria-label=t::ENDS_ON title=t::ENDS_ON bind:value=ends />
                <button type="submit" class="primary">{t::ADD_CADRE}</button>
            </form>
        </div>
    }
}
