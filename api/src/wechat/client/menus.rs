//! Custom menus and conditional menus, with the platform's rules checked before sending
//! (the mock enforces the same rules with the same error codes).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Ok, WechatClient, WechatError, WechatResult};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Menu {
    pub button: Vec<Button>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Button {
    /// click, view, miniprogram, scancode_push, scancode_waitmsg, pic_sysphoto,
    /// pic_photo_or_album, pic_weixin, location_select, media_id, article_id,
    /// article_view_limited; absent for a button that only opens sub-buttons.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_button: Vec<Button>,
}

/// Who sees a conditional menu.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<String>,
    /// 1 iOS, 2 Android, 3 others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_platform_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MenuInfo {
    pub menu: Option<Menu>,
    #[serde(default)]
    pub conditionalmenu: Vec<ConditionalMenu>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionalMenu {
    pub button: Vec<Button>,
    pub matchrule: MatchRule,
    pub menuid: serde_json::Value,
}

const TYPES: &[&str] = &[
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

fn invalid(code: i64, message: &str) -> WechatError {
    WechatError::Api { code, message: message.to_string() }
}

fn check_button(button: &Button, top: bool) -> WechatResult<()> {
    let name_limit = if top { 16 } else { 60 };
    if button.name.is_empty() || button.name.len() > name_limit {
        return Err(invalid(40018, "invalid button name size"));
    }
    if top && !button.sub_button.is_empty() {
        if button.sub_button.len() > 5 {
            return Err(invalid(40023, "invalid sub button size"));
        }
        return button.sub_button.iter().try_for_each(|b| check_button(b, false));
    }
    let kind = button.kind.as_deref().ok_or_else(|| invalid(40017, "invalid button type"))?;
    if !TYPES.contains(&kind) {
        return Err(invalid(40017, "invalid button type"));
    }
    let needs = |field: &Option<String>, code: i64, limit: usize| match field {
        Some(v) if !v.is_empty() && v.len() <= limit => Ok(()),
        _ => Err(invalid(code, "invalid button field")),
    };
    match kind {
        "view" => needs(&button.url, 40055, 1024),
        "miniprogram" => {
            needs(&button.url, 40055, 1024)?;
            needs(&button.appid, 40013, 64)?;
            needs(&button.pagepath, 40017, 1024)
        }
        "media_id" => needs(&button.media_id, 40007, 128),
        "article_id" | "article_view_limited" => needs(&button.article_id, 40007, 128),
        _ => needs(&button.key, 40019, 128),
    }
}

/// The platform's menu rules: 1–3 buttons, 1–5 sub-buttons, names ≤ 16 bytes (top) /
/// 60 bytes (sub), keys ≤ 128 bytes, URLs ≤ 1024 bytes, a known type with its field.
pub fn validate(menu: &Menu) -> WechatResult<()> {
    if menu.button.is_empty() || menu.button.len() > 3 {
        return Err(invalid(40016, "invalid button size"));
    }
    menu.button.iter().try_for_each(|b| check_button(b, true))
}

#[derive(Deserialize)]
struct MenuId {
    menuid: serde_json::Value,
}

impl WechatClient {
    pub async fn create_menu(&self, menu: &Menu) -> WechatResult<()> {
        validate(menu)?;
        self.post::<Ok>("/cgi-bin/menu/create", menu).await.map(drop)
    }

    pub async fn get_menu(&self) -> WechatResult<MenuInfo> {
        self.get("/cgi-bin/menu/get", &[]).await
    }

    pub async fn delete_menu(&self) -> WechatResult<()> {
        self.get::<Ok>("/cgi-bin/menu/delete", &[]).await.map(drop)
    }

    /// Adds a menu shown only to followers matching `rule`; returns its menuid.
    pub async fn add_conditional_menu(&self, menu: &Menu, rule: &MatchRule) -> WechatResult<String> {
        validate(menu)?;
        let body = json!({ "button": menu.button, "matchrule": rule });
        let answer: MenuId = self.post_with("/cgi-bin/menu/addconditional", &body, super::Repeat::IfNotDone).await?;
        Ok(answer.menuid.to_string().trim_matches('"').to_string())
    }

    pub async fn delete_conditional_menu(&self, menuid: &str) -> WechatResult<()> {
        self.post::<Ok>("/cgi-bin/menu/delconditional", &json!({ "menuid": menuid })).await.map(drop)
    }

    /// The menu a given follower (openid or WeChat id) would see.
    pub async fn try_match_menu(&self, user_id: &str) -> WechatResult<Menu> {
        self.post("/cgi-bin/menu/trymatch", &json!({ "user_id": user_id })).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(name: &str) -> Button {
        Button { kind: Some("click".into()), name: name.into(), key: Some("K".into()), ..Button::default() }
    }

    #[test]
    fn menu_rules_follow_the_platform_limits_with_its_codes() {
        assert!(validate(&Menu { button: vec![click("通知")] }).is_ok());
        assert_eq!(validate(&Menu { button: vec![] }).unwrap_err().code(), Some(40016));
        assert_eq!(validate(&Menu { button: vec![click("a"); 4] }).unwrap_err().code(), Some(40016));
        // Six Chinese characters are 18 bytes: too long for a top button, fine below.
        assert_eq!(validate(&Menu { button: vec![click("我的班级通知")] }).unwrap_err().code(), Some(40018));
        let parent =
            Button { name: "更多".into(), sub_button: vec![click("我的班级通知")], ..Button::default() };
        assert!(validate(&Menu { button: vec![parent.clone()] }).is_ok());
        let crowded = Button { sub_button: vec![click("x"); 6], ..parent };
        assert_eq!(validate(&Menu { button: vec![crowded] }).unwrap_err().code(), Some(40023));
        let view = Button { kind: Some("view".into()), name: "官网".into(), ..Button::default() };
        assert_eq!(validate(&Menu { button: vec![view] }).unwrap_err().code(), Some(40055));
        let odd = Button { kind: Some("dance".into()), ..click("x") };
        assert_eq!(validate(&Menu { button: vec![odd] }).unwrap_err().code(), Some(40017));
    }
}
