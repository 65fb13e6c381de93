//! The daily broadcast's curated items (今日推荐): articles, songs and quotes any teacher
//! queues in the console. Each day takes the first one waiting, once — two replicas asking
//! at the same moment get the same item, because the day is unique among the used
//! (`item_of_day`) — and with nothing waiting a built-in quote stands in, turning with the
//! day, so the broadcast always carries one. An item that went out stays as the record of
//! what was sent; only a waiting one can be taken back.

use chrono::{Datelike, NaiveDate};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use shared::{BroadcastItem, ItemKind, NewBroadcastItem};

use crate::api_tags::ApiTags;
use crate::audit::Audit;
use crate::auth::{BearerAuth, Caller};
use crate::db::{is_unique_violation, now_ms, Db};
use crate::error::{ApiError, ApiResult, NoContent};
use crate::state::AppState;

/// Quotes for the days the queue is empty (classics every student knows).
const STANDING: [(&str, &str); 7] = [
    ("《论语》", "学而不思则罔，思而不学则殆。"),
    ("《荀子·劝学》", "不积跬步，无以至千里；不积小流，无以成江海。"),
    ("《礼记·中庸》", "博学之，审问之，慎思之，明辨之，笃行之。"),
    ("屈原《离骚》", "路漫漫其修远兮，吾将上下而求索。"),
    ("《长歌行》", "少壮不努力，老大徒伤悲。"),
    ("韩愈《进学解》", "业精于勤，荒于嬉；行成于思，毁于随。"),
    ("《周易》", "天行健，君子以自强不息。"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
struct ItemRow {
    id: i64,
    kind: String,
    title: String,
    body: String,
    url: String,
    used_on: Option<String>,
    added_by: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.kind, i.title, i.body, i.url, i.used_on, u.display_name AS added_by \
                      FROM broadcast_items i LEFT JOIN users u ON u.id = i.created_by";

impl ItemRow {
    fn into_dto(self) -> BroadcastItem {
        BroadcastItem {
            id: self.id,
            kind: ItemKind::parse(&self.kind).unwrap_or(ItemKind::Article),
            title: self.title,
            text: self.body,
            url: self.url,
            used_on: self.used_on,
            added_by: self.added_by,
        }
    }
}

/// The broadcast's line for an item: 「今日推荐文章：《…》 … https://…」, a quote as
/// 「今日一句：「…」——…」.
pub fn line(item: &BroadcastItem) -> String {
    if item.kind == ItemKind::Quote {
        let by = if item.title.is_empty() { String::new() } else { format!("——{}", item.title) };
        return format!("今日一句：「{}」{by}", item.text);
    }
    let mut line = format!("今日推荐{}：《{}》", item.kind.label(), item.title);
    if !item.text.is_empty() {
        line.push_str(&format!(" {}", item.text));
    }
    if !item.url.is_empty() {
        line.push_str(&format!("\n{}", item.url));
    }
    line
}

/// The standing quote of `date`.
fn standing(date: NaiveDate) -> BroadcastItem {
    let (by, quote) = STANDING[date.ordinal0() as usize % STANDING.len()];
    BroadcastItem {
        id: 0,
        kind: ItemKind::Quote,
        title: by.into(),
        text: quote.into(),
        url: String::new(),
        used_on: None,
        added_by: None,
    }
}

pub(super) async fn used_on(db: &Db, day: &str) -> sqlx::Result<Option<BroadcastItem>> {
    let row: Option<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.used_on = $1")))
        .bind(day)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(ItemRow::into_dto))
}

/// The item of `date`: the one already taken for it, else the first waiting (taken now),
/// else the standing quote of the day.
pub async fn item_of_day(db: &Db, date: NaiveDate) -> sqlx::Result<BroadcastItem> {
    let day = date.format("%Y-%m-%d").to_string();
    for _ in 0..3 {
        if let Some(item) = used_on(db, &day).await? {
            return Ok(item);
        }
        let taken = sqlx::query(
            "UPDATE broadcast_items SET used_on = $1 WHERE used_on IS NULL AND id = \
             (SELECT MIN(id) FROM broadcast_items WHERE used_on IS NULL)",
        )
        .bind(&day)
        .execute(db.pool())
        .await;
        match taken {
            Ok(done) if done.rows_affected() == 0 => {
                // Nothing waiting, or another replica took it for another day between
                // the two: ask again once more before standing in.
                let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM broadcast_items WHERE used_on IS NULL")
                    .fetch_one(db.pool())
                    .await?;
                if waiting == 0 {
                    return Ok(used_on(db, &day).await?.unwrap_or_else(|| standing(date)));
                }
            }
            Ok(_) => {}
            // Another replica took an item for this day first: it is the day's.
            Err(err) if is_unique_violation(&err) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(used_on(db, &day).await?.unwrap_or_else(|| standing(date)))
}

/// Waiting items first (the order they go out), then the last 30 that went out.
pub async fn list(db: &Db) -> sqlx::Result<Vec<BroadcastItem>> {
    let waiting: Vec<ItemRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.used_on IS NULL ORDER BY i.id")))
            .fetch_all(db.pool())
            .await?;
    let sent: Vec<ItemRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.used_on IS NOT NULL ORDER BY i.used_on DESC LIMIT 30"
    )))
    .fetch_all(db.pool())
    .await?;
    Ok(waiting.into_iter().chain(sent).map(ItemRow::into_dto).collect())
}

async fn add(db: &Db, caller: &Caller, new: &NewBroadcastItem) -> ApiResult<BroadcastItem> {
    new.validate()?;
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO broadcast_items (kind, title, body, url, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.kind.as_str())
    .bind(new.title.trim())
    .bind(new.text.trim())
    .bind(new.url.trim())
    .bind(caller.user_id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    Audit::by(caller, "broadcast_item_added")
        .target(format!("broadcast_item:{id}"))
        .detail(if new.title.trim().is_empty() { new.text.trim() } else { new.title.trim() }.to_string())
        .record(&mut *tx)
        .await?;
    let row: ItemRow =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1"))).bind(id).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(row.into_dto())
}

async fn take_back(db: &Db, caller: &Caller, id: i64) -> ApiResult<()> {
    let mut tx = db.begin_write().await?;
    let found: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT used_on, created_by FROM broadcast_items WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((used, by)) = found else { return Err(ApiError::not_found("broadcast item")) };
    // Another teacher's item is theirs to take back (or an admin's).
    if by != Some(caller.user_id) {
        caller.require_admin()?;
    }
    if let Some(day) = used {
        return Err(ApiError::conflict("item_sent", format!("it went out on {day}; it stays as the record")));
    }
    sqlx::query("DELETE FROM broadcast_items WHERE id = $1 AND used_on IS NULL").bind(id).execute(&mut *tx).await?;
    Audit::by(caller, "broadcast_item_removed").target(format!("broadcast_item:{id}")).record(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(ApiResponse)]
enum ItemAdded {
    #[oai(status = 201)]
    Created(Json<BroadcastItem>),
}

pub struct BroadcastItemsApi;

#[OpenApi(prefix_path = "/v1/broadcast", tag = "ApiTags::Broadcast")]
impl BroadcastItemsApi {
    /// Who receives the daily broadcast, and how its last 14 days went (queued, sent,
    /// waiting, failed, opened).
    #[oai(path = "/overview", method = "get")]
    async fn overview(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<shared::BroadcastOverview>> {
        Ok(Json(super::sends::overview(&state.db).await?))
    }

    /// The curated items: those waiting, in the order they go out, then the last 30 sent.
    #[oai(path = "/items", method = "get")]
    async fn list(&self, state: Data<&AppState>, _auth: BearerAuth) -> ApiResult<Json<Vec<BroadcastItem>>> {
        Ok(Json(list(&state.db).await?))
    }

    /// Queue an article, a song or a quote (any teacher).
    #[oai(path = "/items", method = "post")]
    async fn add(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NewBroadcastItem>,
    ) -> ApiResult<ItemAdded> {
        Ok(ItemAdded::Created(Json(add(&state.db, &auth.0, &body.0).await?)))
    }

    /// Take back a waiting item (its author, or an admin); one that went out stays (409
    /// `item_sent`).
    #[oai(path = "/items/:id", method = "delete")]
    async fn take_back(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i64>) -> ApiResult<NoContent> {
        take_back(&state.db, &auth.0, id.0).await?;
        Ok(NoContent::Done)
    }
}
