//! The seed's request and answer bodies, in the platform's field names; a form's fields
//! come as JSON or as form fields (`FromFields`).

use poem_openapi::{Object, Union};
use shared::MenuButton;

use super::fields::{Fields, FromFields};

/// The seed's menu JSON: `{"button": [...]}`.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct SeedMenu {
    pub button: Vec<MenuButton>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct MenuAnswer {
    pub menu: SeedMenu,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagRef {
    pub id: i64,
    pub name: String,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagCreated {
    pub tag: TagRef,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagCount {
    pub id: i64,
    pub name: String,
    /// Followers with this tag.
    pub count: i64,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagList {
    pub tags: Vec<TagCount>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct OpenidList {
    pub openid: Vec<String>,
}

/// Followers with a tag, a page at a time (`next_openid` continues).
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagUsers {
    pub count: i64,
    pub data: OpenidList,
    pub next_openid: String,
}

/// The tags of one follower.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TagIdList {
    pub tagid_list: Vec<i64>,
}

#[derive(Union, Debug)]
pub enum UserTags {
    Users(TagUsers),
    Tags(TagIdList),
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagName {
    /// The new tag's name.
    pub name: Option<String>,
}

impl FromFields for TagName {
    fn from_fields(f: &Fields) -> Self {
        TagName { name: f.one("name") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagRename {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl FromFields for TagRename {
    fn from_fields(f: &Fields) -> Self {
        TagRename { id: f.one("id"), name: f.one("name") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagId {
    pub id: Option<String>,
}

impl FromFields for TagId {
    fn from_fields(f: &Fields) -> Self {
        TagId { id: f.one("id") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct TagMembers {
    /// Repeated fields, or one field holding a JSON array.
    pub openid_list: Vec<String>,
    pub tagid: Option<String>,
}

impl FromFields for TagMembers {
    fn from_fields(f: &Fields) -> Self {
        TagMembers { openid_list: f.list("openid_list"), tagid: f.one("tagid") }
    }
}

#[derive(Object, Debug, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct RemarkForm {
    pub openid: Option<String>,
    pub remark: Option<String>,
}

impl FromFields for RemarkForm {
    fn from_fields(f: &Fields) -> Self {
        // An empty remark clears it, so keep it even when empty.
        RemarkForm { openid: f.one("openid"), remark: f.one("remark").or(Some(String::new())) }
    }
}
