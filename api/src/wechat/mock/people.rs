//! Followers and tags on the mock: the same limits and codes as the platform (100 tags,
//! ids 0–2 reserved, 50 openids per batch, 20 tags per follower, 100 per batchget).

use std::sync::Arc;

use poem::handler;
use poem::web::{Data, Query};
use poem::Response;
use serde_json::{json, Value};

use super::api::{authed, Params};
use super::state::{MockState, SimUser, MAX_TAGS, MAX_TAGS_PER_USER};
use super::{json_body, wx, MockPlatform};

fn tag_id(body: &Value, pointer: &str) -> Result<i64, (i64, &'static str)> {
    body.pointer(pointer).and_then(Value::as_i64).ok_or((40003, "invalid tag id"))
}

fn openid_list(body: &Value) -> Result<Vec<String>, (i64, &'static str)> {
    let list: Vec<String> = body["openid_list"]
        .as_array()
        .ok_or((40003, "openid_list missing"))?
        .iter()
        .filter_map(|o| o.as_str().map(str::to_string))
        .collect();
    if list.is_empty() {
        return Err((40003, "openid_list empty"));
    }
    if list.len() > 50 {
        return Err((40032, "invalid openid list size, at most 50"));
    }
    Ok(list)
}

fn info(user: &SimUser) -> Value {
    if !user.following {
        return json!({ "subscribe": 0, "openid": user.openid });
    }
    json!({
        "subscribe": 1,
        "openid": user.openid,
        "language": "zh_CN",
        "subscribe_time": user.subscribe_time,
        "remark": user.remark,
        "groupid": 0,
        "tagid_list": user.tags.iter().collect::<Vec<_>>(),
        "subscribe_scene": "ADD_SCENE_QR_CODE",
        "qr_scene": 0,
        "qr_scene_str": "",
    })
}

fn count(state: &MockState, tag: i64) -> usize {
    state.users.values().filter(|u| u.following && u.tags.contains(&tag)).count()
}

#[handler]
pub fn tag_create(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let name = body.pointer("/tag/name").and_then(Value::as_str).unwrap_or_default().to_string();
        if name.is_empty() || name.len() > 30 {
            return Err((45158, "tag name too long"));
        }
        if state.tags.values().any(|n| *n == name) {
            return Err((45157, "invalid tag name, the story is already exist"));
        }
        if state.tags.len() >= MAX_TAGS {
            return Err((45056, "too many tags now, no need to add new"));
        }
        let id = state.next_tag;
        state.next_tag += 1;
        state.tags.insert(id, name.clone());
        Ok(json!({ "tag": { "id": id, "name": name } }))
    })())
}

#[handler]
pub fn tag_list(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let tags: Vec<Value> = state
            .tags
            .iter()
            .map(|(id, name)| json!({ "id": id, "name": name, "count": count(&state, *id) }))
            .collect();
        Ok(json!({ "tags": tags }))
    })())
}

#[handler]
pub fn tag_update(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let id = tag_id(&body, "/tag/id")?;
        let name = body.pointer("/tag/name").and_then(Value::as_str).unwrap_or_default().to_string();
        if id <= 2 {
            return Err((45058, "can't modify sys tag"));
        }
        if name.is_empty() || name.len() > 30 {
            return Err((45158, "tag name too long"));
        }
        if state.tags.iter().any(|(other, n)| *n == name && *other != id) {
            return Err((45157, "invalid tag name"));
        }
        let tag = state.tags.get_mut(&id).ok_or((45159, "invalid tag id"))?;
        *tag = name;
        Ok(json!({}))
    })())
}

#[handler]
pub fn tag_delete(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let id = tag_id(&json_body(&body)?, "/tag/id")?;
        if id <= 2 {
            return Err((45058, "can't modify sys tag"));
        }
        state.tags.remove(&id).ok_or((45159, "invalid tag id"))?;
        for user in state.users.values_mut() {
            user.tags.remove(&id);
        }
        Ok(json!({}))
    })())
}

fn change_members(mock: &Arc<MockPlatform>, q: &Params, body: &str, add: bool) -> Result<Value, (i64, &'static str)> {
    let mut state = authed(mock, q)?;
    let body = json_body(body)?;
    let tag = body["tagid"].as_i64().ok_or((40003, "tagid missing"))?;
    if !state.tags.contains_key(&tag) {
        return Err((45159, "invalid tag id"));
    }
    let openids = openid_list(&body)?;
    for openid in &openids {
        let user = state.users.get(openid).ok_or((40003, "invalid openid"))?;
        if add && !user.tags.contains(&tag) && user.tags.len() >= MAX_TAGS_PER_USER {
            return Err((45059, "user has too many tags"));
        }
    }
    for openid in openids {
        let user = state.user(&openid)?;
        if add {
            user.tags.insert(tag);
        } else {
            user.tags.remove(&tag);
        }
    }
    Ok(json!({}))
}

#[handler]
pub fn tag_members(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx(change_members(&mock, &q, &body, true))
}

#[handler]
pub fn untag_members(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx(change_members(&mock, &q, &body, false))
}

#[handler]
pub fn tags_of_user(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let openid = json_body(&body)?["openid"].as_str().unwrap_or_default().to_string();
        let user = state.user(&openid)?;
        Ok(json!({ "tagid_list": user.tags.iter().collect::<Vec<_>>() }))
    })())
}

/// A page of openids after `next` ("" = from the start) and the cursor for the next page.
fn page(openids: Vec<String>, next: &str, size: usize) -> Value {
    let start =
        if next.is_empty() { 0 } else { openids.iter().position(|o| o == next).map_or(openids.len(), |i| i + 1) };
    let chunk: Vec<String> = openids.iter().skip(start).take(size).cloned().collect();
    let next_openid =
        if start + chunk.len() < openids.len() { chunk.last().cloned().unwrap_or_default() } else { String::new() };
    let data = if chunk.is_empty() { Value::Null } else { json!({ "openid": chunk }) };
    json!({ "count": chunk.len(), "data": data, "next_openid": next_openid })
}

#[handler]
pub fn users_of_tag(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let tag = body["tagid"].as_i64().ok_or((40003, "tagid missing"))?;
        if !state.tags.contains_key(&tag) {
            return Err((45159, "invalid tag id"));
        }
        let openids =
            state.users.values().filter(|u| u.following && u.tags.contains(&tag)).map(|u| u.openid.clone()).collect();
        Ok(page(openids, body["next_openid"].as_str().unwrap_or_default(), state.page_size))
    })())
}

#[handler]
pub fn followers(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let state = authed(&mock, &q)?;
        let openids: Vec<String> = state.users.values().filter(|u| u.following).map(|u| u.openid.clone()).collect();
        let total = openids.len();
        let mut answer = page(openids, q.get("next_openid").map(String::as_str).unwrap_or_default(), state.page_size);
        answer["total"] = json!(total);
        Ok(answer)
    })())
}

#[handler]
pub fn user_info(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let openid = q.get("openid").cloned().unwrap_or_default();
        Ok(info(state.user(&openid)?))
    })())
}

#[handler]
pub fn user_info_batch(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let list = body["user_list"].as_array().ok_or((40003, "user_list missing"))?;
        if list.len() > 100 {
            return Err((45035, "user_list size is too long, at most 100"));
        }
        let mut infos = Vec::new();
        for item in list {
            let openid = item["openid"].as_str().unwrap_or_default();
            infos.push(info(state.user(openid)?));
        }
        Ok(json!({ "user_info_list": infos }))
    })())
}

#[handler]
pub fn update_remark(mock: Data<&Arc<MockPlatform>>, Query(q): Query<Params>, body: String) -> Response {
    wx((|| {
        let mut state = authed(&mock, &q)?;
        let body = json_body(&body)?;
        let remark = body["remark"].as_str().unwrap_or_default().to_string();
        if remark.chars().count() > 30 {
            return Err((45114, "invalid remark length, at most 30"));
        }
        let user = state.user(body["openid"].as_str().unwrap_or_default())?;
        user.remark = remark;
        Ok(json!({}))
    })())
}
