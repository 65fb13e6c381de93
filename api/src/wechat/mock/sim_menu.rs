//! `GET /sim/users/{openid}/menu`: the published menu as one simulated follower sees it
//! (conditional menus matched by their tags), for the console's simulator to draw as the
//! buttons under a chat.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{handler, IntoResponse, Response};
use serde_json::json;

use super::sim::refuse;
use super::MockPlatform;

/// The menu this follower's chat shows (conditional menus by their tags), for the
/// simulator to draw as buttons; 404 `no_menu` before one is published.
#[handler]
pub(super) fn user_menu(mock: Data<&Arc<MockPlatform>>, Path(openid): Path<String>) -> Response {
    let state = mock.state();
    let Some(user) = state.users.get(&openid) else {
        return refuse(StatusCode::NOT_FOUND, "not_found", "no such follower");
    };
    match state.menu_for(&user.tags) {
        Some(button) => Json(json!({ "button": button })).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "no_menu", "no menu is published"),
    }
}
