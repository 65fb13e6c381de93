//! A notice page's first view, sent with the page itself: the student's bundle is some
//! 300 KB of WebAssembly, seconds on a phone's 3G, and a student who closes the page
//! before it runs would never be counted as having read the notice. So when the student
//! pages' shell is asked for `/s/notices/{id}` by a browser carrying the student cookie
//! (`portal::first_view`), the server opens the notice here — recording the read, as
//! the page's API call does — and draws the article in plain HTML: title, marks, who and
//! when, the body, the deadline, the files, whether it was confirmed. The bundle then
//! takes over and draws the whole page (buttons, vote, comments) from the API as ever;
//! the words are `shared::notice_page`'s, the markup the bundle's
//! (`web/src/pages/portal/notice.rs`), so the hand-over does not jump.

use chrono::{DateTime, Utc};
use shared::notice_page as words;
use shared::StudentNoticeDetail;

use crate::db::{china_minute, to_ms};
use crate::error::ApiResult;
use crate::http::escape_html as esc;
use crate::state::AppState;

fn when(time: &DateTime<Utc>) -> String {
    china_minute(to_ms(*time))
}

/// Opens notice `id` as the student behind `openid` (a recipient's first open records the
/// read) and draws its article.
pub async fn notice(state: &AppState, id: i64, openid: &str) -> ApiResult<String> {
    let detail = super::portal::read(state, id, openid).await?;
    Ok(article(&detail))
}

/// The article as `NoticeView` draws it, inert until the bundle takes over.
pub fn article(n: &StudentNoticeDetail) -> String {
    let mut html = String::with_capacity(n.body_html.len() + 1024);
    html.push_str(&format!(
        r#"<div class="portal-nav"><a href="/s/notices" class="link">‹ {}</a></div>"#,
        words::PORTAL_NOTICES
    ));
    html.push_str(r#"<article class="card portal-notice" id="portal-notice">"#);
    html.push_str(&format!("<h2>{}</h2>", esc(&n.title)));
    html.push_str(r#"<p class="notice-line">"#);
    if let Some(class) = words::urgency_badge(n.urgency) {
        html.push_str(&format!(r#"<span class="{class}">{}</span>"#, words::urgency(n.urgency)));
    }
    if n.withdrawn {
        html.push_str(&format!(r#"<span class="badge">{}</span>"#, words::PORTAL_WITHDRAWN));
    }
    html.push_str("</p>");
    let category = n.category.as_deref().map(|c| format!("{} · ", esc(c))).unwrap_or_default();
    let sent = words::portal_sent(n.author.as_deref(), &n.sent_at.as_ref().map(when).unwrap_or_default());
    html.push_str(&format!(r#"<p class="hint">{category}{}</p>"#, esc(&sent)));
    if let Some(at) = n.corrected_at.filter(|_| !n.withdrawn) {
        html.push_str(&format!(
            r#"<p class="hint corrected" id="portal-corrected">{}</p>"#,
            words::portal_corrected(&when(&at))
        ));
    }
    if n.withdrawn {
        html.push_str(&format!(
            r#"<p class="withdrawn-note" id="portal-withdrawn">{}</p>"#,
            words::PORTAL_WITHDRAWN_BODY
        ));
    } else {
        // Sanitised when rendered from Markdown (`notices::markdown`), as the bundle shows it.
        html.push_str(&format!(r#"<div class="notice-body">{}</div>"#, n.body_html));
        if let Some(deadline) = &n.deadline {
            html.push_str(&format!("<p><strong>{}</strong>：{}</p>", words::PORTAL_DEADLINE, when(deadline)));
        }
        if !n.attachments.is_empty() {
            html.push_str(&format!(r#"<h3>{}</h3><ul class="portal-list portal-files">"#, words::PORTAL_ATTACHMENTS));
            for a in &n.attachments {
                html.push_str(&format!(
                    r#"<li class="portal-file"><button class="link file-open" disabled>{}</button><small>{}</small><button class="secondary small file-send" disabled>{}</button></li>"#,
                    esc(&a.file_name),
                    words::file_size(a.size),
                    words::PORTAL_SEND_TO_WECHAT
                ));
            }
            html.push_str(&format!(r#"</ul><p class="hint">{}</p>"#, words::PORTAL_FILES_HINT));
        }
    }
    if n.requires_confirmation && n.recipient && !n.withdrawn {
        match &n.confirmed_at {
            Some(at) => html.push_str(&format!(
                r#"<p class="confirmed-note" id="confirmed-note" role="status"><span aria-hidden="true">✓ </span>{} · {}</p>"#,
                words::PORTAL_CONFIRMED,
                when(at)
            )),
            None => html.push_str(&format!(
                r#"<div class="confirm-box"><p class="hint">{}</p><button class="primary wide big" disabled>{}</button></div>"#,
                words::PORTAL_NEEDS_CONFIRM,
                words::PORTAL_CONFIRM
            )),
        }
    }
    html.push_str("</article>");
    html
}

#[cfg(test)]
mod tests {
    use shared::{StudentNoticeDetail, Urgency};

    use super::article;

    fn notice() -> StudentNoticeDetail {
        StudentNoticeDetail {
            id: 1,
            title: "期末<script>alert(1)</script>".into(),
            category: None,
            urgency: Urgency::Urgent,
            author: Some("王老师 & 李老师".into()),
            sent_at: None,
            deadline: None,
            requires_confirmation: true,
            withdrawn: false,
            corrected_at: None,
            body_html: "<p>第 18 周</p>".into(),
            attachments: Vec::new(),
            recipient: true,
            read_at: None,
            confirmed_at: None,
            vote: None,
            comments: 0,
            cadre_classes: Vec::new(),
        }
    }

    #[test]
    fn what_the_teacher_typed_is_shown_as_text_and_the_body_as_rendered() {
        let html = article(&notice());
        assert!(html.contains("期末&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("王老师 &amp; 李老师"), "{html}");
        assert!(html.contains(r#"<div class="notice-body"><p>第 18 周</p></div>"#), "{html}");
        assert!(html.contains(r#"<span class="badge off">紧急</span>"#), "{html}");
        assert!(html.contains("确认收到"), "a recipient asked to confirm sees the button: {html}");
    }

    #[test]
    fn a_withdrawn_notice_shows_that_it_was_withdrawn_and_nothing_of_its_body() {
        let html = article(&StudentNoticeDetail { withdrawn: true, ..notice() });
        assert!(html.contains("该通知已撤回"), "{html}");
        assert!(!html.contains("第 18 周") && !html.contains("确认收到"), "{html}");
    }
}
