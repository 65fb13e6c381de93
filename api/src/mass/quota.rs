//! The account's mass quota, shown before a send and enforced by it. A service account's
//! followers each receive at most 4 mass messages a month — the platform filters anyone
//! past that — and notices carried by the planner's mass channel use the same 4: both are
//! counted by `delivery::planner::standings` (notices' mass deliveries and this
//! assistant's recipients). A subscription account sends one mass message a day.
//!
//! Enforced: a send that would reach nobody (everyone in the audience is past the month's
//! quota, or the day's send is used) is refused with 409 `mass_quota_used` before the
//! platform is asked; the platform's own refusal (45028) says the same.

use std::collections::HashMap;

use shared::MassQuota;

use super::audience::Resolved;
use crate::db::Db;
use crate::delivery::planner::{standings, Account, MASS_PER_MONTH};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::wechat::AccountKind;

/// Openids per standings query.
const CHUNK: usize = 500;

/// Mass messages each of `openids` received this month, notices' and this assistant's.
pub async fn this_month(db: &Db, openids: &[String]) -> sqlx::Result<HashMap<String, i64>> {
    let mut counts = HashMap::with_capacity(openids.len());
    // Only the mass count is read: no template or subscription to look up.
    let account = Account { kind: AccountKind::Service, template: None, subscribe: None };
    for chunk in openids.chunks(CHUNK) {
        for (openid, standing) in standings(db, chunk, &account).await? {
            counts.insert(openid, standing.mass_this_month);
        }
    }
    Ok(counts)
}

/// The first moment of today in China time (when a subscription account's quota renews).
fn day_start_ms() -> i64 {
    use chrono::TimeZone;
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    let today = chrono::Utc::now().with_timezone(&china).date_naive();
    today.and_hms_opt(0, 0, 0).and_then(|t| china.from_local_datetime(&t).single()).map_or(0, |t| t.timestamp_millis())
}

/// The quota as it stands for this audience.
pub async fn of(state: &AppState, audience: &Resolved) -> ApiResult<MassQuota> {
    let kind = state.wechat.client.kind();
    let recipients = audience.openids.len() as i64;
    if kind == AccountKind::Subscription {
        let sent_today: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM mass_sends WHERE created_at >= $1 AND status IN ('submitted', 'success', 'deleted')",
        )
        .bind(day_start_ms())
        .fetch_one(state.db.pool())
        .await?;
        let reason = if sent_today >= 1 {
            Some("a subscription account sends one mass message a day; today's is used".to_string())
        } else {
            None
        };
        return Ok(MassQuota {
            account_kind: kind.as_str().into(),
            rule: "per_account_day".into(),
            limit: 1,
            recipients,
            over_quota: 0,
            sent_today,
            may_send: reason.is_none(),
            reason,
        });
    }
    let counts = this_month(&state.db, &audience.openids).await?;
    let over_quota = counts.values().filter(|&&n| n >= MASS_PER_MONTH).count() as i64;
    let reason = if recipients == 0 {
        Some("nobody in this audience follows the account with a bound WeChat".to_string())
    } else if over_quota >= recipients {
        Some(format!("everyone in this audience has had {MASS_PER_MONTH} mass messages this month"))
    } else {
        None
    };
    Ok(MassQuota {
        account_kind: kind.as_str().into(),
        rule: "per_follower_month".into(),
        limit: MASS_PER_MONTH,
        recipients,
        over_quota,
        sent_today: 0,
        may_send: reason.is_none(),
        reason,
    })
}

/// Refuses a send the quota leaves nobody to reach.
pub fn enforce(quota: &MassQuota) -> ApiResult<()> {
    match (&quota.reason, quota.recipients) {
        (None, _) => Ok(()),
        (Some(reason), 0) if quota.rule == "per_follower_month" => {
            Err(ApiError::conflict("no_recipients", reason.clone()))
        }
        (Some(reason), _) => Err(ApiError::conflict("mass_quota_used", reason.clone())),
    }
}
