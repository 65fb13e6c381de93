//! The mass message being written: its kind (文字, 图片, 语音, 视频, 图文) and fields, its
//! audience (全部关注者 for admins, a class's or group's tag, a list of openids on a service
//! account), the quota line for that audience, 预览 (to the author's own WeChat) and 发送
//! after a confirmation. A file is uploaded once, through the inbox's upload path, and
//! reused by the preview and the send.

use leptos::html::Input;
use leptos::prelude::*;
use shared::{MassAudience, MassContent, MassQuota, MassTargets, MASS_KINDS};

use crate::api::{self, ApiResult};
use crate::components::{chosen_file, clear_file, Dialog, FilePick};
use crate::i18n::t;

/// What the form holds.
#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<String>,
    text: RwSignal<String>,
    title: RwSignal<String>,
    description: RwSignal<String>,
    author: RwSignal<String>,
    content: RwSignal<String>,
    source_url: RwSignal<String>,
    file: NodeRef<Input>,
    picked: RwSignal<Option<String>>,
    /// The upload made for the chosen file: (file name, kind, upload id).
    uploaded: RwSignal<Option<(String, String, i64)>>,
}

fn optional(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
}

impl Form {
    fn new() -> Form {
        let text = || RwSignal::new(String::new());
        Form {
            kind: RwSignal::new("text".into()),
            text: text(),
            title: text(),
            description: text(),
            author: text(),
            content: text(),
            source_url: text(),
            file: NodeRef::new(),
            picked: RwSignal::new(None),
            uploaded: RwSignal::new(None),
        }
    }

    /// The message, uploading the chosen file first if it is not up yet.
    async fn message(self) -> Result<MassContent, String> {
        let kind = self.kind.get_untracked();
        let mut message = MassContent {
            kind: kind.clone(),
            text: optional(self.text),
            upload_id: None,
            title: optional(self.title),
            description: optional(self.description),
            author: optional(self.author),
            content: optional(self.content),
            source_url: optional(self.source_url),
        };
        if kind != "text" {
            let file = chosen_file(self.file).ok_or_else(|| t::MASS_CHOOSE_FILE_FIRST.to_string())?;
            let upload_kind = if kind == "news" { "image" } else { kind.as_str() };
            let known = self.uploaded.get_untracked().filter(|(name, k, _)| *name == file.name() && k == upload_kind);
            let id = match known {
                Some((_, _, id)) => id,
                None => {
                    let upload = api::inbox::upload(upload_kind, &file).await.map_err(|e| t::error(&e))?;
                    self.uploaded.set(Some((file.name(), upload_kind.to_string(), upload.id)));
                    upload.id
                }
            };
            message.upload_id = Some(id);
        }
        Ok(message)
    }

    fn clear(self) {
        for field in [self.text, self.title, self.description, self.author, self.content, self.source_url] {
            field.set(String::new());
        }
        clear_file(self.file, self.picked);
        self.uploaded.set(None);
    }
}

/// The audience chosen, when it is complete.
fn audience_of(kind: &str, tag: Option<i64>, openids: &str) -> Option<MassAudience> {
    let openids: Vec<String> = openids.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    match kind {
        "all" => Some(MassAudience { kind: "all".into(), tag_id: None, openids: vec![] }),
        "tag" => tag.map(|id| MassAudience { kind: "tag".into(), tag_id: Some(id), openids: vec![] }),
        _ if openids.len() >= 2 => Some(MassAudience { kind: "openids".into(), tag_id: None, openids }),
        _ => None,
    }
}

fn quota_line(q: &MassQuota) -> String {
    if q.rule == "per_account_day" {
        t::mass_quota_day(q.sent_today)
    } else {
        t::mass_quota_month(q.limit, q.recipients, q.over_quota)
    }
}

#[component]
pub fn MassCompose(
    targets: MassTargets,
    notice: RwSignal<Option<(bool, String)>>,
    #[prop(into)] on_sent: Callback<()>,
) -> impl IntoView {
    let form = Form::new();
    let audience_kind = RwSignal::new("tag".to_string());
    let tag = RwSignal::new(targets.tags.first().map(|t| t.tag_id));
    let openids = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let audience = move || audience_of(&audience_kind.get(), tag.get(), &openids.get());
    let quota = LocalResource::new(move || {
        let wanted = audience();
        async move {
            match wanted {
                Some(a) => Some(api::mass::quota(&a).await),
                None => None,
            }
        }
    });
    let tags = StoredValue::new(targets.tags.clone());
    let audience_label = move || match audience_kind.get().as_str() {
        "all" => t::MASS_TO_ALL.to_string(),
        "tag" => tags.with_value(|all| {
            let chosen = all.iter().find(|target| Some(target.tag_id) == tag.get());
            chosen.map(|target| format!("{}（{} 人）", target.name, target.members)).unwrap_or_default()
        }),
        _ => t::mass_audience("openids", "", audience().map_or(0, |a| a.openids.len() as i64)),
    };
    let preview = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match form.message().await {
                Ok(message) => api::mass::preview(message).await.map_err(|e| t::error(&e)),
                Err(why) => Err(why),
            };
            busy.set(false);
            notice.set(Some(match result {
                Ok(_) => (true, t::MASS_PREVIEW_SENT.to_string()),
                Err(why) => (false, why),
            }));
        });
    };
    let send = move |_| {
        let Some(to) = audience() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result: Result<_, String> = async {
                let message = form.message().await?;
                let sent: ApiResult<_> = api::mass::send(message, to).await;
                sent.map_err(|e| t::error(&e))
            }
            .await;
            busy.set(false);
            confirming.set(false);
            match result {
                Ok(_) => {
                    form.clear();
                    notice.set(Some((true, t::MASS_SENT.to_string())));
                }
                Err(why) => notice.set(Some((false, why))),
            }
            on_sent.run(());
        });
    };
    let field = move |label: &'static str, id: &'static str, value: RwSignal<String>| {
        view! { <input id=id placeholder=label aria-label=label bind:value=value /> }
    };
    let kind = form.kind;
    view! {
        <div class="card mass-compose">
            <h2>{t::MASS_COMPOSE}</h2>
            <div class="segmented" role="group" aria-label=t::MASS_KIND>
                {MASS_KINDS.map(|k| view! {
                    <button type="button" id=format!("mass-kind-{k}") class:chosen=move || kind.get() == k
                        on:click=move |_| kind.set(k.to_string())>{t::mass_kind(k)}</button>
                })}
            </div>
            {move || (kind.get() == "text").then(|| view! {
                <textarea id="mass-text" rows="4" placeholder=t::MASS_TEXT_PLACEHOLDER aria-label=t::MASS_TEXT bind:value=form.text></textarea>
            })}
            {move || matches!(kind.get().as_str(), "video" | "news").then(|| view! {
                {field(t::MASS_TITLE_FIELD, "mass-title", form.title)}
                {field(if kind.get() == "news" { t::MASS_DIGEST } else { t::MASS_DESCRIPTION }, "mass-description", form.description)}
            })}
            {move || (kind.get() == "news").then(|| view! {
                {field(t::MASS_AUTHOR, "mass-author", form.author)}
                <textarea id="mass-content" rows="6" placeholder=t::MASS_ARTICLE aria-label=t::MASS_ARTICLE bind:value=form.content></textarea>
                {field(t::MASS_SOURCE_URL, "mass-source-url", form.source_url)}
            })}
            <FilePick id="mass-file" label=Signal::derive(move || t::mass_file_label(&kind.get()))
                accept=Signal::derive(move || t::mass_file_accept(&kind.get())) input=form.file picked=form.picked
                hidden=Signal::derive(move || kind.get() == "text") />

            <h3>{t::MASS_AUDIENCE}</h3>
            <div class="segmented" role="group" aria-label=t::MASS_AUDIENCE>
                {targets.all.then(|| view! {
                    <button type="button" id="mass-to-all" class:chosen=move || audience_kind.get() == "all"
                        on:click=move |_| audience_kind.set("all".into())>{t::MASS_TO_ALL}</button>
                })}
                <button type="button" id="mass-to-tag" class:chosen=move || audience_kind.get() == "tag"
                    on:click=move |_| audience_kind.set("tag".into())>{t::MASS_TO_TAG}</button>
                {targets.lists.then(|| view! {
                    <button type="button" id="mass-to-list" class:chosen=move || audience_kind.get() == "openids"
                        on:click=move |_| audience_kind.set("openids".into())>{t::MASS_TO_LIST}</button>
                })}
            </div>
            {move || (audience_kind.get() == "tag").then(|| if tags.with_value(Vec::is_empty) {
                view! { <p class="hint">{t::MASS_NO_TAGS}</p> }.into_any()
            } else {
                view! {
                    <select id="mass-tag" aria-label=t::MASS_CHOOSE_TAG
                        on:change=move |ev| tag.set(event_target_value(&ev).parse().ok())>
                        {tags.get_value().into_iter().map(|target| {
                            let selected = tag.get_untracked() == Some(target.tag_id);
                            view! { <option value=target.tag_id.to_string() selected=selected>{format!("{}（{} 人）", target.name, target.members)}</option> }
                        }).collect_view()}
                    </select>
                }.into_any()
            })}
            {move || (audience_kind.get() == "openids").then(|| view! {
                <textarea id="mass-openids" rows="4" placeholder=t::MASS_OPENIDS aria-label=t::MASS_OPENIDS bind:value=openids></textarea>
            })}
            <p class="hint" id="mass-quota">
                {move || match quota.get() {
                    None => t::MASS_QUOTA_LOADING.to_string(),
                    Some(None) => String::new(),
                    Some(Some(Ok(q))) => quota_line(&q),
                    Some(Some(Err(err))) => t::error(&err),
                }}
            </p>
            <div class="form-actions">
                <button type="button" class="secondary" id="mass-preview" disabled=move || busy.get() on:click=preview>
                    {move || if busy.get() { t::MASS_PREVIEWING } else { t::MASS_PREVIEW }}
                </button>
                <button type="button" class="primary" id="mass-send" disabled=move || busy.get() || audience().is_none()
                    on:click=move |_| confirming.set(true)>
                    {move || if busy.get() && confirming.get() { t::MASS_SENDING } else { t::MASS_SEND }}
                </button>
            </div>
            <Dialog open=confirming title=Signal::derive(|| t::MASS_CONFIRM_TITLE.to_string()) on_confirm=send
                busy=Signal::derive(move || busy.get()) confirm_label=t::MASS_CONFIRM_SEND>
                <p id="mass-confirm-to"><strong>{move || t::mass_confirm_to(&audience_label())}</strong></p>
                <p>{move || quota.get().and_then(|q| q).and_then(Result::ok).map(|q| quota_line(&q)).unwrap_or_default()}</p>
                <p class="hint">{t::MASS_CONFIRM_NOTE}</p>
            </Dialog>
        </div>
    }
}
