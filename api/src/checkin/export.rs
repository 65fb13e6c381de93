//! Attendance as files for Excel users (Chinese headers, through `crate::http::sheet`):
//! a session's roll — who came, late or not, when, how, what looked odd, and why a
//! teacher changed it — and a period's class rates.

use shared::ClassAttendanceRate;

use crate::db::{to_time, Db};
use crate::http::sheet::Sheet;

const ROLL_HEADERS: [&str; 8] = ["学号", "姓名", "班级", "状态", "签到时间", "方式", "标记", "补签原因"];
const CLASS_HEADERS: [&str; 6] = ["班级", "应到", "按时", "迟到", "缺勤", "出勤率"];

#[derive(sqlx::FromRow)]
struct RollLine {
    student_no: String,
    name: String,
    class_name: Option<String>,
    checked_at: Option<i64>,
    late: i64,
    method: Option<String>,
    flags: String,
    manual_reason: Option<String>,
}

fn china_time(ms: Option<i64>) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    ms.map(|ms| to_time(ms).with_timezone(&china).format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
}

fn method_label(method: &str) -> String {
    method
        .split('+')
        .filter(|m| !m.is_empty())
        .map(|m| match m {
            "qr" => "扫码",
            "code" => "签到码",
            "geo" => "定位",
            "manual" => "补签",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("+")
}

fn flags_label(flags: &str) -> String {
    flags
        .split(',')
        .filter(|f| !f.is_empty())
        .map(|f| match f {
            "same_device" => "同一设备",
            "same_position" => "位置与他人相同",
            "repeated_position" => "位置与以往相同",
            "after_rotation" => "换码后提交",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The session's roll, by class (as it was then) and 学号.
pub async fn roll_sheet(db: &Db, session_id: i64) -> sqlx::Result<Sheet<'static>> {
    let lines: Vec<RollLine> = sqlx::query_as(
        "SELECT s.student_no, s.name, c.name AS class_name, r.checked_at, \
         CASE WHEN r.late = TRUE THEN 1 ELSE 0 END AS late, r.method, r.flags, r.manual_reason \
         FROM checkin_roll r JOIN students s ON s.id = r.student_id LEFT JOIN classes c ON c.id = r.class_id \
         WHERE r.session_id = $1 ORDER BY COALESCE(c.name, ''), s.student_no",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    let rows = lines
        .into_iter()
        .map(|l| {
            let status = match (l.checked_at, l.late) {
                (Some(_), 1) => "迟到",
                (Some(_), _) => "已签到",
                (None, _) => "缺勤",
            };
            vec![
                l.student_no,
                l.name,
                l.class_name.unwrap_or_default(),
                status.to_string(),
                china_time(l.checked_at),
                l.method.as_deref().map(method_label).unwrap_or_default(),
                flags_label(&l.flags),
                l.manual_reason.unwrap_or_default(),
            ]
        })
        .collect();
    Ok(Sheet {
        name: "签到名单",
        headers: ROLL_HEADERS.to_vec(),
        rows,
        widths: vec![(0, 14.0), (2, 16.0), (4, 20.0), (6, 24.0), (7, 30.0)],
    })
}

/// Class rates, as ranked (best attendance first).
pub fn classes_sheet(classes: &[ClassAttendanceRate]) -> Sheet<'static> {
    let rows = classes
        .iter()
        .map(|c| {
            vec![
                c.class_name.clone(),
                c.expected.to_string(),
                c.present.to_string(),
                c.late.to_string(),
                c.absent.to_string(),
                format!("{:.1}%", c.rate * 100.0),
            ]
        })
        .collect();
    Sheet { name: "班级出勤率", headers: CLASS_HEADERS.to_vec(), rows, widths: vec![(0, 18.0)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_flags_read_in_chinese() {
        assert_eq!(method_label("code+geo"), "签到码+定位");
        assert_eq!(method_label("manual"), "补签");
        assert_eq!(flags_label("same_device,after_rotation"), "同一设备、换码后提交");
        assert_eq!(flags_label(""), "");
    }
}
