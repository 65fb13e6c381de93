use leptos::prelude::*;
use shared::Page;

use super::{Empty, ErrorNotice, Loading, Pager};
use crate::api::ApiResult;
use crate::i18n::t;

/// A paginated list as a table, with the loading, error (and retry) and empty states
/// every list page shows. The previous page stays visible while the next one loads.
#[component]
pub fn PagedTable<T, R, V>(
    list: LocalResource<ApiResult<Page<T>>>,
    page: RwSignal<u32>,
    headers: &'static [&'static str],
    empty: &'static str,
    row: R,
    #[prop(into)] retry: Callback<()>,
) -> impl IntoView
where
    T: Clone + 'static,
    R: Fn(T) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || list.get().map(|result| match result {
                Err(err) => view! { <ErrorNotice error=err retry=retry /> }.into_any(),
                Ok(list) if list.items.is_empty() => view! { <Empty text=empty /> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>{headers.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr>
                            </thead>
                            <tbody>{list.items.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                    <Pager page=page total=list.total per_page=list.per_page />
                }.into_any(),
            })}
        </Transition>
    }
}

/// Who the signed-in user is: username, name, role, last login.
#[component]
pub fn AccountSummary() -> impl IntoView {
    let user = move || crate::session::user();
    view! {
        <dl>
            <dt>{t::USERNAME}</dt>
            <dd>{move || user().map(|u| u.username).unwrap_or_default()}</dd>
            <dt>{t::DISPLAY_NAME}</dt>
            <dd>{move || user().map(|u| u.display_name).unwrap_or_default()}</dd>
            <dt>{t::ROLE}</dt>
            <dd>{move || user().map(|u| t::role(u.role)).unwrap_or_default()}</dd>
            <dt>{t::LAST_LOGIN}</dt>
            <dd>{move || user().map(|u| crate::format::maybe_datetime(&u.last_login_at, t::NEVER)).unwrap_or_default()}</dd>
        </dl>
    }
}
