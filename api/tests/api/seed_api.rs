//! The seed's admin API (`/api/v0.1/cgi-bin/…`) with its documented examples: the same
//! request shapes (JSON for the menu, form fields elsewhere), the same answers.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Session, TestApp};

impl TestApp {
    async fn seed(&self, method: Method, path: &str, who: &Session) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(&format!("/api/v0.1/cgi-bin{path}"))).bearer_auth(&who.access)
    }
}

async fn answer(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn ok() -> Value {
    json!({ "errcode": 0, "errmsg": "ok" })
}

#[tokio::test]
async fn the_documented_menu_is_created_read_back_and_deleted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let menu = json!({
        "button": [
            { "type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC" },
            { "name": "菜单", "sub_button": [
                { "type": "view", "name": "搜索", "url": "http://www.soso.com/" },
                { "type": "click", "name": "赞一下我们", "key": "V1001_GOOD" }
            ]}
        ]
    });
    assert_eq!(answer(app.seed(Method::POST, "/menu", &admin).await.json(&menu)).await, (200, ok()));
    let (status, read) = answer(app.seed(Method::GET, "/menu", &admin).await).await;
    assert_eq!(status, 200);
    assert_eq!(read["menu"]["button"][0]["name"], "今日歌曲");
    assert_eq!(read["menu"]["button"][1]["sub_button"][1]["key"], "V1001_GOOD");
    let drafts: Vec<Value> = app.get("/api/v1/menus", &admin.access).await.json().await.unwrap();
    assert!(drafts[0]["published_at"].is_string(), "the console sees it as the published default menu");

    let too_long = json!({ "button": [{ "type": "click", "name": "这个名字实在是太长了", "key": "K" }] });
    let (status, body) = answer(app.seed(Method::POST, "/menu", &admin).await.json(&too_long)).await;
    assert_eq!((status, body), (400, json!({ "errcode": 40018, "errmsg": "invalid button name size" })));

    assert_eq!(answer(app.seed(Method::DELETE, "/menu", &admin).await).await, (200, ok()));
    let (status, body) = answer(app.seed(Method::GET, "/menu", &admin).await).await;
    assert_eq!((status, body["errcode"].as_i64()), (404, Some(46003)));
}

#[tokio::test]
async fn a_tag_created_here_is_a_mirrored_group_there_and_follows_rename_and_delete() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, created) = answer(app.seed(Method::POST, "/tags", &admin).await.form(&[("name", "广东")])).await;
    assert_eq!(status, 200);
    assert_eq!(created["tag"]["name"], "广东");
    let id = created["tag"]["id"].as_i64().unwrap();
    let groups: Value = app.get("/api/v1/groups", &admin.access).await.json().await.unwrap();
    assert_eq!(
        (groups["items"][0]["name"].as_str(), groups["items"][0]["mirror_tag"].as_bool()),
        (Some("广东"), Some(true))
    );

    let (_, list) = answer(app.seed(Method::GET, "/tags", &admin).await).await;
    assert!(list["tags"].as_array().unwrap().contains(&json!({ "id": id, "name": "广东", "count": 0 })), "{list}");

    let renamed =
        app.seed(Method::PUT, "/tags", &admin).await.form(&[("id", id.to_string().as_str()), ("name", "广东省")]);
    assert_eq!(answer(renamed).await, (200, ok()));
    let groups: Value = app.get("/api/v1/groups", &admin.access).await.json().await.unwrap();
    assert_eq!(groups["items"][0]["name"], "广东省");

    let missing = app.seed(Method::POST, "/tags", &admin).await.form(&[("nothing", "here")]);
    assert_eq!(answer(missing).await, (400, json!({ "errcode": -1, "errmsg": "参数缺失或参数错误" })));

    let deleted = app.seed(Method::DELETE, "/tags", &admin).await.form(&[("id", id.to_string().as_str())]);
    assert_eq!(answer(deleted).await, (200, ok()));
    let groups: Value = app.get("/api/v1/groups", &admin.access).await.json().await.unwrap();
    assert_eq!(groups["total"], 0);
    assert!(app.platform_tags().await.iter().all(|(n, _)| n != "广东省"));
}

#[tokio::test]
async fn followers_are_tagged_by_repeated_fields_or_a_json_list_and_listed_both_ways() {
    let app = spawn_app().await;
    let s = app.school().await;
    let student = app.bound_follower(&s.admin, s.students_a[0], "2023010101", "李雷").await;
    let parent = app.follower("家长").await;
    let (_, created) = answer(app.seed(Method::POST, "/tags", &s.admin).await.form(&[("name", "星标组")])).await;
    let tag = created["tag"]["id"].as_i64().unwrap().to_string();

    let repeated = app.seed(Method::PUT, "/user/tags", &s.admin).await.form(&[
        ("openid_list", student.as_str()),
        ("openid_list", parent.as_str()),
        ("tagid", tag.as_str()),
    ]);
    assert_eq!(answer(repeated).await, (200, ok()));
    let (_, users) = answer(app.seed(Method::GET, &format!("/user/tags?tagid={tag}"), &s.admin).await).await;
    assert_eq!(users["count"], 2);
    let mut listed: Vec<String> =
        users["data"]["openid"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect();
    listed.sort();
    let mut expected = vec![student.clone(), parent.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    assert!(users["next_openid"].is_string());
    let group: Value = app.get("/api/v1/groups", &s.admin.access).await.json().await.unwrap();
    assert_eq!(group["items"][0]["member_count"], 1, "the bound student joined the tag's group");

    let (_, mine) = answer(app.seed(Method::GET, &format!("/user/tags?openid={parent}"), &s.admin).await).await;
    assert_eq!(mine, json!({ "tagid_list": [tag.parse::<i64>().unwrap()] }));
    let (status, neither) = answer(app.seed(Method::GET, "/user/tags", &s.admin).await).await;
    assert_eq!((status, neither), (400, json!({ "errcode": -1, "errmsg": "参数缺失或参数错误" })));

    // A JSON list in one field, sent as multipart.
    let form = reqwest::multipart::Form::new()
        .text("openid_list", json!([student, parent]).to_string())
        .text("tagid", tag.clone());
    assert_eq!(answer(app.seed(Method::DELETE, "/user/tags", &s.admin).await.multipart(form)).await, (200, ok()));
    let (_, users) = answer(app.seed(Method::GET, &format!("/user/tags?tagid={tag}"), &s.admin).await).await;
    assert_eq!(users["count"], 0);
    let group: Value = app.get("/api/v1/groups", &s.admin.access).await.json().await.unwrap();
    assert_eq!(group["items"][0]["member_count"], 0);
}

#[tokio::test]
async fn a_remark_is_set_through_and_only_admins_use_the_seed_api() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let openid = app.follower("王").await;
    let form = reqwest::multipart::Form::new().text("openid", openid.clone()).text("remark", "家长-王");
    assert_eq!(answer(app.seed(Method::PUT, "/user/remark", &admin).await.multipart(form)).await, (200, ok()));
    assert_eq!(app.sim_user(&openid).await["remark"], "家长-王");
    let unknown = app.seed(Method::PUT, "/user/remark", &admin).await.form(&[("openid", "oNobody"), ("remark", "x")]);
    let (status, body) = answer(unknown).await;
    assert_eq!((status, body["errcode"].as_i64()), (404, Some(40003)));

    let (_, teacher) = app.teacher("li.lei").await;
    let (status, body) = answer(app.seed(Method::GET, "/tags", &teacher).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("admin_only")));
    let anonymous = app.client.get(app.url("/api/v0.1/cgi-bin/tags")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn an_unknown_openid_is_the_callers_mistake_a_404_with_the_platforms_errcode_not_a_502() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = answer(app.seed(Method::GET, "/user/tags?openid=oNobody", &admin).await).await;
    assert_eq!((status, body["errcode"].as_i64()), (404, Some(40003)));
    let form = [("tagid", "999"), ("openid_list", "oNobody")];
    let (status, body) = answer(app.seed(Method::PUT, "/user/tags", &admin).await.form(&form)).await;
    assert_eq!((status, body["errcode"].as_i64()), (404, Some(45159)), "a tag the account does not have");
    let (_, created) = answer(app.seed(Method::POST, "/tags", &admin).await.form(&[("name", "广东")])).await;
    let tag = created["tag"]["id"].to_string();
    let form = [("tagid", tag.as_str()), ("openid_list", "oNobody")];
    let (status, body) = answer(app.seed(Method::PUT, "/user/tags", &admin).await.form(&form)).await;
    assert_eq!((status, body["errcode"].as_i64()), (404, Some(40003)));
}

#[tokio::test]
async fn an_unreadable_body_is_answered_in_the_seeds_shape_as_its_spec_says() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unreadable = json!({ "errcode": -1, "errmsg": "参数缺失或参数错误" });
    let not_json = app.seed(Method::POST, "/menu", &admin).await.header("content-type", "application/json").body("{");
    assert_eq!(answer(not_json).await, (400, unreadable.clone()));
    let broken_multipart = app
        .seed(Method::PUT, "/tags", &admin)
        .await
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nnot a header\r\n\r\n");
    assert_eq!(answer(broken_multipart).await, (400, unreadable));
    let (status, body) = answer(app.seed(Method::PUT, "/tags", &admin).await.json(&json!({ "id": 1 }))).await;
    assert_eq!((status, body["errcode"].as_i64()), (415, Some(-1)));
    let (status, body) = answer(app.seed(Method::POST, "/menu", &admin).await.body("{}")).await;
    assert_eq!((status, body["errcode"].as_i64()), (415, Some(-1)));
}
