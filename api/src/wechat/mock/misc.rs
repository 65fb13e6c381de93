//! Menus, permanent material and parametric QR codes on the mock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::handler;
use poem::http::StatusCode;
use poem::web::{Data, Multipart, Query};
use poem::{IntoResponse, Response};
use serde_json::{json, Value};

use super::api::{authed, Params};
use super::media::{media_file, media_kind};
use super::state::{random_id, QrEntry};
use super::{json_body, wx, MockPlatform};
use crate::wechat::client::media::{MediaKind, MAX_QR_SECONDS};
use crate::wechat::client::menus::{validate, ConditionalMenu, MatchRule, Menu};

fn menu_of(body: &Value) -> Result<Menu, (i64, &'static str)> {
    let menu: Menu =
        serde_json::from_value(json!({ "button": body["button"] })).map_err(|_| (47001, "data format error"))?;
    validate(&menu).map_err(|e| match e.code() {
        Some(40016) => (40016, "invalid button size"),
        Some(40017) => (40017, "invalid button type"),
        Some(40018) => (40018, "invalid button name size"),
        Some(40019) => (40019, "invalid button key size"),
        Some(40023) => (40023, "invalid sub button size"),
        Some(40055) => (40055, "invalid button url"),
        Some(40007) => (40007, "invalid media_id"),
        Some(40013) => (40013, "invalid appid"),
        _ => (47001, "data format error"),
    })?;
    Ok(menu)
}

#[handler]
pub fn menu_create(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        state.menu = Some(menu_of(&json_body(&body)?)?);
        Ok(json!({}))
    })())
}

#[handler]
pub fn menu_get(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let menu = state.menu.clone().ok_or((46003, "menu no exist"))?;
        Ok(json!({ "menu": { "button": menu.button, "menuid": 100 }, "conditionalmenu": state.conditional }))
    })())
}

#[handler]
pub fn menu_delete(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        state.menu = None;
        state.conditional.clear();
        Ok(json!({}))
    })())
}

#[handler]
pub fn menu_add_conditional(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let menu = menu_of(&body)?;
        let matchrule: MatchRule =
            serde_json::from_value(body["matchrule"].clone()).map_err(|_| (47001, "data format error"))?;
        if state.menu.is_none() {
            return Err((46003, "menu no exist, create the default menu first"));
        }
        if let Some(tag) = &matchrule.tag_id {
            if !state.tags.contains_key(&tag.parse().unwrap_or(-1)) {
                return Err((40099, "invalid tag id"));
            }
        }
        let menuid = state.next_id();
        state.conditional.push(ConditionalMenu { button: menu.button, matchrule, menuid: json!(menuid) });
        Ok(json!({ "menuid": menuid.to_string() }))
    })())
}

#[handler]
pub fn menu_del_conditional(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let menuid = json_body(&body)?["menuid"].to_string().trim_matches('"').to_string();
        let before = state.conditional.len();
        state.conditional.retain(|m| m.menuid.to_string().trim_matches('"') != menuid);
        if state.conditional.len() == before {
            return Err((65301, "no such menuid"));
        }
        Ok(json!({}))
    })())
}

#[handler]
pub fn menu_trymatch(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let openid = json_body(&body)?["user_id"].as_str().unwrap_or_default().to_string();
        let tags = state.user(&openid).map_err(|_| (40003, "invalid user"))?.tags.clone();
        let chosen = state.menu_for(&tags).ok_or((46003, "menu no exist"))?;
        Ok(json!({ "button": chosen }))
    })())
}

#[handler]
pub async fn material_add(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, form: Multipart) -> Response {
    if let Err(failure) = authed(&mock, &q).map(drop) {
        return wx(Err(failure));
    }
    let result = async {
        let kind = media_kind(&q)?;
        let (name, _) = media_file(form).await?;
        let media_id = random_id(43);
        mock.state().materials.insert(media_id.clone());
        let url = if kind == MediaKind::Image {
            format!("http://mmbiz.qpic.cn/mock/{media_id}/{name}")
        } else {
            String::new()
        };
        Ok(json!({ "media_id": media_id, "url": url }))
    }
    .await;
    wx(result)
}

#[handler]
pub async fn media_uploadimg(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, form: Multipart) -> Response {
    if let Err(failure) = authed(&mock, &q).map(drop) {
        return wx(Err(failure));
    }
    let result = async {
        let (name, _) = media_file(form).await?;
        Ok(json!({ "url": format!("http://mmbiz.qpic.cn/mock/{}/{name}", random_id(16)) }))
    }
    .await;
    wx(result)
}

/// `qrcode/create`: a temporary code (`QR_SCENE` with a 32-bit `scene_id`, `QR_STR_SCENE`)
/// lives `expire_seconds` (60 when absent, at most 30 days); a permanent one
/// (`QR_LIMIT_SCENE` with `scene_id` 1 to 100 000, `QR_LIMIT_STR_SCENE`) never expires,
/// the same scene gets the same ticket again, and a new scene spends one of the account's
/// permanent codes (100 000; 45029 once they are spent, the code the platform answers
/// for the same quota on mini-program codes). `scene_str` is 1 to 64 characters.
#[handler]
pub fn qrcode_create(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let action = body["action_name"].as_str().unwrap_or_default();
        let temporary = match action {
            "QR_SCENE" | "QR_STR_SCENE" => true,
            "QR_LIMIT_SCENE" | "QR_LIMIT_STR_SCENE" => false,
            _ => return Err((40052, "invalid action name")),
        };
        let scene = body["action_info"]["scene"].as_object().ok_or((40053, "invalid action info"))?;
        let scene = if action.contains("STR") {
            let s = scene.get("scene_str").and_then(Value::as_str).unwrap_or_default();
            if s.is_empty() || s.chars().count() > 64 {
                return Err((40097, "invalid args: scene_str must be 1 to 64 characters"));
            }
            s.to_string()
        } else {
            let id = scene.get("scene_id").and_then(Value::as_u64).unwrap_or(0);
            let most = if temporary { u64::from(u32::MAX) } else { 100_000 };
            if !(1..=most).contains(&id) {
                return Err((40097, "invalid args: scene_id out of range"));
            }
            id.to_string()
        };
        if !temporary {
            let kept = state.qr.iter().find(|(_, e)| e.expires.is_none() && e.scene == scene).map(|(t, _)| t.clone());
            if let Some(ticket) = kept {
                return Ok(json!({ "ticket": ticket, "url": format!("http://weixin.qq.com/q/{}", &ticket[2..24]) }));
            }
            let made = state.qr.values().filter(|e| e.expires.is_none()).count() as u64;
            if made >= state.permanent_qr_quota {
                return Err((45029, "qrcode count out of limit"));
            }
        }
        let seconds = match body.get("expire_seconds") {
            None | Some(Value::Null) => 60,
            Some(v) => v
                .as_u64()
                .filter(|s| (1..=u64::from(MAX_QR_SECONDS)).contains(s))
                .ok_or((40097, "invalid args: expire_seconds must be at most 2592000"))?,
        };
        let ticket = format!("gQ{}", random_id(54));
        let expires = temporary.then(|| Instant::now() + Duration::from_secs(seconds));
        state.qr.insert(ticket.clone(), QrEntry { scene, expires });
        let mut answer = json!({ "ticket": ticket, "url": format!("http://weixin.qq.com/q/{}", &ticket[2..24]) });
        if temporary {
            answer["expire_seconds"] = json!(seconds);
        }
        Ok(answer)
    })())
}

/// The QR image of a ticket, as SVG (the platform sends a JPEG; any image will do here).
#[handler]
pub fn show_qrcode(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    let ticket = q.get("ticket").cloned().unwrap_or_default();
    let live = mock.state().qr.get(&ticket).is_some_and(|e| e.expires.is_none_or(|t| t > Instant::now()));
    if !live {
        return StatusCode::NOT_FOUND.into_response();
    }
    let url = format!("{}/sim/scan?ticket={ticket}", mock.settings.base_url);
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .build()
            .with_content_type("image/svg+xml")
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
