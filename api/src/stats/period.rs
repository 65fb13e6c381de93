//! The time spans statistics are asked for, checked before any query runs: a dashboard's
//! period (`from`, `until`) and the hot ranking's window (`days`) and length (`limit`).
//! A span out of bounds is a malformed request (400 naming the parameter), not a 500 or
//! a slow query over years of rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use poem_openapi::payload::Json;
use shared::ErrorBody;

use crate::error::ApiError;

/// The period a dashboard covers when none is given.
pub const DEFAULT_DAYS: i64 = 30;
/// The longest period a dashboard covers: a school year and a bit.
pub const MAX_DAYS: i64 = 400;
/// The hot ranking's window and length: defaults and bounds.
pub const HOT_DAYS: (i64, i64, i64) = (7, 1, 90);
pub const HOT_LIMIT: (i64, i64, i64) = (10, 1, 50);

/// A 400 naming the query parameter at fault.
pub fn bad_parameter(name: &str, problem: impl Into<String>) -> ApiError {
    let problem = problem.into();
    let message = format!("{name} {problem}");
    let fields = BTreeMap::from([(name.to_string(), problem)]);
    ApiError::BadRequest(Json(ErrorBody { code: "invalid_parameter".into(), message, fields: Some(fields) }))
}

/// Notices sent in `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Period {
    /// The period asked for: `until` defaults to now, `from` to 30 days before `until`.
    pub fn parse(
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Period, ApiError> {
        let until = until.unwrap_or(now);
        let from = from.unwrap_or(until - Duration::days(DEFAULT_DAYS));
        if from >= until {
            return Err(bad_parameter("from", "must be before until"));
        }
        if until - from > Duration::days(MAX_DAYS) {
            return Err(bad_parameter("until", format!("must be at most {MAX_DAYS} days after from")));
        }
        Ok(Period { from, until })
    }

    pub fn from_ms(self) -> i64 {
        crate::db::to_ms(self.from)
    }

    pub fn until_ms(self) -> i64 {
        crate::db::to_ms(self.until)
    }
}

/// `value` (or its default) when within `[min, max]`; otherwise a 400 naming `name`.
pub fn bounded(name: &str, value: Option<i64>, (default, min, max): (i64, i64, i64)) -> Result<i64, ApiError> {
    let value = value.unwrap_or(default);
    if !(min..=max).contains(&value) {
        return Err(bad_parameter(name, format!("must be between {min} and {max}")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_defaults_to_the_last_thirty_days() {
        let now = at("2026-11-22T12:00:00Z");
        assert_eq!(Period::parse(None, None, now).unwrap(), Period { from: at("2026-10-23T12:00:00Z"), until: now });
        let until = at("2026-09-01T00:00:00Z");
        assert_eq!(Period::parse(None, Some(until), now).unwrap().from, at("2026-08-02T00:00:00Z"));
    }

    #[test]
    fn a_period_must_run_forwards_and_last_at_most_four_hundred_days() {
        let now = at("2026-11-22T12:00:00Z");
        let err = Period::parse(Some(now), Some(now), now).unwrap_err();
        assert_eq!((err.status(), err.body().code.as_str()), (400, "invalid_parameter"));
        assert!(err.body().fields.as_ref().unwrap().contains_key("from"));
        let long = Period::parse(Some(now - Duration::days(401)), Some(now), now).unwrap_err();
        assert!(long.body().fields.as_ref().unwrap().contains_key("until"));
        assert!(Period::parse(Some(now - Duration::days(400)), Some(now), now).is_ok());
    }

    #[test]
    fn bounded_values_take_their_default_and_refuse_the_out_of_range() {
        assert_eq!(bounded("days", None, HOT_DAYS).unwrap(), 7);
        assert_eq!(bounded("limit", Some(50), HOT_LIMIT).unwrap(), 50);
        assert_eq!(bounded("days", Some(0), HOT_DAYS).unwrap_err().status(), 400);
        assert_eq!(bounded("limit", Some(51), HOT_LIMIT).unwrap_err().body().message, "limit must be between 1 and 50");
    }
}
