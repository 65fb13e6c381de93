use reqwest::Method;
use serde_json::{json, Value};
use shared::Role;

use crate::helpers::{error_body, spawn_app, PASSWORD};

#[tokio::test]
async fn every_admin_endpoint_refuses_a_teacher_with_403() {
    let app = spawn_app().await;
    let (teacher_id, teacher) = app.teacher("li.lei").await;
    let new_user = json!({"username": "x1", "display_name": "X", "password": PASSWORD, "role": "teacher"});
    let calls = [
        (Method::GET, "/api/v1/users".to_string(), None),
        (Method::POST, "/api/v1/users".to_string(), Some(new_user)),
        (Method::GET, format!("/api/v1/users/{teacher_id}"), None),
        (Method::PATCH, format!("/api/v1/users/{teacher_id}"), Some(json!({"role": "admin"}))),
        (Method::DELETE, format!("/api/v1/users/{teacher_id}"), None),
        (Method::GET, "/api/v1/audit".to_string(), None),
    ];
    for (method, path, body) in calls {
        let resp = app.request(method.clone(), &path, Some(&teacher.access), body).await;
        error_body(resp, 403, "admin_only").await;
    }
    // And none of them took effect.
    let me: Value = app.me(&teacher.access).await.json().await.unwrap();
    assert_eq!(me["role"], "teacher");
}

#[tokio::test]
async fn an_admin_creates_lists_searches_and_reads_users() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let resp = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"username": "Zhang.San", "display_name": "张三", "password": PASSWORD, "role": "teacher"}),
        )
        .await;

    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.unwrap();
    assert_eq!(created["username"], "zhang.san");
    assert_eq!(created["display_name"], "张三");
    assert!(created.get("password_hash").is_none() && created.get("password").is_none());
    let id = created["id"].as_i64().unwrap();

    let got: Value = app.get(&format!("/api/v1/users/{id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(got, created);
    let by_name: Value = app.get("/api/v1/users?q=%E5%BC%A0", &admin.access).await.json().await.unwrap();
    assert_eq!(by_name["total"], 1);
    assert_eq!(by_name["items"][0]["id"], id);
    let admins: Value = app.get("/api/v1/users?role=admin", &admin.access).await.json().await.unwrap();
    assert_eq!(admins["total"], 1);
    assert_eq!(admins["items"][0]["username"], "admin");
    // The new account can log in.
    assert_eq!(app.login("zhang.san", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn search_treats_percent_and_underscore_literally() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user("a_b", Role::Teacher).await;
    app.create_user("axb", Role::Teacher).await;
    let found: Value = app.get("/api/v1/users?q=a_b", &admin.access).await.json().await.unwrap();
    assert_eq!(found["total"], 1);
    let none: Value = app.get("/api/v1/users?q=%25", &admin.access).await.json().await.unwrap();
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn the_user_list_is_paginated_with_a_total() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for i in 0..4 {
        app.create_user(&format!("t{i}"), Role::Teacher).await;
    }
    let page: Value = app.get("/api/v1/users?page=2&per_page=2", &admin.access).await.json().await.unwrap();
    assert_eq!(page["total"], 5);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 2);
    let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["t1", "t2"]);
    let clamped: Value = app.get("/api/v1/users?per_page=1000", &admin.access).await.json().await.unwrap();
    assert_eq!(clamped["per_page"], 100);
    error_body(app.get("/api/v1/users?page=abc", &admin.access).await, 400, "bad_request").await;
}

#[tokio::test]
async fn creating_a_user_with_a_taken_username_is_409() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user("li.lei", Role::Teacher).await;
    let resp = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"username": "LI.LEI", "display_name": "李雷", "password": PASSWORD, "role": "teacher"}),
        )
        .await;
    error_body(resp, 409, "username_taken").await;
}

#[tokio::test]
async fn creating_a_user_with_invalid_fields_is_422_naming_each_field() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let resp = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"username": "has space", "display_name": "", "password": "short", "role": "teacher"}),
        )
        .await;
    let body = error_body(resp, 422, "validation_failed").await;
    assert_eq!(body["fields"]["username"], "may contain only letters, digits and . _ - @");
    assert_eq!(body["fields"]["display_name"], "is required");
    assert_eq!(body["fields"]["password"], "must be at least 8 characters");
    let bad_role = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"username": "ok", "display_name": "ok", "password": PASSWORD, "role": "student"}),
        )
        .await;
    error_body(bad_role, 400, "bad_request").await;
}

#[tokio::test]
async fn patch_changes_role_and_display_name_and_the_new_role_applies_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;
    error_body(app.get("/api/v1/users", &teacher.access).await, 403, "admin_only").await;

    let resp = app
        .patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"role": "admin", "display_name": "李雷主任"}))
        .await;

    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!((body["role"].as_str(), body["display_name"].as_str()), (Some("admin"), Some("李雷主任")));
    // The same access token now carries admin rights: roles are read per request.
    assert_eq!(app.get("/api/v1/users", &teacher.access).await.status(), 200);
}

#[tokio::test]
async fn disabling_a_user_ends_their_logins_and_enabling_lets_them_back() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;

    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"disabled": true})).await;

    error_body(app.me(&teacher.access).await, 401, "session_revoked").await;
    error_body(app.refresh(&teacher.refresh).await, 401, "invalid_refresh_token").await;
    app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"disabled": false})).await;
    assert_eq!(app.login("li.lei", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_admin_password_reset_ends_the_users_logins() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;

    let resp = app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"password": "reset-by-admin"})).await;

    assert_eq!(resp.status(), 200);
    error_body(app.me(&teacher.access).await, 401, "session_revoked").await;
    assert_eq!(app.login("li.lei", "reset-by-admin").await.status(), 200);
    let weak = app.patch(&format!("/api/v1/users/{id}"), &admin.access, json!({"password": "123"})).await;
    error_body(weak, 422, "validation_failed").await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_disabled_or_deleted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let me: Value = app.me(&admin.access).await.json().await.unwrap();
    let id = me["id"].as_i64().unwrap();
    let path = format!("/api/v1/users/{id}");

    error_body(app.patch(&path, &admin.access, json!({"role": "teacher"})).await, 409, "last_admin").await;
    error_body(app.patch(&path, &admin.access, json!({"disabled": true})).await, 409, "last_admin").await;
    error_body(app.delete(&path, &admin.access).await, 409, "last_admin").await;

    // With a second admin, the first may step down.
    app.create_user("second", Role::Admin).await;
    let resp = app.patch(&path, &admin.access, json!({"role": "teacher"})).await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn two_admins_removing_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let (a_id, a) = app.signed_in("admin.a", Role::Admin).await;
    let (b_id, b) = app.signed_in("admin.b", Role::Admin).await;

    let (path_a, path_b) = (format!("/api/v1/users/{a_id}"), format!("/api/v1/users/{b_id}"));
    let (ra, rb) = tokio::join!(app.delete(&path_b, &a.access), app.delete(&path_a, &b.access));

    let statuses = [ra.status().as_u16(), rb.status().as_u16()];
    let admins =
        banji::users::store::list(&app.state.db, "", Some(Role::Admin), None, shared::PageQuery::new(None, None))
            .await
            .unwrap();
    assert_eq!(admins.total, 1, "statuses {statuses:?}");
    assert!(statuses.contains(&204), "statuses {statuses:?}");
}

#[tokio::test]
async fn deleting_a_user_removes_their_access_and_unknown_ids_are_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, teacher) = app.teacher("li.lei").await;

    assert_eq!(app.delete(&format!("/api/v1/users/{id}"), &admin.access).await.status(), 204);

    error_body(app.me(&teacher.access).await, 401, "session_revoked").await;
    error_body(app.get(&format!("/api/v1/users/{id}"), &admin.access).await, 404, "not_found").await;
    error_body(app.delete(&format!("/api/v1/users/{id}"), &admin.access).await, 404, "not_found").await;
    error_body(app.patch("/api/v1/users/999999", &admin.access, json!({})).await, 404, "not_found").await;
}

#[tokio::test]
async fn two_clients_approving_at_once_among_other_writers_never_hit_a_locked_database() {
    // On SQLite a transaction that read before it wrote could not take the write lock
    // while another writer held it and failed at once ("database is locked", a 500);
    // every transaction now takes the lock up front and a second writer waits for it.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(app.teacher(&format!("teacher.{n}")).await.0);
    }
    let mut calls = Vec::new();
    for round in 0..4 {
        for id in &ids {
            for _client in 0..2 {
                calls.push((Method::POST, format!("/api/v1/users/{id}/approve"), None));
            }
            calls.push((
                Method::PATCH,
                format!("/api/v1/users/{id}"),
                Some(json!({"display_name": format!("老师{round}")})),
            ));
        }
    }
    let calls = calls.into_iter().map(|(method, path, body)| {
        let access = admin.access.clone();
        let app = &app;
        async move { app.request(method, &path, Some(&access), body).await }
    });
    let statuses: Vec<u16> =
        futures_util::future::join_all(calls).await.into_iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "every approval and rename succeeded: {statuses:?}");
}
