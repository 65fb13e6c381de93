//! Set-ups for notice and delivery tests: classes of students bound in bulk (straight
//! into the database, their followers straight into the mock), the notice template
//! mapped, and notices drafted, sent and followed until they finish.

use std::time::Duration;

use banji::db::{bulk, now_ms, Db};
use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};

/// Students of `class`, bound to `openids` and following, numbered from `prefix`.
pub async fn insert_bound_students(db: &Db, class: i64, openids: &[String], prefix: &str) -> Vec<i64> {
    let now = now_ms();
    let rows: Vec<(String, String, &String)> =
        openids.iter().enumerate().map(|(i, o)| (format!("{prefix}{i:05}"), format!("{prefix}同学{i}"), o)).collect();
    let mut conn = db.pool().acquire().await.unwrap();
    let columns =
        ["student_no", "name", "class_id", "bind_code", "openid", "bound_at", "following", "created_at", "updated_at"];
    bulk::insert(&mut conn, db.backend(), "students", &columns, "", &rows, |q, (no, name, openid)| {
        q.bind(no).bind(name).bind(class).bind("000000").bind(*openid).bind(now).bind(true).bind(now).bind(now)
    })
    .await
    .unwrap();
    let ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, openid FROM students WHERE class_id = $1 AND openid IS NOT NULL ORDER BY id")
            .bind(class)
            .fetch_all(db.pool())
            .await
            .unwrap();
    openids.iter().map(|o| ids.iter().find(|(_, b)| b == o).expect("inserted").0).collect()
}

impl TestApp {
    /// A class of `n` students, each bound to a follower of this app's mock.
    pub async fn bound_class(
        &self,
        admin: &Session,
        name: &str,
        n: usize,
        teachers: &[i64],
    ) -> (i64, Vec<(i64, String)>) {
        let class = self.create_class(admin, name, teachers).await;
        let openids: Vec<String> = (0..n).map(|i| self.mock().add_follower(&format!("{name}{i}"))).collect();
        let ids = insert_bound_students(&self.state.db, class, &openids, &format!("N{class:03}")).await;
        (class, ids.into_iter().zip(openids).collect())
    }

    /// Notices go by the mock's 通知提醒 template (title, author, time).
    pub async fn map_notice_template(&self, admin: &Session) {
        let body = json!({ "kind": "notice", "template_id": "TPL_NOTICE",
                           "fields": { "title": "thing1", "author": "thing2", "time": "time3" } });
        let resp = self
            .request(reqwest::Method::PUT, "/api/v1/settings/templates/notice", Some(&admin.access), Some(body))
            .await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    }

    /// Drafts a notice to `audience`; returns its id.
    pub async fn draft(&self, who: &Session, title: &str, audience: Value) -> i64 {
        let body = json!({ "title": title, "body": format!("**{title}**\n\n请按时参加。"), "audience": audience });
        let resp = self.post("/api/v1/notices", &who.access, body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub async fn send_notice(&self, who: &Session, id: i64) -> Value {
        let resp = self.post(&format!("/api/v1/notices/{id}/send"), &who.access, json!({})).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    pub async fn progress(&self, who: &Session, id: i64) -> Value {
        let resp = self.get(&format!("/api/v1/notices/{id}/progress"), &who.access).await;
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    /// Waits (up to `secs`) until the notice is `sent`; returns its progress.
    pub async fn until_sent(&self, who: &Session, id: i64, secs: u64) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let progress = self.progress(who, id).await;
            if progress["status"] == "sent" {
                return progress;
            }
            assert!(std::time::Instant::now() < deadline, "notice {id} still sending: {progress}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every delivery row of a notice, as the report lists them.
    pub async fn deliveries(&self, who: &Session, id: i64) -> Vec<Value> {
        let mut all = Vec::new();
        for page in 1.. {
            let resp =
                self.get(&format!("/api/v1/notices/{id}/deliveries?per_page=100&page={page}"), &who.access).await;
            assert_eq!(resp.status(), 200);
            let body: Value = resp.json().await.unwrap();
            let items = body["items"].as_array().unwrap().clone();
            let done = items.len() < 100;
            all.extend(items);
            if done {
                break;
            }
        }
        all
    }
}
