//! The `/cgi-bin` route table of the mock: the same paths as the platform's server API.

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use poem::{get, post, Route};

use super::state::{Failure, MockState};
use super::{mass, media, messages, misc, people, templates, tokens, MockPlatform};

pub type Params = HashMap<String, String>;

pub fn routes() -> Route {
    Route::new()
        .at("/token", get(tokens::legacy_token))
        .at("/stable_token", post(tokens::stable_token))
        .at("/ticket/getticket", get(tokens::jsapi_ticket))
        .at("/menu/create", post(misc::menu_create))
        .at("/menu/get", get(misc::menu_get))
        .at("/menu/delete", get(misc::menu_delete))
        .at("/menu/addconditional", post(misc::menu_add_conditional))
        .at("/menu/delconditional", post(misc::menu_del_conditional))
        .at("/menu/trymatch", post(misc::menu_trymatch))
        .at("/tags/create", post(people::tag_create))
        .at("/tags/get", get(people::tag_list))
        .at("/tags/update", post(people::tag_update))
        .at("/tags/delete", post(people::tag_delete))
        .at("/tags/members/batchtagging", post(people::tag_members))
        .at("/tags/members/batchuntagging", post(people::untag_members))
        .at("/tags/getidlist", post(people::tags_of_user))
        .at("/user/tag/get", post(people::users_of_tag))
        .at("/user/get", get(people::followers))
        .at("/user/info", get(people::user_info))
        .at("/user/info/batchget", post(people::user_info_batch))
        .at("/user/info/updateremark", post(people::update_remark))
        .at("/message/custom/send", post(messages::custom_send))
        .at("/message/template/send", post(templates::template_send))
        .at("/template/get_all_private_template", get(templates::template_list))
        .at("/template/api_add_template", post(templates::template_add))
        .at("/template/del_private_template", post(templates::template_delete))
        .at("/message/subscribe/bizsend", post(templates::subscribe_send))
        .at("/message/mass/sendall", post(mass::mass_sendall))
        .at("/message/mass/send", post(mass::mass_send))
        .at("/message/mass/get", post(mass::mass_get))
        .at("/message/mass/preview", post(mass::mass_preview))
        .at("/message/mass/delete", post(mass::mass_delete))
        .at("/draft/add", post(mass::draft_add))
        .at("/draft/get", post(mass::draft_get))
        .at("/draft/delete", post(mass::draft_delete))
        .at("/media/uploadvideo", post(mass::upload_video))
        .at("/media/upload", post(media::upload))
        .at("/media/get", get(media::get))
        .at("/material/add_material", post(misc::material_add))
        .at("/media/uploadimg", post(misc::media_uploadimg))
        .at("/qrcode/create", post(misc::qrcode_create))
}

/// The state, once the call's `access_token` checks out.
pub fn authed<'a>(mock: &'a Arc<MockPlatform>, params: &Params) -> Result<MutexGuard<'a, MockState>, Failure> {
    let state = mock.state();
    state.check_token(params.get("access_token"))?;
    Ok(state)
}
