//! `GET /sim/scan?ticket=…`: where a QR code's image points on the mock — a page to scan it
//! as one of the followers, or as someone new (who then follows).

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Html, Query};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;

use super::sim::{deliver, new_openid, Refusal, SimMessage};
use super::state::SimUser;
use super::MockPlatform;

use crate::http::escape_html as escape;

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{title}</title><h1>{title}</h1>{body}"
    ))
}

#[derive(Deserialize)]
struct ScanQuery {
    #[serde(default)]
    ticket: String,
}

/// Where a QR code leads on the mock: pick who scans it.
#[handler]
pub(super) fn scan_page(mock: Data<&Arc<MockPlatform>>, Query(q): Query<ScanQuery>) -> Html<String> {
    let users: Vec<(String, String, bool)> =
        mock.state().users.values().map(|u| (u.openid.clone(), u.nickname.clone(), u.following)).collect();
    let ticket = escape(&q.ticket);
    let buttons: String = users
        .iter()
        .map(|(openid, nickname, following)| {
            format!(
                "<li><form method=post><input type=hidden name=ticket value=\"{ticket}\">\
                 <input type=hidden name=openid value=\"{}\"><button>{}</button> <small>{}</small></form></li>",
                escape(openid),
                escape(nickname),
                if *following { "已关注" } else { "未关注" }
            )
        })
        .collect();
    page(
        "模拟扫码",
        &format!(
            "<p>选择扫码的微信用户：</p><ul>{buttons}</ul>\
             <form method=post><input type=hidden name=ticket value=\"{ticket}\">\
             <input name=nickname placeholder=\"新用户昵称\" required> <button>以新用户扫码（并关注）</button></form>"
        ),
    )
}

/// The account's passive reply as the phone shows it: the text, or each article's card.
fn shown(reply: &serde_json::Value) -> String {
    if let Some(articles) = reply["articles"].as_array() {
        return articles
            .iter()
            .map(|a| {
                let (title, description) = (a["title"].as_str().unwrap_or(""), a["description"].as_str().unwrap_or(""));
                format!(
                    "<blockquote class=article><a href=\"{}\"><strong>{}</strong></a><p>{}</p></blockquote>",
                    escape(a["url"].as_str().unwrap_or("")),
                    escape(title),
                    escape(description)
                )
            })
            .collect();
    }
    let text = reply["content"].as_str().unwrap_or("（无回复）");
    format!("<blockquote>{}</blockquote>", escape(text))
}

#[derive(Deserialize)]
struct ScanForm {
    ticket: String,
    #[serde(default)]
    openid: String,
    #[serde(default)]
    nickname: String,
}

#[handler]
pub(super) async fn scan_submit(mock: Data<&Arc<MockPlatform>>, Form(form): Form<ScanForm>) -> Response {
    let openid = if form.openid.is_empty() {
        let nickname = form.nickname.trim();
        if nickname.is_empty() {
            return page("模拟扫码", "<p>请选择用户或填写昵称。</p>")
                .with_status(StatusCode::BAD_REQUEST)
                .into_response();
        }
        // Someone new: not following yet, so the scan arrives as a subscribe with the scene.
        let openid = new_openid();
        let mut user = SimUser::new(openid.clone(), nickname.to_string());
        user.following = false;
        mock.state().users.insert(openid.clone(), user);
        openid
    } else {
        form.openid
    };
    let scan = SimMessage { kind: "scan".into(), ticket: form.ticket, ..SimMessage::default() };
    match deliver(&mock, &openid, scan).await {
        Ok(delivery) => page("已扫码", &format!("<p>公众号回复：</p>{}", shown(&delivery["reply"]))).into_response(),
        Err(Refusal(status, _, message)) => {
            page("扫码失败", &format!("<p>{}</p>", escape(&message))).with_status(status).into_response()
        }
    }
}
