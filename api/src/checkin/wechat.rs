//! Check-in from WeChat: scanning the projected QR code (SCAN, or subscribe with its
//! scene), `签到 123456`, `签到` / the CHECKIN menu key, and LOCATION events.

use crate::wechat::webhook::router::{Context, HandlerResult};

pub async fn scanned(_ctx: Context) -> HandlerResult {
    Ok(None)
}

pub async fn code_sent(_ctx: Context) -> HandlerResult {
    Ok(None)
}

pub async fn location(_ctx: Context) -> HandlerResult {
    Ok(None)
}
