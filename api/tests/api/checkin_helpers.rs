//! Set-ups for check-in tests: a class of bound students and its teacher, sessions
//! opened through the API, the projector's code read back, and students trying from
//! WeChat (scans, `签到` messages) and from the check-in page.

use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::teacher_binding::ticket_of;

pub struct Room {
    pub admin: Session,
    pub class: i64,
    /// (student id, openid)
    pub students: Vec<(i64, String)>,
}

/// A fence around the school's main hall.
pub const HALL: (f64, f64) = (30.2741, 120.1551);

impl TestApp {
    pub async fn room(&self, n: usize) -> Room {
        let admin = self.admin().await;
        let (class, students) = self.bound_class(&admin, "计科2401", n, &[]).await;
        Room { admin, class, students }
    }

    /// Opens a session for the room's class (started a minute ago, an hour long) with
    /// `extra` fields over the defaults; returns its id.
    pub async fn open_session(&self, room: &Room, extra: Value) -> i64 {
        let now = chrono::Utc::now();
        let mut body = json!({
            "title": "周一班会",
            "audience": { "classes": [room.class] },
            "starts_at": now - chrono::Duration::minutes(1),
            "ends_at": now + chrono::Duration::hours(1),
            "methods": ["qr", "code"],
        });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let resp = self.post("/api/v1/checkins", &room.admin.access, body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    pub async fn display(&self, who: &Session, id: i64) -> Value {
        let resp = self.get(&format!("/api/v1/checkins/{id}/display"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    /// The QR ticket shown now.
    pub async fn shown_ticket(&self, who: &Session, id: i64) -> String {
        ticket_of(self.display(who, id).await["qr_image_url"].as_str().expect("a QR code is shown"))
    }

    /// The code of `steps_back` steps ago, from the session's secret.
    pub async fn code_of(&self, id: i64, steps_back: i64) -> String {
        let (secret, rotate): (String, i64) =
            sqlx::query_as("SELECT secret, rotate_seconds FROM checkin_sessions WHERE id = $1")
                .bind(id)
                .fetch_one(self.state.db.pool())
                .await
                .unwrap();
        let step = banji::checkin::codes::step_at(banji::db::now_ms(), rotate);
        banji::checkin::codes::digits(&secret, step - steps_back)
    }

    /// The passive text reply to a text message.
    pub async fn wechat_reply(&self, openid: &str, text: &str) -> String {
        let answer = self.say(openid, json!({ "type": "text", "content": text })).await;
        answer["reply"]["content"].as_str().unwrap_or_else(|| panic!("a text reply to {text}: {answer}")).to_string()
    }

    pub async fn scan(&self, openid: &str, ticket: &str) -> String {
        let answer = self.say(openid, json!({ "type": "scan", "ticket": ticket })).await;
        answer["reply"]["content"].as_str().unwrap_or_default().to_string()
    }

    /// A try from the check-in page.
    pub async fn page_try(&self, token: &str, id: i64, body: Value) -> Value {
        let resp = self
            .client
            .post(self.url(&format!("/api/v1/portal/checkins/{id}")))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    pub async fn page_token(&self, openid: &str) -> String {
        student_token(self, openid).await
    }

    /// The address of a session's live stream, with a fresh single-use ticket.
    pub async fn live_stream_url(&self, who: &Session, id: i64) -> String {
        let resp = self.post(&format!("/api/v1/checkins/{id}/live/ticket"), &who.access, json!({})).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let ticket: Value = resp.json().await.unwrap();
        self.url(&format!("/api/v1/checkins/{id}/live/events?ticket={}", ticket["ticket"].as_str().unwrap()))
    }

    pub async fn live_report(&self, who: &Session, id: i64) -> Value {
        let resp = self.get(&format!("/api/v1/checkins/{id}"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json().await.unwrap()
    }

    pub async fn roll_of(&self, who: &Session, id: i64, query: &str) -> Vec<Value> {
        let resp = self.get(&format!("/api/v1/checkins/{id}/roll?per_page=100{query}"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
    }

    pub async fn attempts_of(&self, who: &Session, id: i64) -> Vec<Value> {
        let resp = self.get(&format!("/api/v1/checkins/{id}/attempts?per_page=100"), &who.access).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        resp.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
    }
}

pub fn entry_of(roll: &[Value], student: i64) -> Value {
    roll.iter().find(|e| e["student_id"] == student).cloned().expect("on the roll")
}

/// A point `metres` north of `from`.
pub fn north_of(from: (f64, f64), metres: f64) -> (f64, f64) {
    (from.0 + metres / 111_195.0, from.1)
}
