//! One search (issue 19): two-character Chinese fragments and numbers are found, each
//! viewer finds only what they may see (a student their own notices, a teacher their
//! own, items listed for some classes only by them), titles and recent items first, the
//! WeChat commands answer with articles, and the week's hot list counts reads.

use banji::search::{index, Audience, Item, Kind};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;

/// Sends a notice with this title and body to `audience`; returns its id.
pub async fn sent_notice(app: &TestApp, who: &Session, title: &str, body: &str, audience: Value) -> i64 {
    let resp =
        app.post("/api/v1/notices", &who.access, json!({ "title": title, "body": body, "audience": audience })).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.send_notice(who, id).await;
    id
}

/// What a student page's search answers: (kind, id, title) of each hit.
pub async fn portal_search(app: &TestApp, token: &str, q: &str) -> Vec<(String, i64, String)> {
    let resp = app.get(&format!("/api/v1/portal/search?q={}", urlencoding(q)), token).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    hits(resp.json().await.unwrap())
}

fn hits(body: Value) -> Vec<(String, i64, String)> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["kind"].as_str().unwrap().into(), h["id"].as_i64().unwrap(), h["title"].as_str().unwrap().into()))
        .collect()
}

pub fn urlencoding(q: &str) -> String {
    q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn ids(found: &[(String, i64, String)]) -> Vec<i64> {
    found.iter().map(|h| h.1).collect()
}

#[tokio::test]
async fn two_chinese_characters_and_numbers_find_a_students_own_notices_and_no_one_elses() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class_a, a) = app.bound_class(&admin, "软件一班", 1, &[]).await;
    let (class_b, b) = app.bound_class(&admin, "软件二班", 1, &[]).await;
    let grant = sent_notice(&app, &admin, "国家奖学金申请", "请于周五前提交。", json!({ "classes": [class_a] })).await;
    let leave = sent_notice(
        &app,
        &admin,
        "期末安排",
        "请假需填写请假条，学号2023001同学请到办公室。",
        json!({ "classes": [class_a] }),
    )
    .await;
    let other = sent_notice(&app, &admin, "二班奖学金评定", "评定结果。", json!({ "classes": [class_b] })).await;

    let token_a = student_token(&app, &a[0].1).await;
    let token_b = student_token(&app, &b[0].1).await;
    assert_eq!(ids(&portal_search(&app, &token_a, "奖学").await), vec![grant], "奖学 finds 奖学金, only one's own");
    assert_eq!(ids(&portal_search(&app, &token_a, "请假").await), vec![leave], "a body match counts too");
    assert_eq!(ids(&portal_search(&app, &token_a, "2023001").await), vec![leave], "a 学号-like number");
    assert_eq!(ids(&portal_search(&app, &token_b, "奖学").await), vec![other]);
    assert!(portal_search(&app, &token_b, "请假").await.is_empty(), "another class's notice is never found");
    assert!(portal_search(&app, &token_a, "奖").await.is_empty(), "one character inside a word is no term");
    assert!(portal_search(&app, &token_a, "  ").await.is_empty());
    let found = portal_search(&app, &token_a, "国家 奖学 申请").await;
    assert_eq!(ids(&found), vec![grant], "several words: all of them");
    let resp = app.get("/api/v1/portal/search?q=%E5%A5%96%E5%AD%A6", &admin.access).await;
    assert_eq!(resp.status(), 401, "a console token is no student token");
}

#[tokio::test]
async fn a_withdrawn_notice_is_found_no_more_and_a_corrected_one_by_its_new_words() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, a) = app.bound_class(&admin, "一班", 1, &[]).await;
    let first = sent_notice(&app, &admin, "运动会报名", "见附件。", json!({ "classes": [class] })).await;
    let second = sent_notice(&app, &admin, "体检通知", "周三体检。", json!({ "classes": [class] })).await;
    let token = student_token(&app, &a[0].1).await;
    assert_eq!(ids(&portal_search(&app, &token, "运动").await), vec![first]);
    let resp = app.post(&format!("/api/v1/notices/{first}/withdraw"), &admin.access, json!({})).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    assert!(portal_search(&app, &token, "运动").await.is_empty());
    let resp = app
        .post(&format!("/api/v1/notices/{second}/correction"), &admin.access, json!({ "title": "春季体检安排" }))
        .await;
    assert!(resp.status().is_success(), "{}", resp.status());
    assert_eq!(ids(&portal_search(&app, &token, "春季").await), vec![second]);
}

#[tokio::test]
async fn title_matches_come_before_body_matches_and_newer_before_older() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, a) = app.bound_class(&admin, "一班", 1, &[]).await;
    let body_only = sent_notice(&app, &admin, "本周安排", "周四发放助学金。", json!({ "classes": [class] })).await;
    let older = sent_notice(&app, &admin, "助学金名单（旧）", "名单。", json!({ "classes": [class] })).await;
    let newer = sent_notice(&app, &admin, "助学金名单", "名单。", json!({ "classes": [class] })).await;
    sqlx::query("UPDATE search_items SET at = at - CAST(5184000000 AS BIGINT) WHERE kind = 'notice' AND ref_id = $1")
        .bind(older)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let token = student_token(&app, &a[0].1).await;
    assert_eq!(ids(&portal_search(&app, &token, "助学金").await), vec![newer, older, body_only]);
}

#[tokio::test]
async fn items_listed_for_classes_are_found_by_those_students_their_teachers_and_admins_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (teacher_a, session_a) = app.teacher("zhang").await;
    let (_, session_b) = app.teacher("li").await;
    let (class_a, a) = app.bound_class(&admin, "一班", 1, &[teacher_a]).await;
    let (_, b) = app.bound_class(&admin, "二班", 1, &[]).await;
    let listed = Item {
        kind: Kind::Document,
        ref_id: 901,
        title: "一班奖学金申请表".into(),
        body: "表格".into(),
        summary: String::new(),
        audience: Audience::Listed { classes: vec![class_a], groups: vec![] },
        at: 1,
    };
    index::put(&app.state.db, &listed).await.unwrap();
    let everyone =
        Item { ref_id: 902, title: "奖学金政策汇编".into(), audience: Audience::Everyone, ..listed.clone() };
    index::put(&app.state.db, &everyone).await.unwrap();
    let students_only =
        Item { ref_id: 903, title: "奖学金答辩安排".into(), audience: Audience::Students, ..listed.clone() };
    index::put(&app.state.db, &students_only).await.unwrap();

    let mut found = ids(&portal_search(&app, &student_token(&app, &a[0].1).await, "奖学金").await);
    found.sort();
    assert_eq!(found, vec![901, 902, 903]);
    let mut found = ids(&portal_search(&app, &student_token(&app, &b[0].1).await, "奖学金").await);
    found.sort();
    assert_eq!(found, vec![902, 903], "another class's student: not the listed one");
    let unbound = app.follower("路人").await;
    assert_eq!(ids(&portal_search(&app, &student_token(&app, &unbound).await, "奖学金").await), vec![902]);

    let console = |s: &Session| {
        let token = s.access.clone();
        let app = &app;
        async move {
            let resp = app.get("/api/v1/search?q=%E5%A5%96%E5%AD%A6%E9%87%91&kind=document", &token).await;
            assert_eq!(resp.status(), 200);
            let mut found = ids(&hits(resp.json().await.unwrap()));
            found.sort();
            found
        }
    };
    assert_eq!(console(&session_a).await, vec![901, 902, 903], "the class's teacher");
    assert_eq!(console(&session_b).await, vec![902, 903], "a teacher of other classes");
    assert_eq!(console(&admin).await, vec![901, 902, 903]);
}

#[tokio::test]
async fn a_teacher_finds_their_own_notices_in_the_console_and_an_admin_everyones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (zhang, session_zhang) = app.teacher("zhang").await;
    let (li, session_li) = app.teacher("li").await;
    let (class_a, _) = app.bound_class(&admin, "一班", 1, &[zhang]).await;
    let (class_b, _) = app.bound_class(&admin, "二班", 1, &[li]).await;
    let mine = sent_notice(&app, &session_zhang, "班会通知", "班会。", json!({ "classes": [class_a] })).await;
    let theirs = sent_notice(&app, &session_li, "班会安排", "班会。", json!({ "classes": [class_b] })).await;
    let search = |token: String| {
        let app = &app;
        async move {
            let resp = app.get("/api/v1/search?q=%E7%8F%AD%E4%BC%9A", &token).await;
            assert_eq!(resp.status(), 200);
            let body: Value = resp.json().await.unwrap();
            body["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h["id"].as_i64().unwrap(), h["url"].as_str().unwrap().to_string()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search(session_zhang.access.clone()).await, vec![(mine, format!("/notices/{mine}"))]);
    assert_eq!(search(session_li.access.clone()).await, vec![(theirs, format!("/notices/{theirs}"))]);
    assert_eq!(search(admin.access.clone()).await.len(), 2);
}

#[tokio::test]
async fn wechat_search_answers_with_articles_linking_the_pages_and_says_what_to_try_when_nothing_is_found() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, a) = app.bound_class(&admin, "一班", 1, &[]).await;
    let grant = sent_notice(&app, &admin, "国家奖学金申请", "请于周五前提交。", json!({ "classes": [class] })).await;
    let said = app.say(&a[0].1, json!({ "type": "text", "content": "搜索 奖学" })).await;
    let articles = said["reply"]["articles"].as_array().expect("a news reply").clone();
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0]["title"], "国家奖学金申请");
    assert!(articles[0]["description"].as_str().unwrap().starts_with("【通知】"));
    let url = articles[0]["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/api/v1/portal/oauth?next=/s/notices/{grant}")), "{url}");

    let said = app.say(&a[0].1, json!({ "type": "text", "content": "搜索 火星" })).await;
    let text = said["reply"]["content"].as_str().unwrap();
    assert!(text.contains("没有找到与「火星」相关的内容") && text.contains("热门"), "{text}");
    let said = app.say(&a[0].1, json!({ "type": "text", "content": "表格 奖学" })).await;
    assert!(said["reply"]["content"].as_str().unwrap().contains("没有找到"), "表格 searches documents only");
    let said = app.say(&a[0].1, json!({ "type": "text", "content": "搜索" })).await;
    assert!(said["reply"]["content"].as_str().unwrap().contains("搜索 关键词"));
}

#[tokio::test]
async fn contacts_are_answered_as_a_text_list_of_public_details_found_by_surname() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (zhang, _) = app.teacher("zhang").await;
    let (wang, _) = app.teacher("wang").await;
    for (id, name, public) in [(zhang, "张伟", true), (wang, "张敏", false)] {
        let resp = app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({ "display_name": name })).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let profile = json!({ "phone": "0571-88880000", "office": "学工办 203", "contact_public": public });
        let resp = app.patch(&format!("/api/v1/teachers/{id}"), &admin.access, profile).await;
        assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    }
    let follower = app.follower("小明").await;
    let said = app.say(&follower, json!({ "type": "text", "content": "联系 张老师" })).await;
    let text = said["reply"]["content"].as_str().unwrap().to_string();
    assert!(text.contains("张伟老师：0571-88880000，学工办 203"), "{text}");
    assert!(!text.contains("张敏"), "a private contact is never given: {text}");
    let resp = app.patch(&format!("/api/v1/users/{zhang}"), &admin.access, json!({ "disabled": true })).await;
    assert_eq!(resp.status(), 200);
    let said = app.say(&follower, json!({ "type": "text", "content": "电话 张老师" })).await;
    assert!(said["reply"]["content"].as_str().unwrap().contains("没有找到"), "a disabled teacher is no contact");
}

#[tokio::test]
async fn the_weeks_hot_list_has_the_most_read_public_notices_and_the_menu_key_answers_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, a) = app.bound_class(&admin, "一班", 3, &[]).await;
    // Public notices go to the account's followers as last synced.
    for (_, openid) in &a {
        sqlx::query("INSERT INTO followers (openid, subscribed, updated_at) VALUES ($1, TRUE, 0)")
            .bind(openid)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    let popular = sent_notice(&app, &admin, "校运会开幕", "全体。", json!({ "public": true })).await;
    let quiet = sent_notice(&app, &admin, "图书馆闭馆", "全体。", json!({ "public": true })).await;
    let classes_only = sent_notice(&app, &admin, "一班班会", "一班。", json!({ "classes": [class] })).await;
    app.until_sent(&admin, popular, 20).await;
    app.until_sent(&admin, quiet, 20).await;
    app.until_sent(&admin, classes_only, 20).await;
    let tokens =
        [student_token(&app, &a[0].1).await, student_token(&app, &a[1].1).await, student_token(&app, &a[2].1).await];
    for token in &tokens {
        for id in [popular, classes_only] {
            assert_eq!(app.get(&format!("/api/v1/portal/notices/{id}"), token).await.status(), 200);
        }
    }
    assert_eq!(app.get(&format!("/api/v1/portal/notices/{quiet}"), &tokens[0]).await.status(), 200);
    let resp = app.get("/api/v1/portal/hot", &tokens[0]).await;
    assert_eq!(resp.status(), 200);
    let hot: Value = resp.json().await.unwrap();
    let listed: Vec<(i64, i64)> = hot["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_i64().unwrap(), n["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(listed, vec![(popular, 3), (quiet, 1)], "public notices only, most read first");
    let said = app.say(&a[0].1, json!({ "type": "event", "event": "CLICK", "event_key": "HOT" })).await;
    let articles = said["reply"]["articles"].as_array().expect("news").clone();
    assert_eq!(articles[0]["title"], "校运会开幕");
    assert_eq!(articles[0]["description"], "【通知】本周 3 次阅读");
}

#[tokio::test]
async fn notices_sent_before_the_index_existed_are_indexed_at_start() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class, a) = app.bound_class(&admin, "一班", 1, &[]).await;
    let id = sent_notice(&app, &admin, "宿舍检查", "周一。", json!({ "classes": [class] })).await;
    sqlx::query("DELETE FROM search_items").execute(app.state.db.pool()).await.unwrap();
    sqlx::query("DELETE FROM search_terms").execute(app.state.db.pool()).await.unwrap();
    let token = student_token(&app, &a[0].1).await;
    assert!(portal_search(&app, &token, "宿舍").await.is_empty());
    assert_eq!(banji::search::sources::backfill(&app.state.db).await.unwrap(), 1);
    assert_eq!(ids(&portal_search(&app, &token, "宿舍").await), vec![id]);
}

#[tokio::test]
async fn wechat_forms_and_procedures_commands_answer_with_their_own_kind_only() {
    let app = spawn_app().await;
    let item = |kind, ref_id, title: &str| Item {
        kind,
        ref_id,
        title: title.into(),
        body: String::new(),
        summary: "奖助".into(),
        audience: Audience::Everyone,
        at: 1,
    };
    index::put(&app.state.db, &item(Kind::Document, 11, "国家奖学金申请表")).await.unwrap();
    index::put(&app.state.db, &item(Kind::Guide, 12, "国家奖学金申请流程")).await.unwrap();
    let follower = app.follower("小李").await;
    let titles = |said: Value| -> Vec<(String, String)> {
        said["reply"]["articles"]
            .as_array()
            .unwrap_or_else(|| panic!("news: {said}"))
            .iter()
            .map(|a| (a["title"].as_str().unwrap().to_string(), a["url"].as_str().unwrap().to_string()))
            .collect()
    };
    let forms = titles(app.say(&follower, json!({ "type": "text", "content": "表格 奖学金" })).await);
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].0, "国家奖学金申请表");
    assert!(forms[0].1.ends_with("next=/s/documents/11"), "{}", forms[0].1);
    let guides = titles(app.say(&follower, json!({ "type": "text", "content": "流程 奖学金" })).await);
    assert_eq!(guides.len(), 1);
    assert!(guides[0].1.ends_with("next=/s/guides/12"));
    let all = titles(app.say(&follower, json!({ "type": "text", "content": "搜索 奖学金" })).await);
    assert_eq!(all.len(), 2, "搜索 finds both");
}

#[tokio::test]
async fn items_a_student_may_find_are_found_past_the_first_pages_of_newer_ones_they_may_not() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (class_a, a) = app.bound_class(&admin, "一班", 1, &[]).await;
    let (class_b, _) = app.bound_class(&admin, "二班", 1, &[]).await;
    let item = |ref_id: i64, class: i64, at: i64| Item {
        kind: Kind::Document,
        ref_id,
        title: format!("勤工助学岗位 {ref_id}"),
        body: String::new(),
        summary: String::new(),
        audience: Audience::Listed { classes: vec![class], groups: vec![] },
        at,
    };
    // Two older items for 一班, under 1 700 newer ones for 二班: the walk reads postings
    // a page (400), then up to three pages at once, so these are found only if each step
    // resumes where the one before ended, in the same order on items of equal time.
    index::put(&app.state.db, &item(1, class_a, 1_000)).await.unwrap();
    index::put(&app.state.db, &item(2, class_a, 1_000)).await.unwrap();
    for n in 0..1_700 {
        index::put(&app.state.db, &item(100 + n, class_b, 2_000 + n)).await.unwrap();
    }
    let token = student_token(&app, &a[0].1).await;
    let mut found = ids(&portal_search(&app, &token, "勤工助学").await);
    found.sort();
    assert_eq!(found, vec![1, 2]);
}
