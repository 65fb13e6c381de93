//! Set-ups for statistics tests: notices sent with chosen fields, reads and
//! confirmations at chosen delays, reminders, comments and downloads at chosen times
//! (straight into the database), and the two statistics endpoints.

use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};

impl TestApp {
    /// A notice drafted with `fields` (category, urgency …), sent and delivered; its id.
    pub async fn sent_notice(&self, who: &Session, title: &str, audience: Value, fields: Value) -> i64 {
        let mut body = json!({ "title": title, "body": format!("{title}，请查看。"), "audience": audience });
        body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        let resp = self.post("/api/v1/notices", &who.access, body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        self.send_notice(who, id).await;
        self.until_sent(who, id, 60).await;
        id
    }

    /// The student read the notice `secs` seconds after it was sent.
    pub async fn read_after(&self, notice: i64, student: i64, secs: i64) {
        let done = sqlx::query(
            "UPDATE deliveries SET read_at = (SELECT sent_at FROM notices WHERE id = $1) + $2 \
             WHERE notice_id = $1 AND student_id = $3 AND kind = 'notice'",
        )
        .bind(notice)
        .bind(secs * 1000)
        .bind(student)
        .execute(self.state.db.pool())
        .await
        .unwrap();
        assert_eq!(done.rows_affected(), 1, "student {student} received notice {notice}");
    }

    /// The student read the notice at `at` (unix ms).
    pub async fn read_at(&self, notice: i64, student: i64, at: i64) {
        sqlx::query("UPDATE deliveries SET read_at = $1 WHERE notice_id = $2 AND student_id = $3 AND kind = 'notice'")
            .bind(at)
            .bind(notice)
            .bind(student)
            .execute(self.state.db.pool())
            .await
            .unwrap();
    }

    pub async fn confirm(&self, notice: i64, student: i64) {
        sqlx::query(
            "UPDATE deliveries SET confirmed_at = read_at + 1000 WHERE notice_id = $1 AND student_id = $2 AND kind = 'notice'",
        )
        .bind(notice)
        .bind(student)
        .execute(self.state.db.pool())
        .await
        .unwrap();
    }

    /// A reminder row of the notice, read at `at`: statistics must not count it.
    pub async fn read_reminder(&self, notice: i64, student: i64, at: i64) {
        sqlx::query(
            "INSERT INTO deliveries (notice_id, kind, recipient, student_id, class_id, status, read_at, created_at) \
             SELECT $1, 'reminder', 's:' || s.id, s.id, s.class_id, 'sent', $2, $2 FROM students s WHERE s.id = $3",
        )
        .bind(notice)
        .bind(at)
        .bind(student)
        .execute(self.state.db.pool())
        .await
        .unwrap();
    }

    pub async fn comment(&self, notice: i64, student: i64, at: i64, hidden: bool) {
        sqlx::query(
            "INSERT INTO notice_comments (notice_id, student_id, author_name, body, private, hidden, created_at) \
             VALUES ($1, $2, '同学', '什么时候截止？', $3, $4, $5)",
        )
        .bind(notice)
        .bind(student)
        .bind(false)
        .bind(hidden)
        .bind(at)
        .execute(self.state.db.pool())
        .await
        .unwrap();
    }

    pub async fn downloaded(&self, notice: i64, at: i64) {
        sqlx::query("INSERT INTO attachment_downloads (notice_id, attachment_id, at) VALUES ($1, 1, $2)")
            .bind(notice)
            .bind(at)
            .execute(self.state.db.pool())
            .await
            .unwrap();
    }

    pub async fn dashboard(&self, who: &Session, query: &str) -> Value {
        let resp = self.get(&format!("/api/v1/stats/dashboard{query}"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    /// The hot ranking as (title, reads, comments, downloads, score).
    pub async fn hot(&self, who: &Session, query: &str) -> Vec<(String, i64, i64, i64, i64)> {
        let resp = self.get(&format!("/api/v1/stats/hot{query}"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let list: Vec<Value> = resp.json().await.unwrap();
        list.iter()
            .map(|h| {
                let n = |k: &str| h[k].as_i64().unwrap();
                (h["title"].as_str().unwrap().to_string(), n("reads"), n("comments"), n("downloads"), n("score"))
            })
            .collect()
    }
}
