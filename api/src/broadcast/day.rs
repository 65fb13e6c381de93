//! What one subscriber's broadcast says on a day: the date and school week, the weather,
//! their day — the check-ins they are on the roll of and the activities they signed up
//! for, starting that day (China time), and how many notices they have not read — and the
//! day's curated item. Gathered
//! (`gather`) and written (`compose`) here, so the run that sends it and a page that
//! shows it say the same.

use std::collections::HashMap;

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
    /// A student's schedule; `None` for a teacher (their day is not Banji's to tell).
    pub schedule: Option<Schedule>,
    /// The day's curated item, as `items::line` writes it.
    pub item: Option<String>,
}

/// The first and the last millisecond (exclusive) of `date` in China time.
pub fn bounds(date: NaiveDate) -> (i64, i64) {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp_millis();
    let start = midnight - 8 * 3_600_000;
    (start, start + 86_400_000)
}

/// What a student's day holds: the check-ins they are on the roll of and the activities
/// they signed up for that start that day, and how many notices they have not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub checkins: Vec<Entry>,
    pub activities: Vec<Entry>,
    pub unread: i64,
}

/// The schedules of these students on `date`, in three queries whatever their number (the
/// daily run asks for hundreds at a time); a student with nothing has a default one.
pub async fn schedules(db: &Db, students: &[i64], date: NaiveDate) -> sqlx::Result<HashMap<i64, Schedule>> {
    let mut map: HashMap<i64, Schedule> = students.iter().map(|s| (*s, Schedule::default())).collect();
    if students.is_empty() {
        return Ok(map);
    }
    // Ids are numbers from the database, written into the statement.
    let ids = students.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (from, to) = bounds(date);
    let checkins: Vec<(i64, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.student_id, s.title, s.starts_at FROM checkin_roll r JOIN checkin_sessions s ON s.id = r.session_id \
         WHERE r.student_id IN ({ids}) AND s.starts_at >= $1 AND s.starts_at < $2 AND s.closed_early_at IS NULL \
         ORDER BY s.starts_at, s.id"
    )))
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    for (student, title, at_ms) in checkins {
        map.entry(student).or_default().checkins.push(Entry { at_ms, title, place: None });
    }
    let activities: Vec<(i64, String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT g.student_id, a.title, a.place, a.starts_at FROM activity_signups g \
         JOIN activities a ON a.id = g.activity_id \
         WHERE g.student_id IN ({ids}) AND g.status = 'signed_up' AND a.cancelled_at IS NULL \
         AND a.starts_at >= $1 AND a.starts_at < $2 ORDER BY a.starts_at, a.id"
    )))
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    for (student, title, place, at_ms) in activities {
        map.entry(student).or_default().activities.push(Entry { at_ms, title, place: Some(place) });
    }
    // As the student's notice list counts them: their rows, unread, not withdrawn; a
    // muted category's notices were not pushed and are not counted.
    let unread: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.student_id, COUNT(*) FROM deliveries d JOIN notices n ON n.id = d.notice_id \
         WHERE d.student_id IN ({ids}) AND d.kind = 'notice' AND d.read_at IS NULL \
         AND d.status <> 'muted' AND n.status <> 'withdrawn' GROUP BY d.student_id"
    )))
    .fetch_all(db.pool())
    .await?;
    for (student, count) in unread {
        map.entry(student).or_default().unread = count;
    }
    Ok(map)
}

/// What every subscriber's broadcast of a day shares, found once per run: the term's
/// first day, the city's weather line, the day's item line.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub term_start: Option<NaiveDate>,
    pub weather: Option<String>,
    pub item: Option<String>,
}

/// A subscriber's day on `date`, from their schedule (`None`: a teacher's).
pub fn day_of(date: NaiveDate, schedule: Option<Schedule>, common: &Common) -> Day {
    let week = common.term_start.and_then(|start| shared::settings::school_week(start, date));
    Day { date, week, weather: common.weather.clone(), schedule, item: common.item.clone() }
}

/// The day of the subscriber behind `openid` on `date`.
pub async fn gather(db: &Db, openid: &str, date: NaiveDate, common: &Common) -> sqlx::Result<Day> {
    let student: Option<i64> =
        sqlx::query_scalar("SELECT id FROM students WHERE openid = $1").bind(openid).fetch_optional(db.pool()).await?;
    let schedule = match student {
        Some(id) => schedules(db, &[id], date).await?.remove(&id),
        None => None,
    };
    Ok(day_of(date, schedule, common))
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
    if let Some(schedule) = &day.schedule {
        if schedule.checkins.is_empty() && schedule.activities.is_empty() {
            lines.push("今天没有签到和活动安排。".into());
        } else {
            lines.push("今天的安排：".into());
            for c in &schedule.checkins {
                lines.push(format!("· {} 签到「{}」", clock(c.at_ms), c.title));
            }
            for a in &schedule.activities {
                let place = a.place.as_deref().filter(|p| !p.is_empty()).map(|p| format!("，{p}")).unwrap_or_default();
                lines.push(format!("· {} 活动「{}」{place}", clock(a.at_ms), a.title));
            }
        }
        if schedule.unread > 0 {
            lines.push(format!("你有 {} 条通知还没看。", schedule.unread));
        }
    }
    if let Some(item) = &day.item {
        lines.push(item.clone());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::{bounds, compose, Day, Entry, Schedule};
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
            schedule: Some(Schedule {
                checkins: vec![Entry { at_ms: from + 8 * 3_600_000, title: "周一班会".into(), place: None }],
                activities: vec![Entry {
                    at_ms: from + 14 * 3_600_000 + 30 * 60_000,
                    title: "考研经验分享".into(),
                    place: Some("图书馆报告厅".into()),
                }],
                unread: 2,
            }),
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
        let day = Day { date: monday(), week: None, weather: None, schedule: Some(Schedule::default()), item: None };
        assert_eq!(compose(&day), "早上好！今天是12月7日 星期一\n今天没有签到和活动安排。");
        let teachers = Day { schedule: None, ..day };
        assert_eq!(compose(&teachers), "早上好！今天是12月7日 星期一", "a teacher's day is not told");
    }
}
