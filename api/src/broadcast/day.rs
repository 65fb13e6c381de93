//! What one subscriber's broadcast says on a day: the date and school week, the weather,
//! their day — the check-ins they are on the roll of and the activities they signed up
//! for, starting that day (China time), and how many notices they have not read — and the
//! day's curated item. Gathered
//! (`gather`) and written (`compose`) here, so the run that sends it and a page that
//! shows it say the same.

use chrono::{Datelike, NaiveDate};

use crate::db::{china_minute, Db};

/// One thing on the subscriber's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at_ms: i64,
    pub title: String,
    /// Where (activities).
    pub place: Option<String>,
}

/// A subscriber's day, as the broadcast tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    /// The school week (第N周), when the term start is set and the day is in the term.
    pub week: Option<i64>,
    /// 「北京 多云 12～21℃」, when the city is set and the weather could be had.
    pub weather: Option<String>,
    pub checkins: Vec<Entry>,
    pub activities: Vec<Entry>,
    pub unread: i64,
    /// The day's curated item, as `items::line` writes it.
    pub item: Option<String>,
}

/// The first and the last millisecond (exclusive) of `date` in China time.
pub fn bounds(date: NaiveDate) -> (i64, i64) {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp_millis();
    let start = midnight - 8 * 3_600_000;
    (start, start + 86_400_000)
}

/// The check-ins and activities of the student behind `openid` that start on `date`, and
/// the notices they have not read; nothing of the kind for a teacher.
pub async fn student_day(db: &Db, openid: &str, date: NaiveDate) -> sqlx::Result<(Vec<Entry>, Vec<Entry>, i64)> {
    let student: Option<i64> =
        sqlx::query_scalar("SELECT id FROM students WHERE openid = $1").bind(openid).fetch_optional(db.pool()).await?;
    let Some(student) = student else { return Ok((Vec::new(), Vec::new(), 0)) };
    let (from, to) = bounds(date);
    let checkins: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.title, s.starts_at FROM checkin_roll r JOIN checkin_sessions s ON s.id = r.session_id \
         WHERE r.student_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 AND s.closed_early_at IS NULL \
         ORDER BY s.starts_at, s.id",
    )
    .bind(student)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let activities: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT a.title, a.place, a.starts_at FROM activity_signups g JOIN activities a ON a.id = g.activity_id \
         WHERE g.student_id = $1 AND g.status = 'signed_up' AND a.cancelled_at IS NULL \
         AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id",
    )
    .bind(student)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    // As the student's notice list counts them: their rows, unread, not withdrawn; a
    // muted category's notices were not pushed and are not counted.
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id \
         WHERE (d.openid = $1 OR d.student_id = $2) AND d.kind = 'notice' AND d.read_at IS NULL \
         AND d.status <> 'muted' AND n.status <> 'withdrawn'",
    )
    .bind(openid)
    .bind(student)
    .fetch_one(db.pool())
    .await?;
    Ok((
        checkins.into_iter().map(|(title, at_ms)| Entry { at_ms, title, place: None }).collect(),
        activities.into_iter().map(|(title, place, at_ms)| Entry { at_ms, title, place: Some(place) }).collect(),
        unread,
    ))
}

/// What every subscriber's broadcast of a day shares, found once per run: the term's
/// first day, the city's weather line, the day's item line.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub term_start: Option<NaiveDate>,
    pub weather: Option<String>,
    pub item: Option<String>,
}

/// The subscriber's day on `date`.
pub async fn gather(db: &Db, openid: &str, date: NaiveDate, common: &Common) -> sqlx::Result<Day> {
    let (checkins, activities, unread) = student_day(db, openid, date).await?;
    let week = common.term_start.and_then(|start| shared::settings::school_week(start, date));
    Ok(Day { date, week, weather: common.weather.clone(), checkins, activities, unread, item: common.item.clone() })
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// `HH:MM` of a time, China time.
fn clock(ms: i64) -> String {
    china_minute(ms).split(' ').nth(1).unwrap_or_default().to_string()
}

/// The broadcast's text.
pub fn compose(day: &Day) -> String {
    let weekday = WEEKDAYS[day.date.weekday().num_days_from_monday() as usize];
    let mut lines = vec![format!(
        "早上好！今天是{}月{}日 星期{weekday}{}",
        day.date.month(),
        day.date.day(),
        day.week.map(|w| format!(" · 第{w}周")).unwrap_or_default()
    )];
    if let Some(weather) = &day.weather {
        lines.push(format!("天气：{weather}"));
    }
    if day.checkins.is_empty() && day.activities.is_empty() {
        lines.push("今天没有签到和活动安排。".into());
    } else {
        lines.push("今天的安排：".into());
        for c in &day.checkins {
            lines.push(format!("· {} 签到「{}」", clock(c.at_ms), c.title));
        }
        for a in &day.activities {
            let place = a.place.as_deref().filter(|p| !p.is_empty()).map(|p| format!("，{p}")).unwrap_or_default();
            lines.push(format!("· {} 活动「{}」{place}", clock(a.at_ms), a.title));
        }
    }
    if day.unread > 0 {
        lines.push(format!("你有 {} 条通知还没看。", day.unread));
    }
    if let Some(item) = &day.item {
        lines.push(item.clone());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{bounds, compose, Day, Entry};
    use chrono::NaiveDate;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn a_day_in_china_begins_at_four_in_the_afternoon_utc_the_day_before() {
        let (from, to) = bounds(monday());
        assert_eq!(crate::db::to_time(from).to_rfc3339(), "2026-12-06T16:00:00+00:00");
        assert_eq!(to - from, 86_400_000);
    }

    #[test]
    fn the_broadcast_names_the_day_the_week_the_weather_and_the_students_day() {
        let (from, _) = bounds(monday());
        let day = Day {
            date: monday(),
            week: Some(14),
            weather: Some("北京 多云 2～9℃".into()),
            checkins: vec![Entry { at_ms: from + 8 * 3_600_000, title: "周一班会".into(), place: None }],
            activities: vec![Entry {
                at_ms: from + 14 * 3_600_000 + 30 * 60_000,
                title: "考研经验分享".into(),
                place: Some("图书馆报告厅".into()),
            }],
            unread: 2,
            item: Some("今日一句：「天行健，君子以自强不息。」——《周易》".into()),
        };
        assert_eq!(
            compose(&day),
            "早上好！今天是12月7日 星期一 · 第14周\n天气：北京 多云 2～9℃\n今天的安排：\n\
             · 08:00 签到「周一班会」\n· 14:30 活动「考研经验分享」，图书馆报告厅\n你有 2 条通知还没看。\n\
             今日一句：「天行健，君子以自强不息。」——《周易》"
        );
    }

    #[test]
    fn a_day_with_nothing_says_so_and_leaves_out_what_is_not_known() {
        let day = Day {
            date: monday(),
            week: None,
            weather: None,
            checkins: Vec::new(),
            activities: Vec::new(),
            unread: 0,
            item: None,
        };
        assert_eq!(compose(&day), "早上好！今天是12月7日 星期一\n今天没有签到和活动安排。");
    }
}
