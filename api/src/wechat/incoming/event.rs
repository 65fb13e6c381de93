//! Events: follows, scans, menu clicks, locations, job results and the rest.

use super::optional;
use crate::wechat::xml::{Element, XmlError, XmlWriter};

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `scene` is set when the follow came from a parametric QR code (`qrscene_<scene>`).
    Subscribe {
        scene: Option<String>,
        ticket: Option<String>,
    },
    Unsubscribe,
    /// A parametric QR code scanned by someone already following.
    Scan {
        scene: String,
        ticket: Option<String>,
    },
    Location {
        latitude: f64,
        longitude: f64,
        precision: f64,
    },
    Click {
        key: String,
    },
    View {
        url: String,
        menu_id: Option<String>,
    },
    ScancodePush {
        key: String,
        scan: ScanCode,
    },
    ScancodeWaitmsg {
        key: String,
        scan: ScanCode,
    },
    PicSysphoto {
        key: String,
        pics: Vec<String>,
    },
    PicPhotoOrAlbum {
        key: String,
        pics: Vec<String>,
    },
    PicWeixin {
        key: String,
        pics: Vec<String>,
    },
    LocationSelect {
        key: String,
        place: Place,
    },
    ViewMiniprogram {
        page_path: String,
        menu_id: Option<String>,
    },
    TemplateSendJobFinish {
        msg_id: i64,
        status: String,
    },
    MassSendJobFinish {
        msg_id: i64,
        status: String,
        total: i64,
        filtered: i64,
        sent: i64,
        errors: i64,
    },
    PublishJobFinish {
        publish_id: String,
        status: i64,
        article_id: Option<String>,
    },
    SubscribeMsgPopup {
        items: Vec<SubscribeItem>,
    },
    SubscribeMsgChange {
        items: Vec<SubscribeItem>,
    },
    SubscribeMsgSent {
        items: Vec<SubscribeItem>,
    },
    KfCreateSession {
        kf_account: String,
    },
    KfCloseSession {
        kf_account: String,
    },
    KfSwitchSession {
        from_kf: String,
        to_kf: String,
    },
    Unknown {
        event: String,
        key: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanCode {
    pub scan_type: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub latitude: f64,
    pub longitude: f64,
    pub scale: i64,
    pub label: String,
    pub poiname: Option<String>,
}

/// One template of a subscribe-message event.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscribeItem {
    pub template_id: String,
    /// `accept`/`reject` for popup and change events; `success`/… for sent events.
    pub status: String,
    pub popup_scene: Option<i64>,
    pub msg_id: Option<String>,
    pub error_code: Option<i64>,
}

fn pics(root: &Element) -> Vec<String> {
    root.child("SendPicsInfo")
        .and_then(|info| info.child("PicList"))
        .map(|list| list.children.iter().filter_map(|item| item.text_of("PicMd5Sum").map(str::to_string)).collect())
        .unwrap_or_default()
}

fn scan_code(root: &Element) -> ScanCode {
    let info = root.child("ScanCodeInfo");
    ScanCode {
        scan_type: info.map(|i| i.text_or_empty("ScanType")).unwrap_or_default(),
        result: info.map(|i| i.text_or_empty("ScanResult")).unwrap_or_default(),
    }
}

fn subscribe_items(root: &Element, wrapper: &str) -> Vec<SubscribeItem> {
    let Some(wrapper) = root.child(wrapper) else { return Vec::new() };
    wrapper
        .children
        .iter()
        .filter(|c| c.name == "List")
        .map(|item| SubscribeItem {
            template_id: item.text_or_empty("TemplateId"),
            status: item
                .text_of("SubscribeStatusString")
                .or(item.text_of("ErrorStatus"))
                .unwrap_or_default()
                .to_string(),
            popup_scene: item.number("PopupScene").ok(),
            msg_id: item.text_of("MsgID").map(str::to_string),
            error_code: item.number("ErrorCode").ok(),
        })
        .collect()
}

impl Event {
    /// The protocol's `Event` value.
    pub fn name(&self) -> &str {
        match self {
            Event::Subscribe { .. } => "subscribe",
            Event::Unsubscribe => "unsubscribe",
            Event::Scan { .. } => "SCAN",
            Event::Location { .. } => "LOCATION",
            Event::Click { .. } => "CLICK",
            Event::View { .. } => "VIEW",
            Event::ScancodePush { .. } => "scancode_push",
            Event::ScancodeWaitmsg { .. } => "scancode_waitmsg",
            Event::PicSysphoto { .. } => "pic_sysphoto",
            Event::PicPhotoOrAlbum { .. } => "pic_photo_or_album",
            Event::PicWeixin { .. } => "pic_weixin",
            Event::LocationSelect { .. } => "location_select",
            Event::ViewMiniprogram { .. } => "view_miniprogram",
            Event::TemplateSendJobFinish { .. } => "TEMPLATESENDJOBFINISH",
            Event::MassSendJobFinish { .. } => "MASSSENDJOBFINISH",
            Event::PublishJobFinish { .. } => "PUBLISHJOBFINISH",
            Event::SubscribeMsgPopup { .. } => "subscribe_msg_popup_event",
            Event::SubscribeMsgChange { .. } => "subscribe_msg_change_event",
            Event::SubscribeMsgSent { .. } => "subscribe_msg_sent_event",
            Event::KfCreateSession { .. } => "kf_create_session",
            Event::KfCloseSession { .. } => "kf_close_session",
            Event::KfSwitchSession { .. } => "kf_switch_session",
            Event::Unknown { event, .. } => event,
        }
    }

    /// The `EventKey` as sent (`qrscene_…` for a subscribe from a QR code).
    pub fn key(&self) -> Option<String> {
        match self {
            Event::Subscribe { scene, .. } => scene.as_ref().map(|s| format!("qrscene_{s}")),
            Event::Scan { scene, .. } => Some(scene.clone()),
            Event::Click { key }
            | Event::ScancodePush { key, .. }
            | Event::ScancodeWaitmsg { key, .. }
            | Event::PicSysphoto { key, .. }
            | Event::PicPhotoOrAlbum { key, .. }
            | Event::PicWeixin { key, .. }
            | Event::LocationSelect { key, .. } => Some(key.clone()),
            Event::View { url, .. } => Some(url.clone()),
            Event::ViewMiniprogram { page_path, .. } => Some(page_path.clone()),
            Event::Unknown { key, .. } => key.clone(),
            _ => None,
        }
    }

    pub(super) fn parse(root: &Element) -> Result<Event, XmlError> {
        let key = || root.text_or_empty("EventKey");
        let ticket = optional(root, "Ticket");
        Ok(match root.required("Event")? {
            "subscribe" => Event::Subscribe {
                scene: root.text_of("EventKey").and_then(|k| k.strip_prefix("qrscene_")).map(str::to_string),
                ticket,
            },
            "unsubscribe" => Event::Unsubscribe,
            "SCAN" => Event::Scan { scene: key(), ticket },
            "LOCATION" => Event::Location {
                latitude: root.float("Latitude")?,
                longitude: root.float("Longitude")?,
                precision: root.float("Precision").unwrap_or(0.0),
            },
            "CLICK" => Event::Click { key: key() },
            "VIEW" => Event::View { url: key(), menu_id: optional(root, "MenuId") },
            "scancode_push" => Event::ScancodePush { key: key(), scan: scan_code(root) },
            "scancode_waitmsg" => Event::ScancodeWaitmsg { key: key(), scan: scan_code(root) },
            "pic_sysphoto" => Event::PicSysphoto { key: key(), pics: pics(root) },
            "pic_photo_or_album" => Event::PicPhotoOrAlbum { key: key(), pics: pics(root) },
            "pic_weixin" => Event::PicWeixin { key: key(), pics: pics(root) },
            "location_select" => {
                let info = root.child("SendLocationInfo").ok_or(XmlError::Missing("SendLocationInfo"))?;
                Event::LocationSelect {
                    key: key(),
                    place: Place {
                        latitude: info.float("Location_X")?,
                        longitude: info.float("Location_Y")?,
                        scale: info.number("Scale").unwrap_or(0),
                        label: info.text_or_empty("Label"),
                        poiname: optional(info, "Poiname"),
                    },
                }
            }
            "view_miniprogram" => Event::ViewMiniprogram { page_path: key(), menu_id: optional(root, "MenuId") },
            "TEMPLATESENDJOBFINISH" => {
                Event::TemplateSendJobFinish { msg_id: root.number("MsgID")?, status: root.text_or_empty("Status") }
            }
            "MASSSENDJOBFINISH" => Event::MassSendJobFinish {
                msg_id: root.number("MsgID")?,
                status: root.text_or_empty("Status"),
                total: root.number("TotalCount").unwrap_or(0),
                filtered: root.number("FilterCount").unwrap_or(0),
                sent: root.number("SentCount").unwrap_or(0),
                errors: root.number("ErrorCount").unwrap_or(0),
            },
            "PUBLISHJOBFINISH" => {
                let info = root.child("PublishEventInfo").ok_or(XmlError::Missing("PublishEventInfo"))?;
                Event::PublishJobFinish {
                    publish_id: info.text_or_empty("publish_id"),
                    status: info.number("publish_status").unwrap_or(-1),
                    article_id: optional(info, "article_id"),
                }
            }
            "subscribe_msg_popup_event" => {
                Event::SubscribeMsgPopup { items: subscribe_items(root, "SubscribeMsgPopupEvent") }
            }
            "subscribe_msg_change_event" => {
                Event::SubscribeMsgChange { items: subscribe_items(root, "SubscribeMsgChangeEvent") }
            }
            "subscribe_msg_sent_event" => {
                Event::SubscribeMsgSent { items: subscribe_items(root, "SubscribeMsgSentEvent") }
            }
            "kf_create_session" => Event::KfCreateSession { kf_account: root.text_or_empty("KfAccount") },
            "kf_close_session" => Event::KfCloseSession { kf_account: root.text_or_empty("KfAccount") },
            "kf_switch_session" => Event::KfSwitchSession {
                from_kf: root.text_or_empty("FromKfAccount"),
                to_kf: root.text_or_empty("ToKfAccount"),
            },
            other => Event::Unknown { event: other.to_string(), key: optional(root, "EventKey") },
        })
    }

    pub(super) fn write(&self, w: &mut XmlWriter) {
        w.text("Event", self.name());
        let write_pics = |w: &mut XmlWriter, key: &str, pics: &[String]| {
            w.text("EventKey", key).open("SendPicsInfo").number("Count", pics.len()).open("PicList");
            for pic in pics {
                w.open("item").text("PicMd5Sum", pic).close("item");
            }
            w.close("PicList").close("SendPicsInfo");
        };
        let write_items = |w: &mut XmlWriter, wrapper: &str, items: &[SubscribeItem]| {
            w.open(wrapper);
            for item in items {
                w.open("List").text("TemplateId", &item.template_id);
                if let Some(id) = &item.msg_id {
                    w.number("MsgID", id);
                }
                if let Some(code) = item.error_code {
                    w.number("ErrorCode", code).text("ErrorStatus", &item.status);
                } else {
                    w.text("SubscribeStatusString", &item.status);
                }
                if let Some(scene) = item.popup_scene {
                    w.number("PopupScene", scene);
                }
                w.close("List");
            }
            w.close(wrapper);
        };
        match self {
            Event::Subscribe { scene, ticket } => {
                if let Some(scene) = scene {
                    w.text("EventKey", &format!("qrscene_{scene}"));
                }
                if let Some(ticket) = ticket {
                    w.text("Ticket", ticket);
                }
            }
            Event::Scan { scene, ticket } => {
                w.text("EventKey", scene);
                if let Some(ticket) = ticket {
                    w.text("Ticket", ticket);
                }
            }
            Event::Location { latitude, longitude, precision } => {
                w.number("Latitude", latitude).number("Longitude", longitude).number("Precision", precision);
            }
            Event::Click { key } => {
                w.text("EventKey", key);
            }
            Event::View { url, menu_id } | Event::ViewMiniprogram { page_path: url, menu_id } => {
                w.text("EventKey", url);
                if let Some(menu) = menu_id {
                    w.text("MenuId", menu);
                }
            }
            Event::ScancodePush { key, scan } | Event::ScancodeWaitmsg { key, scan } => {
                w.text("EventKey", key).open("ScanCodeInfo").text("ScanType", &scan.scan_type);
                w.text("ScanResult", &scan.result).close("ScanCodeInfo");
            }
            Event::PicSysphoto { key, pics }
            | Event::PicPhotoOrAlbum { key, pics }
            | Event::PicWeixin { key, pics } => write_pics(w, key, pics),
            Event::LocationSelect { key, place } => {
                w.text("EventKey", key).open("SendLocationInfo");
                w.text("Location_X", &place.latitude.to_string()).text("Location_Y", &place.longitude.to_string());
                w.text("Scale", &place.scale.to_string()).text("Label", &place.label);
                w.text("Poiname", place.poiname.as_deref().unwrap_or_default()).close("SendLocationInfo");
            }
            Event::TemplateSendJobFinish { msg_id, status } => {
                w.number("MsgID", msg_id).text("Status", status);
            }
            Event::MassSendJobFinish { msg_id, status, total, filtered, sent, errors } => {
                w.number("MsgID", msg_id).text("Status", status).number("TotalCount", total);
                w.number("FilterCount", filtered).number("SentCount", sent).number("ErrorCount", errors);
            }
            Event::PublishJobFinish { publish_id, status, article_id } => {
                w.open("PublishEventInfo").text("publish_id", publish_id).number("publish_status", status);
                if let Some(article) = article_id {
                    w.text("article_id", article);
                }
                w.close("PublishEventInfo");
            }
            Event::SubscribeMsgPopup { items } => write_items(w, "SubscribeMsgPopupEvent", items),
            Event::SubscribeMsgChange { items } => write_items(w, "SubscribeMsgChangeEvent", items),
            Event::SubscribeMsgSent { items } => write_items(w, "SubscribeMsgSentEvent", items),
            Event::KfCreateSession { kf_account } | Event::KfCloseSession { kf_account } => {
                w.text("KfAccount", kf_account);
            }
            Event::KfSwitchSession { from_kf, to_kf } => {
                w.text("FromKfAccount", from_kf).text("ToKfAccount", to_kf);
            }
            Event::Unsubscribe => {}
            Event::Unknown { key, .. } => {
                if let Some(key) = key {
                    w.text("EventKey", key);
                }
            }
        }
    }
}
