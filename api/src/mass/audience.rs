//! Who a mass message may go to, decided by the shared `Scope`: an admin sends to every
//! follower, any managed tag, or any list; a teacher only to the tags of the classes they
//! are responsible for and the groups they own, and to lists of followers they see. A tag
//! or follower the caller does not see answers 404 exactly as one that does not exist.
//!
//! The audience is also resolved to openids — the followers Banji expects the platform
//! to reach (a tag's bound, following members, as `people::tags` mirrors them) — so the
//! quota can be shown before sending and each send's recipients counted afterwards.

use shared::mass::{MAX_MASS_OPENIDS, MIN_MASS_OPENIDS};
use shared::{MassAudience, MassTarget, MassTargets};

use crate::auth::Caller;
use crate::db::filter::{Arg, Filter};
use crate::error::{ApiError, ApiResult};
use crate::people::tags::{expected_members, Mirror};
use crate::people::Scope;
use crate::state::AppState;
use crate::wechat::AccountKind;

/// An audience checked against the caller's scope, with its followers.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// `all`, `tag` or `openids`.
    pub kind: &'static str,
    pub tag_id: Option<i64>,
    pub name: String,
    pub openids: Vec<String>,
}

/// Openids per query when checking a list.
const CHUNK: usize = 500;

fn unknown_tag() -> ApiError {
    ApiError::not_found_code("unknown_tag", "no such WeChat tag among the classes and groups you may send to")
}

/// A managed tag's row: name, class, group, role.
type TagRow = (String, Option<i64>, Option<i64>, Option<String>);

/// What a managed tag stands for.
async fn mirror_of(state: &AppState, tag_id: i64) -> sqlx::Result<Option<(String, Mirror)>> {
    let row: Option<TagRow> = sqlx::query_as("SELECT name, class_id, group_id, role FROM wechat_tags WHERE id = $1")
        .bind(tag_id)
        .fetch_optional(state.db.pool())
        .await?;
    Ok(row.and_then(|(name, class, group, role)| {
        let mirror = match (class, group, role.as_deref()) {
            (Some(c), _, _) => Mirror::Class(c),
            (_, Some(g), _) => Mirror::Group(g),
            (_, _, Some("teachers")) => Mirror::Role("teachers"),
            (_, _, Some("students")) => Mirror::Role("students"),
            _ => return None,
        };
        Some((name, mirror))
    }))
}

/// Whether `scope` may send to the tag of `mirror`.
async fn may_target(state: &AppState, scope: Scope, mirror: Mirror) -> ApiResult<bool> {
    Ok(match mirror {
        Mirror::Class(id) => scope.class(&state.db, id).await.is_ok(),
        Mirror::Group(id) => scope.group(&state.db, id).await.is_ok(),
        Mirror::Role(_) => scope.is_all(),
    })
}

/// The tags the caller may send to, and whether everyone and lists are open to them.
pub async fn targets(state: &AppState, caller: &Caller) -> ApiResult<MassTargets> {
    let scope = Scope::of(caller);
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM wechat_tags ORDER BY name, id").fetch_all(state.db.pool()).await?;
    let mut tags = Vec::new();
    for id in ids {
        let Some((name, mirror)) = mirror_of(state, id).await? else { continue };
        if !may_target(state, scope, mirror).await? {
            continue;
        }
        let kind = match mirror {
            Mirror::Class(_) => "class",
            Mirror::Group(_) => "group",
            Mirror::Role(_) => "role",
        };
        let members = expected_members(&state.db, mirror).await?.len() as i64;
        tags.push(MassTarget { tag_id: id, name, kind: kind.into(), members });
    }
    let lists = state.wechat.client.kind() != AccountKind::Subscription;
    Ok(MassTargets { all: scope.is_all(), lists, tags })
}

/// Checks the audience against the caller's scope and the account, and finds its followers.
pub async fn resolve(state: &AppState, caller: &Caller, audience: &MassAudience) -> ApiResult<Resolved> {
    let n = audience.openids.len();
    if audience.kind == "openids" && !(MIN_MASS_OPENIDS..=MAX_MASS_OPENIDS).contains(&n) {
        return Err(ApiError::field("audience.openids", "takes 2 to 10 000 openids (WeChat's bounds)"));
    }
    audience.validate()?;
    let scope = Scope::of(caller);
    match audience.kind.as_str() {
        "all" => {
            caller.require_admin()?;
            let openids: Vec<String> = sqlx::query_scalar(
                "SELECT openid FROM followers WHERE subscribed = TRUE \
                 UNION SELECT openid FROM students WHERE openid IS NOT NULL AND following = TRUE",
            )
            .fetch_all(state.db.pool())
            .await?;
            Ok(Resolved { kind: "all", tag_id: None, name: "all followers".into(), openids })
        }
        "tag" => {
            let tag_id = audience.tag_id.unwrap_or_default();
            let (name, mirror) = mirror_of(state, tag_id).await?.ok_or_else(unknown_tag)?;
            if !may_target(state, scope, mirror).await? {
                return Err(unknown_tag());
            }
            let openids = expected_members(&state.db, mirror).await?;
            Ok(Resolved { kind: "tag", tag_id: Some(tag_id), name, openids })
        }
        _ => {
            if state.wechat.client.kind() == AccountKind::Subscription {
                return Err(ApiError::conflict(
                    "account_kind",
                    "a subscription account mass sends only to everyone or to a tag, not to a list",
                ));
            }
            let mut wanted: Vec<String> = audience.openids.iter().map(|o| o.trim().to_string()).collect();
            wanted.sort();
            wanted.dedup();
            let seen = visible_followers(state, scope, &wanted).await?;
            if seen.len() < wanted.len() {
                return Err(ApiError::not_found_code(
                    "unknown_follower",
                    format!("{} of the openids are not followers you may send to", wanted.len() - seen.len()),
                ));
            }
            let name = format!("{} followers", wanted.len());
            Ok(Resolved { kind: "openids", tag_id: None, name, openids: wanted })
        }
    }
}

/// Those of `openids` that are followers (or bound students) the scope sees.
async fn visible_followers(state: &AppState, scope: Scope, openids: &[String]) -> ApiResult<Vec<String>> {
    let mut seen = Vec::with_capacity(openids.len());
    for chunk in openids.chunks(CHUNK) {
        let mut filter = Filter::new();
        let marks = vec!["?"; chunk.len()].join(", ");
        filter.and(&format!("o.openid IN ({marks})"), chunk.iter().map(|o| Arg::from(o.as_str())));
        scope.followers(&mut filter, "o.openid");
        let sql = format!(
            "SELECT o.openid FROM (SELECT openid FROM followers UNION \
             SELECT openid FROM students WHERE openid IS NOT NULL) o{}",
            filter.where_sql()
        );
        let found: Vec<String> =
            filter.bind_scalar(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))).fetch_all(state.db.pool()).await?;
        seen.extend(found);
    }
    Ok(seen)
}
