//! Custom menus as the console edits them, with the platform's rules checked here so
//! the editor can point at the exact button that breaks one before anything is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One button, in the platform's JSON shape (`type`, `name`, `key`, `url` …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MenuButton {
    /// click, view, miniprogram, scancode_push, scancode_waitmsg, pic_sysphoto,
    /// pic_photo_or_album, pic_weixin, location_select, media_id, article_id,
    /// article_view_limited; absent for a button that only opens sub-buttons.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", oai(rename = "type"))]
    pub kind: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagepath: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", oai(default))]
    pub sub_button: Vec<MenuButton>,
}

/// The button types the platform knows.
pub const BUTTON_TYPES: &[&str] = &[
    "click",
    "view",
    "miniprogram",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
    "media_id",
    "article_id",
    "article_view_limited",
];

/// One broken rule, at `path` (`button[0].sub_button[2].name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MenuProblem {
    pub path: String,
    /// `no_buttons`, `too_many_buttons`, `too_many_sub_buttons`, `name_required`,
    /// `name_too_long`, `type_required`, `unknown_type`, `key_required`, `key_too_long`,
    /// `url_required`, `url_too_long`, `url_invalid`, `media_id_required`,
    /// `article_id_required`, `appid_required`, `pagepath_required`.
    pub code: String,
}

fn problem(path: String, code: &str) -> MenuProblem {
    MenuProblem { path, code: code.to_string() }
}

fn required(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

fn check(button: &MenuButton, path: String, top: bool, out: &mut Vec<MenuProblem>) {
    let name_limit = if top { 16 } else { 60 };
    if button.name.trim().is_empty() {
        out.push(problem(format!("{path}.name"), "name_required"));
    } else if button.name.len() > name_limit {
        out.push(problem(format!("{path}.name"), "name_too_long"));
    }
    if top && !button.sub_button.is_empty() {
        if button.sub_button.len() > 5 {
            out.push(problem(format!("{path}.sub_button"), "too_many_sub_buttons"));
        }
        for (i, sub) in button.sub_button.iter().enumerate() {
            check(sub, format!("{path}.sub_button[{i}]"), false, out);
        }
        return;
    }
    let Some(kind) = button.kind.as_deref().filter(|k| !k.is_empty()) else {
        out.push(problem(format!("{path}.type"), "type_required"));
        return;
    };
    if !BUTTON_TYPES.contains(&kind) {
        out.push(problem(format!("{path}.type"), "unknown_type"));
        return;
    }
    let url = |out: &mut Vec<MenuProblem>| {
        let field = format!("{path}.url");
        match button.url.as_deref().map(str::trim) {
            None | Some("") => out.push(problem(field, "url_required")),
            Some(u) if u.len() > 1024 => out.push(problem(field, "url_too_long")),
            Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) => {
                out.push(problem(field, "url_invalid"))
            }
            _ => {}
        }
    };
    match kind {
        "view" => url(out),
        "miniprogram" => {
            url(out);
            if !required(&button.appid) {
                out.push(problem(format!("{path}.appid"), "appid_required"));
            }
            if !required(&button.pagepath) {
                out.push(problem(format!("{path}.pagepath"), "pagepath_required"));
            }
        }
        "media_id" => {
            if !required(&button.media_id) {
                out.push(problem(format!("{path}.media_id"), "media_id_required"));
            }
        }
        "article_id" | "article_view_limited" => {
            if !required(&button.article_id) {
                out.push(problem(format!("{path}.article_id"), "article_id_required"));
            }
        }
        _ => match button.key.as_deref().map(str::trim) {
            None | Some("") => out.push(problem(format!("{path}.key"), "key_required")),
            Some(k) if k.len() > 128 => out.push(problem(format!("{path}.key"), "key_too_long")),
            _ => {}
        },
    }
}

/// Every rule the platform applies: 1–3 buttons, 1–5 sub-buttons, names at most 16
/// bytes (top) or 60 bytes (sub; UTF-8, so a Chinese character counts 3), keys at most
/// 128 bytes, URLs at most 1024 bytes, and the field each type needs.
pub fn validate(buttons: &[MenuButton]) -> Vec<MenuProblem> {
    let mut out = Vec::new();
    if buttons.is_empty() {
        out.push(problem("button".into(), "no_buttons"));
    } else if buttons.len() > 3 {
        out.push(problem("button".into(), "too_many_buttons"));
    }
    for (i, button) in buttons.iter().enumerate() {
        check(button, format!("button[{i}]"), true, &mut out);
    }
    out
}

/// Who sees a menu: everyone (the default menu), or followers with a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", oai(rename_all = "snake_case"))]
pub enum MenuTarget {
    /// Everyone without a more specific menu.
    Default,
    /// Bound students (the 学生 tag).
    Students,
    /// Bound teachers (the 教师 tag).
    Teachers,
    /// Followers with the WeChat tag `tag_id` (a mirrored class or group).
    Tag,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MenuDraft {
    pub id: i64,
    pub name: String,
    pub target: MenuTarget,
    pub tag_id: Option<i64>,
    pub buttons: Vec<MenuButton>,
    /// When it was last published to WeChat (edits since are not live).
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct NewMenu {
    pub name: String,
    pub target: MenuTarget,
    #[serde(default)]
    pub tag_id: Option<i64>,
    pub buttons: Vec<MenuButton>,
}

/// A menu key (or page) Banji's own features answer to, offered in the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct MenuFeature {
    pub label: String,
    /// `click` (Banji answers the key) or `view` (opens a Banji page).
    pub kind: String,
    pub key: Option<String>,
    pub url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(name: &str, key: &str) -> MenuButton {
        MenuButton { kind: Some("click".into()), name: name.into(), key: Some(key.into()), ..MenuButton::default() }
    }

    #[test]
    fn a_good_menu_has_no_problems() {
        let parent =
            MenuButton { name: "更多".into(), sub_button: vec![click("帮助", "HELP")], ..MenuButton::default() };
        assert_eq!(validate(&[click("通知", "NOTICES"), parent]), []);
    }

    #[test]
    fn each_broken_rule_is_reported_at_its_button() {
        let long = click("一二三四五六", "K"); // 18 bytes: too long for a top button
        let no_url = MenuButton { kind: Some("view".into()), name: "网页".into(), ..MenuButton::default() };
        let parent = MenuButton { name: "更多".into(), sub_button: vec![click("a", ""); 6], ..MenuButton::default() };
        let codes: Vec<(String, String)> =
            validate(&[long, no_url, parent, click("d", "D")]).into_iter().map(|p| (p.path, p.code)).collect();
        assert!(codes.contains(&("button".into(), "too_many_buttons".into())));
        assert!(codes.contains(&("button[0].name".into(), "name_too_long".into())));
        assert!(codes.contains(&("button[1].url".into(), "url_required".into())));
        assert!(codes.contains(&("button[2].sub_button".into(), "too_many_sub_buttons".into())));
        assert!(codes.contains(&("button[2].sub_button[5].key".into(), "key_required".into())));
    }

    #[test]
    fn a_sub_button_name_may_be_longer_than_a_top_one() {
        let parent = MenuButton {
            name: "更多".into(),
            sub_button: vec![click("一二三四五六七八", "K")],
            ..MenuButton::default()
        };
        assert_eq!(validate(&[parent]), []);
    }
}
