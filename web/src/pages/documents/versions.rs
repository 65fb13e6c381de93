//! Every file a document has had, newest first, each with its downloads and a download
//! link (teachers may have the previous ones; students always get the current).

use leptos::prelude::*;
use shared::{Document, DocumentVersion};

use crate::api;
use crate::components::{ErrorNotice, Loading};
use crate::format::datetime;
use crate::i18n::t;

#[component]
pub fn VersionsDialog(showing: RwSignal<Option<Document>>, open: RwSignal<bool>) -> impl IntoView {
    let versions = LocalResource::new(move || {
        let id = showing.get().map(|d| d.id);
        async move {
            match id {
                Some(id) => api::documents::versions(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let row = move |v: DocumentVersion| {
        let Some(doc) = showing.get_untracked() else { return ().into_any() };
        let file = v.clone();
        let download = move |_| {
            let file = file.clone();
            leptos::task::spawn_local(async move {
                if let Err(err) = api::documents::download_version(doc.id, &file).await {
                    error.set(Some(t::error(&err)));
                }
            });
        };
        view! {
            <tr data-version=v.number>
                <td class="nowrap">
                    {t::version_number(v.number)}
                    {v.current.then(|| view! { " " <span class="badge on">{t::CURRENT_VERSION}</span> })}
                </td>
                <td>{v.file_name.clone()}</td>
                <td class="nowrap">{t::file_size(v.size)}</td>
                <td class="version-downloads">{v.downloads}</td>
                <td><small>{t::uploaded_by(&v.uploaded_by_name, &datetime(&v.uploaded_at))}</small></td>
                <td class="nowrap"><button class="link" on:click=download>{t::DOWNLOAD}</button></td>
            </tr>
        }
        .into_any()
    };
    let title =
        Signal::derive(move || showing.get().map(|d| format!("{}：{}", t::VERSIONS_OF, d.title)).unwrap_or_default());
    view! {
        <Show when=move || open.get()>
        <div class="backdrop" on:click=move |_| open.set(false)>
        <div class="dialog doc-versions-dialog" role="dialog" aria-modal="true" on:click=|ev| ev.stop_propagation()>
            <h2>{move || title.get()}</h2>
            <p class="hint">{t::VERSIONS_HINT}</p>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
            <Transition fallback=Loading>
                {move || versions.get().map(|r| match r {
                    Ok(Some(list)) => view! {
                        <div class="table-wrap">
                            <table class="doc-versions" id="doc-versions">
                                <thead><tr>
                                    <th>{t::DOC_VERSION}</th><th>{t::FILE_NAME}</th><th>{t::DOC_SIZE}</th>
                                    <th>{t::DOC_DOWNLOADS}</th><th>{t::UPLOADED_AT}</th><th>{t::ACTIONS}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <ErrorNotice error=err /> }.into_any(),
                })}
            </Transition>
            <div class="dialog-actions">
                <button class="primary" on:click=move |_| open.set(false)>{t::CLOSE_DIALOG}</button>
            </div>
        </div>
        </div>
        </Show>
    }
}
