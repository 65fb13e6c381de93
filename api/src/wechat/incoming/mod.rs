//! What a follower sends: every message and event type of the protocol as one typed
//! value. Parsing is here, and so is writing (the mock platform sends these), so the two
//! directions are tested against each other. Unknown types are kept, never refused.

mod event;

pub use event::{Event, Place, ScanCode, SubscribeItem};

use super::xml::{self, Element, XmlError, XmlWriter};

#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// Our account's id (`gh_…`).
    pub to: String,
    /// The follower's openid (`FromUserName`).
    pub openid: String,
    /// Seconds since the epoch.
    pub create_time: i64,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Text {
        msg_id: i64,
        content: String,
    },
    Image {
        msg_id: i64,
        pic_url: String,
        media_id: String,
    },
    Voice {
        msg_id: i64,
        media_id: String,
        format: String,
        recognition: Option<String>,
    },
    Video {
        msg_id: i64,
        media_id: String,
        thumb_media_id: String,
    },
    ShortVideo {
        msg_id: i64,
        media_id: String,
        thumb_media_id: String,
    },
    Location {
        msg_id: i64,
        latitude: f64,
        longitude: f64,
        scale: i64,
        label: String,
    },
    Link {
        msg_id: i64,
        title: String,
        description: String,
        url: String,
    },
    Event(Event),
    /// A message type this version does not know; the raw XML is stored.
    Unknown {
        msg_type: String,
    },
}

impl Incoming {
    pub fn parse(text: &str) -> Result<Incoming, XmlError> {
        let root = xml::parse(text)?;
        Ok(Incoming {
            to: root.required("ToUserName")?.to_string(),
            openid: root.required("FromUserName")?.to_string(),
            create_time: root.number("CreateTime")?,
            body: Body::parse(&root)?,
        })
    }

    /// The protocol's `MsgType`.
    pub fn msg_type(&self) -> &str {
        match &self.body {
            Body::Text { .. } => "text",
            Body::Image { .. } => "image",
            Body::Voice { .. } => "voice",
            Body::Video { .. } => "video",
            Body::ShortVideo { .. } => "shortvideo",
            Body::Location { .. } => "location",
            Body::Link { .. } => "link",
            Body::Event(_) => "event",
            Body::Unknown { msg_type } => msg_type,
        }
    }

    pub fn event(&self) -> Option<&Event> {
        match &self.body {
            Body::Event(event) => Some(event),
            _ => None,
        }
    }

    pub fn msg_id(&self) -> Option<i64> {
        match &self.body {
            Body::Text { msg_id, .. }
            | Body::Image { msg_id, .. }
            | Body::Voice { msg_id, .. }
            | Body::Video { msg_id, .. }
            | Body::ShortVideo { msg_id, .. }
            | Body::Location { msg_id, .. }
            | Body::Link { msg_id, .. } => Some(*msg_id),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.body {
            Body::Text { content, .. } => Some(content),
            _ => None,
        }
    }

    /// What makes a retried delivery recognisable: `MsgId` for messages; the job's own
    /// id for job results (several finish within one second from the same sender);
    /// sender + time + event + key for other events (they have no id).
    pub fn dedup_key(&self) -> String {
        match (self.msg_id(), self.event()) {
            (Some(id), _) => format!("msg:{id}"),
            (None, Some(Event::TemplateSendJobFinish { msg_id, .. })) => format!("job:template:{msg_id}"),
            (None, Some(Event::MassSendJobFinish { msg_id, .. })) => format!("job:mass:{msg_id}"),
            (None, Some(Event::PublishJobFinish { publish_id, .. })) => format!("job:publish:{publish_id}"),
            (None, Some(event)) => {
                format!("evt:{}:{}:{}:{}", self.openid, self.create_time, event.name(), event.key().unwrap_or_default())
            }
            (None, None) => format!("other:{}:{}:{}", self.openid, self.create_time, self.msg_type()),
        }
    }

    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.text("ToUserName", &self.to).text("FromUserName", &self.openid).number("CreateTime", self.create_time);
        w.text("MsgType", self.msg_type());
        self.body.write(&mut w);
        w.finish()
    }
}

pub(crate) fn optional(root: &Element, name: &str) -> Option<String> {
    root.text_of(name).filter(|s| !s.is_empty()).map(str::to_string)
}

impl Body {
    /// A known type missing a field it should have (or with a field that is not a
    /// number) is kept as unknown, so it is still stored and acknowledged: the platform
    /// would otherwise retry, and the follower see "该公众号暂时无法提供服务".
    fn parse(root: &Element) -> Result<Body, XmlError> {
        let msg_type = root.required("MsgType")?;
        match Body::parse_known(root, msg_type) {
            Err(err @ (XmlError::Missing(_) | XmlError::NotANumber(_))) => {
                tracing::warn!(msg_type, error = %err, "message kept as unknown: a field of its type is missing or bad");
                Ok(match msg_type {
                    "event" => Body::Event(Event::Unknown {
                        event: root.text_or_empty("Event"),
                        key: optional(root, "EventKey"),
                    }),
                    other => Body::Unknown { msg_type: other.to_string() },
                })
            }
            other => other,
        }
    }

    fn parse_known(root: &Element, msg_type: &str) -> Result<Body, XmlError> {
        let msg_id = || root.number("MsgId");
        Ok(match msg_type {
            "text" => Body::Text { msg_id: msg_id()?, content: root.required("Content")?.to_string() },
            "image" => Body::Image {
                msg_id: msg_id()?,
                pic_url: root.text_or_empty("PicUrl"),
                media_id: root.text_or_empty("MediaId"),
            },
            "voice" => Body::Voice {
                msg_id: msg_id()?,
                media_id: root.text_or_empty("MediaId"),
                format: root.text_or_empty("Format"),
                recognition: optional(root, "Recognition"),
            },
            "video" => Body::Video {
                msg_id: msg_id()?,
                media_id: root.text_or_empty("MediaId"),
                thumb_media_id: root.text_or_empty("ThumbMediaId"),
            },
            "shortvideo" => Body::ShortVideo {
                msg_id: msg_id()?,
                media_id: root.text_or_empty("MediaId"),
                thumb_media_id: root.text_or_empty("ThumbMediaId"),
            },
            "location" => Body::Location {
                msg_id: msg_id()?,
                latitude: root.float("Location_X")?,
                longitude: root.float("Location_Y")?,
                scale: root.number("Scale").unwrap_or(0),
                label: root.text_or_empty("Label"),
            },
            "link" => Body::Link {
                msg_id: msg_id()?,
                title: root.text_or_empty("Title"),
                description: root.text_or_empty("Description"),
                url: root.text_or_empty("Url"),
            },
            "event" => Body::Event(Event::parse(root)?),
            other => Body::Unknown { msg_type: other.to_string() },
        })
    }

    fn write(&self, w: &mut XmlWriter) {
        match self {
            Body::Text { msg_id, content } => {
                w.text("Content", content).number("MsgId", msg_id);
            }
            Body::Image { msg_id, pic_url, media_id } => {
                w.text("PicUrl", pic_url).text("MediaId", media_id).number("MsgId", msg_id);
            }
            Body::Voice { msg_id, media_id, format, recognition } => {
                w.text("MediaId", media_id).text("Format", format);
                if let Some(r) = recognition {
                    w.text("Recognition", r);
                }
                w.number("MsgId", msg_id);
            }
            Body::Video { msg_id, media_id, thumb_media_id }
            | Body::ShortVideo { msg_id, media_id, thumb_media_id } => {
                w.text("MediaId", media_id).text("ThumbMediaId", thumb_media_id).number("MsgId", msg_id);
            }
            Body::Location { msg_id, latitude, longitude, scale, label } => {
                w.number("Location_X", latitude).number("Location_Y", longitude).number("Scale", scale);
                w.text("Label", label).number("MsgId", msg_id);
            }
            Body::Link { msg_id, title, description, url } => {
                w.text("Title", title).text("Description", description).text("Url", url).number("MsgId", msg_id);
            }
            Body::Event(event) => event.write(w),
            Body::Unknown { .. } => {}
        }
    }
}
