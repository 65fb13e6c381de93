//! `报名 1234`, `取消报名 1234`, `报名` and the ACTIVITIES menu key. Being filled in (issue 7).

use crate::wechat::webhook::router::{Context, HandlerResult};

pub async fn sign_up(_ctx: Context) -> HandlerResult {
    Ok(None)
}

pub async fn cancel(_ctx: Context) -> HandlerResult {
    Ok(None)
}

pub async fn list(_ctx: Context) -> HandlerResult {
    Ok(None)
}
