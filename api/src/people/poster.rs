//! A class's binding poster (班级绑定海报): the account's follow QR code with the class's
//! scene (`class:{id}`), printed with the steps and put up in the classroom. Scanning it
//! follows the account and is answered with an invitation to bind that names the class
//! (`scanned`, routed in `crate::conversation`); a student who already follows gets the
//! same answer from a scan. The code is permanent — a quota the account spends — so it is
//! made once per class and kept (`classes.poster_ticket`).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use shared::BindPoster;

use super::replies::{bind_page, BIND_USAGE};
use super::{classes, followers, Scope};
use crate::api_tags::ApiTags;
use crate::auth::BearerAuth;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::wechat::client::media::QrScene;
use crate::wechat::reply::Article;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::{Event, Reply};

/// The scene of a class's poster: `class:{id}`.
pub const CLASS_SCENE: &str = "class:";

pub struct PosterApi;

#[OpenApi(prefix_path = "/v1/classes", tag = "ApiTags::People")]
impl PosterApi {
    /// The class's binding poster (its teachers and admins): the follow QR code naming the
    /// class, made on first use and the same ever after, and the binding page.
    #[oai(path = "/:id/poster", method = "get")]
    async fn poster(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<BindPoster>> {
        Scope::of(&auth.0).class(&state.db, id.0).await?;
        let class = classes::get(&state.db, id.0).await?;
        let ticket = ticket(&state, id.0).await?;
        Ok(Json(BindPoster {
            class_id: class.id,
            class_name: class.name,
            qr_image_url: state.wechat.client.qrcode_image_url(&ticket),
            bind_url: bind_page(&state),
        }))
    }
}

/// The class's permanent code, made now if it has none. Two first printings at once
/// may both make one; the first kept wins and the other is never shown.
async fn ticket(state: &AppState, class: i64) -> ApiResult<String> {
    let kept = || async {
        sqlx::query_scalar::<_, Option<String>>("SELECT poster_ticket FROM classes WHERE id = $1")
            .bind(class)
            .fetch_one(state.db.pool())
            .await
    };
    if let Some(ticket) = kept().await? {
        return Ok(ticket);
    }
    let qr = state
        .wechat
        .client
        .create_qrcode(&QrScene::Str(format!("{CLASS_SCENE}{class}")), None)
        .await
        .map_err(|e| e.to_api_error("WeChat did not make the poster's code"))?;
    sqlx::query("UPDATE classes SET poster_ticket = $1 WHERE id = $2 AND poster_ticket IS NULL")
        .bind(&qr.ticket)
        .bind(class)
        .execute(state.db.pool())
        .await?;
    Ok(kept().await?.unwrap_or(qr.ticket))
}

/// Someone scanned a class's poster: welcome them in the class's name and lead them to
/// bind (or, already bound, say so).
pub async fn scanned(ctx: Context) -> HandlerResult {
    let openid = ctx.incoming.openid.clone();
    if matches!(ctx.incoming.event(), Some(Event::Subscribe { .. })) {
        followers::followed(&ctx.state.db, &openid).await?;
    }
    let key = ctx.incoming.event().and_then(Event::key).unwrap_or_default();
    let class_id: Option<i64> =
        key.trim_start_matches("qrscene_").strip_prefix(CLASS_SCENE).and_then(|id| id.parse().ok());
    let class: Option<String> = match class_id {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM classes WHERE id = $1")
                .bind(id)
                .fetch_optional(ctx.state.db.pool())
                .await?
        }
        None => None,
    };
    Ok(Some(invitation(&ctx.state, &openid, class.as_deref()).await?))
}

/// The answer to a scan of a code that invites to a class (the poster, a class's QR code):
/// the invitation to bind in the class's name, or, already bound, that they are.
pub async fn invitation(state: &AppState, openid: &str, class: Option<&str>) -> sqlx::Result<Reply> {
    let bound: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT s.name, c.name FROM students s LEFT JOIN classes c ON c.id = s.class_id WHERE s.openid = $1",
    )
    .bind(openid)
    .fetch_optional(state.db.pool())
    .await?;
    if let Some((name, own_class)) = bound {
        let of = own_class.map(|c| format!("（{c}）")).unwrap_or_default();
        return Ok(Reply::text(format!("{name}同学{of}，你已绑定，会在这里收到班级通知。发送「帮助」查看可用指令。")));
    }
    let title = match class {
        Some(name) => format!("欢迎{name}的同学！请先绑定学号"),
        None => "欢迎关注！请先绑定学号".to_string(),
    };
    Ok(Reply::News {
        articles: vec![Article {
            title,
            description: format!(
                "点开本消息绑定，绑定后即可接收班级通知、确认已读、参与签到。也可以直接发送：{}",
                BIND_USAGE.lines().next().unwrap_or_default()
            ),
            pic_url: String::new(),
            url: bind_page(state),
        }],
    })
}
