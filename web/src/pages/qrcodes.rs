//! 二维码: the parametric QR codes the caller sees (admins all, teachers those of their
//! classes and groups and their own), with purpose, type, expiry, scans and the follows
//! they brought; making one (`form`), its print view (`print`), deleting one (hidden: a
//! permanent code cannot be deleted on WeChat).

mod form;
mod print;

pub use print::QrPrintPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::QrCode;

use crate::api;
use crate::components::{Dialog, Notice, PagedTable};
use crate::format::datetime;
use crate::i18n::t;
use form::QrCodeForm;

#[component]
pub fn QrCodesPage() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<(bool, String)>);
    let creating = RwSignal::new(false);
    let codes = LocalResource::new(move || {
        version.track();
        api::qrcodes::list(page.get())
    });
    let quota = LocalResource::new(move || {
        version.track();
        api::qrcodes::quota()
    });
    let reload = move || version.update(|v| *v += 1);
    let made = Callback::new(move |_: QrCode| {
        creating.set(false);
        page.set(1);
        notice.set(Some((true, t::QR_CREATED.into())));
        reload();
    });

    let deleting = RwSignal::new(None::<QrCode>);
    let dialog_open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let confirm_delete = move |_| {
        let Some(code) = deleting.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::qrcodes::delete(code.id).await {
                Ok(()) => notice.set(Some((true, t::QR_DELETED.into()))),
                Err(err) => notice.set(Some((false, t::error(&err)))),
            }
            busy.set(false);
            dialog_open.set(false);
            reload();
        });
    };

    let row = move |c: QrCode| {
        let kind = if c.permanent { t::QR_PERMANENT } else { t::QR_TEMPORARY };
        let expiry = match (&c.expires_at, c.expired) {
            (_, true) => view! { <span class="badge off">{t::QR_EXPIRED}</span> }.into_any(),
            (Some(until), false) => view! { <span>{datetime(until)}</span> }.into_any(),
            (None, false) => view! { <span class="hint">{t::QR_NEVER_EXPIRES}</span> }.into_any(),
        };
        let chosen = c.clone();
        view! {
            <tr class:muted=c.expired data-qrcode=c.id>
                <td><strong>{c.name.clone()}</strong></td>
                <td>{t::qr_purpose(c.purpose)}</td>
                <td>{if c.target.is_empty() { t::NONE_YET.to_string() } else { c.target.clone() }}</td>
                <td><span class=if c.permanent { "badge on" } else { "badge" }>{kind}</span></td>
                <td class="nowrap">{expiry}</td>
                <td class="qr-scans"><strong>{c.scans}</strong></td>
                <td class="qr-new-followers"><strong>{c.new_followers}</strong></td>
                <td class="row-actions nowrap">
                    <A href=format!("/qrcodes/{}/print", c.id) attr:class="qr-print">{t::QR_PRINT}</A>
                    <button class="link danger" on:click=move |_| { deleting.set(Some(chosen.clone())); dialog_open.set(true); }>{t::DELETE}</button>
                </td>
            </tr>
        }
    };
    let dialog_title = Signal::derive(move || deleting.get().map(|c| c.name).unwrap_or_default());
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{t::QRCODES_TITLE}</h1>
                <button class="primary" id="new-qrcode" on:click=move |_| creating.update(|c| *c = !*c)>{t::NEW_QRCODE}</button>
            </div>
            <p class="lead">{t::QRCODES_INTRO}</p>
            {move || quota.get().and_then(Result::ok).map(|q| view! {
                <p class="hint" id="qr-quota">{t::qr_quota(q.permanent_used, q.permanent_limit)}</p>
            })}
            <Notice message=notice />
            <Show when=move || creating.get()>
                <QrCodeForm on_made=made on_cancel=Callback::new(move |_| creating.set(false)) />
            </Show>
            <PagedTable
                list=codes
                page=page
                headers=&[t::QR_NAME, t::QR_PURPOSE, t::QR_TARGET, t::QR_TYPE, t::QR_EXPIRY, t::QR_SCANS, t::QR_NEW_FOLLOWERS, t::ACTIONS]
                empty=t::NO_QRCODES
                row=row
                retry=move |_| reload()
            />
            <Dialog open=dialog_open title=dialog_title on_confirm=confirm_delete busy=busy confirm_label=t::DELETE danger=true>
                <p>{move || deleting.get().map(|c| t::confirm_delete_qrcode(&c.name, c.permanent)).unwrap_or_default()}</p>
            </Dialog>
        </section>
    }
}
