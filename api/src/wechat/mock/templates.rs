//! Template messages and subscribe notifications on the mock, as the platform has them
//! since 2023: typed keywords checked per type (47003 names the field), a follower's
//! refusal of one template (43101 on its sends, no event), content blocking (40249,
//! listed by `/wxa/sec/queryblocktmplmsg`), the category library (`api_add_template`
//! with `keyword_name_list`, 25 templates at most, `del_private_template`), and
//! subscribe notifications (`/wxaapi/newtmpl/gettemplate`, `subscribe/bizsend` to a
//! follower who subscribed — a one-time subscription used by one send — followed by a
//! `subscribe_msg_sent_event`). Successful template sends are followed by
//! TEMPLATESENDJOBFINISH.

use std::sync::Arc;

use poem::web::{Data, Query};
use poem::{get, handler, post, Response, Route};
use serde_json::{json, Value};

use super::api::{authed, Params};
use super::state::{today, Failure, InboxItem};
use super::{json_body, wx, MockPlatform};
use crate::wechat::client::keywords;
use crate::wechat::client::messages::{Template, TemplateMessage};
use crate::wechat::client::templates::{BlockedMessage, SubscribeMessage, SubscribeTemplate, MAX_TEMPLATES};
use crate::wechat::config::AccountKind;
use crate::wechat::incoming::{Event, SubscribeItem};

/// A library template's keywords: (name in the library, keyword).
type LibraryKeywords = &'static [(&'static str, &'static str)];

/// The category library's templates a school account can add: (number, title, keywords).
const LIBRARY: &[(&str, &str, LibraryKeywords)] = &[
    (
        "OPENTM_NOTICE",
        "学校通知",
        &[
            ("通知标题", "thing1"),
            ("发布人", "thing2"),
            ("发布时间", "time3"),
            ("紧急程度", "phrase4"),
            ("截止时间", "time5"),
        ],
    ),
    ("OPENTM_CHECKIN", "签到提醒", &[("会议名称", "thing1"), ("开始时间", "time2"), ("签到码", "character_string3")]),
    ("OPENTM_FEE", "缴费提醒", &[("缴费项目", "thing1"), ("金额", "amount2"), ("截止日期", "date3")]),
];

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The subscribe templates an education account typically has.
pub fn default_subscribe_templates() -> Vec<SubscribeTemplate> {
    let template = |id: &str, title: &str, content: &str, kind: i64| SubscribeTemplate {
        pri_tmpl_id: id.to_string(),
        title: title.to_string(),
        content: content.to_string(),
        example: String::new(),
        kind,
    };
    vec![
        template(
            "SUB_NOTICE",
            "学校通知",
            "通知标题:{{thing1.DATA}}\n发布人:{{thing2.DATA}}\n发布时间:{{time3.DATA}}",
            3,
        ),
        template("SUB_ONCE", "活动提醒", "活动名称:{{thing1.DATA}}\n开始时间:{{time2.DATA}}", 2),
    ]
}

pub fn wxa_routes() -> Route {
    Route::new().at("/sec/queryblocktmplmsg", post(blocked_list))
}

pub fn wxaapi_routes() -> Route {
    Route::new().at("/newtmpl/gettemplate", get(subscribe_list))
}

/// The first value that breaks its keyword's type, as the platform words the refusal.
fn invalid(data: impl IntoIterator<Item = (String, String)>) -> Option<String> {
    let data: Vec<(String, String)> = data.into_iter().collect();
    keywords::first_invalid(data.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map(|k| format!("argument invalid! data.{k}.value invalid"))
}

fn verified(mock: &MockPlatform) -> Result<(), Failure> {
    if mock.settings.kind == AccountKind::ServiceVerified {
        Ok(())
    } else {
        Err((48001, "api unauthorized"))
    }
}

/// A failure whose message names what broke (the 47003 of a typed keyword).
fn refused_with(code: i64, message: String) -> Response {
    poem::IntoResponse::into_response(poem::web::Json(json!({ "errcode": code, "errmsg": message })))
}

#[handler]
pub fn template_send(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    let result = (|| {
        let mut state = authed(&mock, &q)?;
        verified(&mock)?;
        let raw = json_body(&body)?;
        let message: TemplateMessage = serde_json::from_value(raw.clone()).map_err(|_| (47001, "data format error"))?;
        let Some(template) = state.templates.iter().find(|t| t.template_id == message.template_id).cloned() else {
            return Err((40037, "invalid template_id"));
        };
        if let Some(why) = invalid(message.data.iter().map(|(k, v)| (k.clone(), v.value.clone()))) {
            return Ok(Err(why));
        }
        if let Some(id) = &message.client_msg_id {
            if state.template_ids.contains_key(id) {
                return Err((45065, "duplicate client_msg_id"));
            }
        }
        let blocked = {
            let user = state.user(&message.touser)?;
            if !user.following {
                return Err((43004, "require subscribe"));
            }
            if user.refused_templates.contains(&message.template_id) {
                return Err((43101, "user refuse to accept the msg"));
            }
            user.blocked
        };
        let content: Vec<String> = message.data.values().map(|v| v.value.clone()).collect();
        if state.blocked_words.iter().any(|w| content.iter().any(|c| c.contains(w.as_str()))) {
            let id = state.blocked.len() as i64 + 1;
            state.blocked.push(BlockedMessage {
                id,
                tmpl_msg_id: message.template_id.clone(),
                title: template.title.clone(),
                content: content.join("\n"),
                send_timestamp: now_ms() / 1000,
                openid: message.touser.clone(),
            });
            return Err((40249, "template msg has been blocked for illegal content"));
        }
        if state.template_today.get(today()) >= state.template_daily_quota {
            return Err((45009, "reach max api daily quota limit"));
        }
        state.template_today.add(today());
        let msgid = state.next_id();
        if let Some(id) = &message.client_msg_id {
            state.template_ids.insert(id.clone(), msgid);
        }
        if !blocked {
            let first = message.data.values().next().map(|v| v.value.clone());
            let user = state.user(&message.touser)?;
            user.inbox.push(InboxItem {
                seq: super::state::next_seq(),
                channel: "template",
                msg_type: message.template_id.clone(),
                content: first,
                title: Some(message.template_id.clone()),
                url: message.url.clone(),
                at: now_ms(),
                raw,
            });
        }
        let status = if blocked { "failed:user block" } else { "success" };
        Ok(Ok((msgid, message.touser.clone(), status)))
    })();
    match result {
        Ok(Ok((msgid, openid, status))) => {
            let event = Event::TemplateSendJobFinish { msg_id: msgid, status: status.to_string() };
            mock.report(openid, event);
            wx(Ok(json!({ "msgid": msgid })))
        }
        Ok(Err(why)) => refused_with(47003, why),
        Err(failure) => wx(Err(failure)),
    }
}

#[handler]
pub fn template_list(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        verified(&mock)?;
        Ok(json!({ "template_list": state.templates }))
    })())
}

#[handler]
pub fn template_add(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        verified(&mock)?;
        let raw = json_body(&body)?;
        let short = raw["template_id_short"].as_str().unwrap_or_default();
        let Some((_, title, fields)) = LIBRARY.iter().find(|(id, _, _)| *id == short) else {
            return Err((40037, "invalid template_id_short"));
        };
        let names: Vec<&str> =
            raw["keyword_name_list"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if names.is_empty() || names.iter().any(|n| !fields.iter().any(|(name, _)| name == n)) {
            return Err((47001, "data format error: keyword_name_list"));
        }
        if state.templates.len() as i64 >= MAX_TEMPLATES {
            return Err((45026, "template num exceeds limit"));
        }
        let content: String = fields
            .iter()
            .filter(|(name, _)| names.contains(name))
            .map(|(name, keyword)| format!("{name}{{{{{keyword}.DATA}}}}"))
            .collect::<Vec<_>>()
            .join("\n");
        let template_id = format!("TPL_{}", super::state::random_id(16));
        state.templates.push(Template {
            template_id: template_id.clone(),
            title: title.to_string(),
            primary_industry: "教育".into(),
            deputy_industry: "院校".into(),
            content,
            example: String::new(),
        });
        Ok(json!({ "template_id": template_id }))
    })())
}

#[handler]
pub fn template_delete(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        verified(&mock)?;
        let raw = json_body(&body)?;
        let id = raw["template_id"].as_str().unwrap_or_default();
        let before = state.templates.len();
        state.templates.retain(|t| t.template_id != id);
        if state.templates.len() == before {
            return Err((40037, "invalid template_id"));
        }
        Ok(json!({}))
    })())
}

#[handler]
fn blocked_list(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let raw = json_body(&body)?;
        let template = raw["tmpl_msg_id"].as_str().ok_or((47001, "data format error"))?;
        let after = raw["largest_id"].as_i64().unwrap_or(0);
        let limit = raw["limit"].as_u64().unwrap_or(100);
        if !(1..=100).contains(&limit) {
            return Err((40097, "invalid args: limit"));
        }
        let items: Vec<&BlockedMessage> =
            state.blocked.iter().filter(|b| b.tmpl_msg_id == template && b.id > after).take(limit as usize).collect();
        Ok(json!({ "msginfo": items }))
    })())
}

#[handler]
fn subscribe_list(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        verified(&mock)?;
        Ok(json!({ "data": state.subscribe_templates }))
    })())
}

#[handler]
pub fn subscribe_send(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    let result = (|| {
        let mut state = authed(&mock, &q)?;
        verified(&mock)?;
        let raw = json_body(&body)?;
        let message: SubscribeMessage =
            serde_json::from_value(raw.clone()).map_err(|_| (47001, "data format error"))?;
        if !state.subscribe_templates.iter().any(|t| t.pri_tmpl_id == message.template_id) {
            return Err((40037, "invalid template_id"));
        }
        if let Some(why) = invalid(message.data.iter().map(|(k, v)| (k.clone(), v.value.clone()))) {
            return Ok(Err(why));
        }
        let msgid = state.next_id();
        let user = state.user(&message.touser)?;
        if !user.following {
            return Err((43004, "require subscribe"));
        }
        match user.subscriptions.get_mut(&message.template_id) {
            Some(s) if s.long_term => {}
            Some(s) if s.remaining > 0 => s.remaining -= 1,
            _ => return Err((43101, "user refuse to accept the msg")),
        }
        user.inbox.push(InboxItem {
            seq: super::state::next_seq(),
            channel: "subscribe",
            msg_type: message.template_id.clone(),
            content: message.data.values().next().map(|v| v.value.clone()),
            title: Some(message.template_id.clone()),
            url: message.page.clone(),
            at: now_ms(),
            raw,
        });
        Ok(Ok((msgid, message.touser, message.template_id)))
    })();
    match result {
        Ok(Ok((msgid, openid, template_id))) => {
            let item = SubscribeItem {
                template_id,
                status: "success".into(),
                popup_scene: None,
                msg_id: Some(msgid.to_string()),
                error_code: Some(0),
            };
            mock.report(openid, Event::SubscribeMsgSent { items: vec![item] });
            wx(Ok(json!({})))
        }
        Ok(Err(why)) => refused_with(47003, why),
        Err(failure) => wx(Err(failure)),
    }
}

/// `POST /sim/users/{openid}/subscribe`: the follower answers a page's subscribe button
/// (`{"template_ids": […], "status": "accept"|"reject"}`), or with `"change": true`
/// changes it later in WeChat's settings; the webhook hears the popup or change event.
#[handler]
pub fn sim_subscribe(
    mock: Data<&Arc<MockPlatform>>,
    poem::web::Path(openid): poem::web::Path<String>,
    poem::web::Json(body): poem::web::Json<Value>,
) -> Response {
    let accept = body["status"].as_str() == Some("accept");
    let change = body["change"].as_bool().unwrap_or(false);
    let ids: Vec<String> =
        body["template_ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect();
    let items = {
        let mut state = mock.state();
        let kinds: Vec<(String, bool)> = ids
            .iter()
            .filter_map(|id| state.subscribe_templates.iter().find(|t| &t.pri_tmpl_id == id))
            .map(|t| (t.pri_tmpl_id.clone(), t.kind == 3))
            .collect();
        let Some(user) = state.users.get_mut(&openid) else {
            return super::sim::refuse(poem::http::StatusCode::NOT_FOUND, "not_found", "no such follower");
        };
        if kinds.is_empty() {
            return super::sim::refuse(poem::http::StatusCode::BAD_REQUEST, "invalid", "no known subscribe template");
        }
        for (id, long_term) in &kinds {
            if accept {
                let entry = user.subscriptions.entry(id.clone()).or_default();
                entry.long_term = *long_term;
                if !long_term {
                    entry.remaining += 1;
                }
            } else {
                user.subscriptions.remove(id);
            }
        }
        kinds
            .into_iter()
            .map(|(template_id, _)| SubscribeItem {
                template_id,
                status: if accept { "accept" } else { "reject" }.into(),
                popup_scene: (!change).then_some(0),
                msg_id: None,
                error_code: None,
            })
            .collect::<Vec<_>>()
    };
    let event = if change { Event::SubscribeMsgChange { items } } else { Event::SubscribeMsgPopup { items } };
    mock.report(openid, event);
    poem::IntoResponse::into_response(poem::http::StatusCode::NO_CONTENT)
}
