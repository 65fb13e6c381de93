//! Roster import (CSV and XLSX, dry run, all-or-nothing, upsert by 学号) and export.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{error_body, spawn_app, Session, TestApp};

impl TestApp {
    /// Uploads a roster and waits for its job to finish; returns the finished job.
    pub async fn import_roster(&self, who: &Session, bytes: Vec<u8>, dry_run: bool, create_classes: bool) -> Value {
        let url = self.url(&format!("/api/v1/roster/imports?dry_run={dry_run}&create_classes={create_classes}"));
        let resp = self
            .client
            .post(url)
            .bearer_auth(&who.access)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 202, "import accepted");
        let job: Value = resp.json().await.unwrap();
        self.finished_job(who, job["id"].as_str().unwrap()).await
    }

    pub async fn finished_job(&self, who: &Session, id: &str) -> Value {
        for _ in 0..400 {
            let job: Value = self.get(&format!("/api/v1/roster/imports/{id}"), &who.access).await.json().await.unwrap();
            if job["status"] != "running" {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the import job {id} did not finish");
    }

    pub async fn student_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM students").fetch_one(self.state.db.pool()).await.unwrap()
    }
}

fn codes(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const GOOD: &str = "学号,姓名,性别,班级,手机,邮箱,宿舍,状态\n\
    2023010101,李雷,男,计算机2301,13800000001,lilei@school.edu.cn,东7-301,在读\n\
    2023010102,韩梅梅,女,计算机2301,138 0000 0002,,东7-302,在读\n\
    2023020101,林涛,男,数学2301,+8613900000001,,,休学\n";

#[tokio::test]
async fn a_dry_run_reports_every_bad_row_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_class(&admin, "计算机2301", &[]).await;
    let file = "学号,姓名,性别,班级,手机\n\
        2023010101,李雷,男,计算机2301,13800000001\n\
        2023010102,,女,计算机2301,\n\
        2023010103,王芳,女,计算机2301,1234\n\
        2023010104,张伟,其他,不存在的班,\n\
        2023010101,李雷二,男,计算机2301,\n";
    let job = app.import_roster(&admin, file.as_bytes().to_vec(), true, false).await;
    assert_eq!(job["status"], "done");
    let report = &job["report"];
    assert_eq!((report["total_rows"].as_u64(), report["valid_rows"].as_u64()), (Some(5), Some(1)));
    assert_eq!(report["applied"], false);
    assert_eq!(
        codes(report),
        [
            (3, "name".to_string(), "required".to_string()),
            (4, "phone".into(), "invalid".into()),
            (5, "gender".into(), "unknown_value".into()),
            (5, "class".into(), "unknown_class".into()),
            (6, "student_no".into(), "duplicate_in_file".into()),
        ]
    );
    assert_eq!(app.student_count().await, 0, "a dry run writes nothing");

    // The same file for real: any bad row means nothing is written.
    let job = app.import_roster(&admin, file.as_bytes().to_vec(), false, false).await;
    assert_eq!(job["report"]["applied"], false);
    assert_eq!(app.student_count().await, 0, "all or nothing");
}

#[tokio::test]
async fn an_import_upserts_by_student_number_makes_its_importer_responsible_for_new_classes_and_twice_changes_nothing()
{
    let app = spawn_app().await;
    let admin = app.admin().await;
    let job = app.import_roster(&admin, GOOD.as_bytes().to_vec(), false, true).await;
    let report = &job["report"];
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64(), report["applied"].as_bool()),
        (Some(3), Some(0), Some(true))
    );
    assert_eq!(report["classes_to_create"], json!(["计算机2301", "数学2301"]));
    let lin: Value = app.get("/api/v1/students?q=林涛", &admin.access).await.json().await.unwrap();
    let lin = &lin["items"][0];
    assert_eq!(
        (lin["class_name"].as_str(), lin["status"].as_str(), lin["gender"].as_str()),
        (Some("数学2301"), Some("suspended"), Some("male"))
    );
    let id = lin["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/v1/students/{id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(detail["student"]["phone"], "13900000001", "+86 and spaces are cleaned");
    let code = detail["bind_code"].clone();

    let again = app.import_roster(&admin, GOOD.as_bytes().to_vec(), false, true).await;
    assert_eq!((again["report"]["created"].as_u64(), again["report"]["updated"].as_u64()), (Some(0), Some(3)));
    assert_eq!(app.student_count().await, 3);
    let classes: Value = app.get("/api/v1/classes", &admin.access).await.json().await.unwrap();
    assert_eq!(classes["total"], 2, "no class created twice");
    for class in classes["items"].as_array().unwrap() {
        let teachers: Vec<&str> = class["teachers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["display_name"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(teachers, ["admin 老师"], "the importer is responsible for the classes the import made: {class}");
    }

    // A partial file changes what it names and leaves the rest.
    let partial = "学号,姓名,宿舍\n2023020101,林涛,西3-101\n";
    app.import_roster(&admin, partial.as_bytes().to_vec(), false, false).await;
    let detail: Value = app.get(&format!("/api/v1/students/{id}"), &admin.access).await.json().await.unwrap();
    assert_eq!(detail["student"]["dormitory"], "西3-101");
    assert_eq!(detail["student"]["phone"], "13900000001", "a column the file lacks keeps its value");
    assert_eq!(detail["student"]["class_name"], "数学2301");
    assert_eq!(detail["bind_code"], code, "the bind code a student may already have is kept");
}

#[tokio::test]
async fn an_xlsx_roster_with_english_headers_imports_like_a_csv() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_class(&admin, "Physics-1", &[]).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in ["Student No", "Name", "Class", "Mobile", "Status"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    // Numbers typed as numbers, as spreadsheets often hold them.
    sheet.write_number(1, 0, 2024000001.0).unwrap();
    sheet.write_string(1, 1, "Ada").unwrap();
    sheet.write_string(1, 2, "Physics-1").unwrap();
    sheet.write_number(1, 3, 13700000001.0).unwrap();
    sheet.write_string(1, 4, "graduated").unwrap();
    let job = app.import_roster(&admin, book.save_to_buffer().unwrap(), false, false).await;
    assert_eq!(job["report"]["errors"], json!([]), "{job}");
    assert_eq!(job["report"]["columns"], json!(["student_no", "name", "class", "phone", "status"]));
    let list: Value = app.get("/api/v1/students", &admin.access).await.json().await.unwrap();
    let ada = &list["items"][0];
    assert_eq!(
        (ada["student_no"].as_str(), ada["status"].as_str(), ada["phone"].as_str()),
        (Some("2024000001"), Some("graduated"), Some("137****0001"))
    );
}

#[tokio::test]
async fn a_teacher_imports_only_into_their_classes_and_never_touches_other_students() {
    let app = spawn_app().await;
    let s = app.school().await;
    let file = "学号,姓名,班级\n\
        2023010103,新同学,计算机2301\n\
        2023010104,别班的,数学2301\n\
        2023020101,林涛改名,计算机2301\n\
        2023010105,没班级,\n\
        2023010106,新班级,物理2301\n";
    let job = app.import_roster(&s.teacher_a, file.as_bytes().to_vec(), true, true).await;
    assert_eq!(
        codes(&job["report"]),
        [
            (3, "class".to_string(), "not_yours".to_string()),
            (4, "student_no".into(), "not_yours".into()),
            (5, "class".into(), "required".into()),
            (6, "class".into(), "unknown_class".into()),
        ],
        "a teacher cannot create classes either"
    );
    let ok = app
        .import_roster(&s.teacher_a, "学号,姓名,班级\n2023010103,新同学,计算机2301\n".as_bytes().to_vec(), false, false)
        .await;
    assert_eq!(ok["report"]["created"], 1);
    // The job is its starter's alone.
    let other = app.get(&format!("/api/v1/roster/imports/{}", ok["id"].as_str().unwrap()), &s.teacher_b.access).await;
    error_body(other, 404, "not_found").await;
}

#[tokio::test]
async fn an_export_reads_back_as_the_same_roster_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.import_roster(&admin, GOOD.as_bytes().to_vec(), false, true).await;
    for format in ["csv", "xlsx"] {
        let resp = app.get(&format!("/api/v1/roster/export?format={format}"), &admin.access).await;
        assert_eq!(resp.status(), 200);
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment") && disposition.contains(&format!(".{format}")), "{disposition}");
        let bytes = resp.bytes().await.unwrap().to_vec();
        if format == "csv" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(text.starts_with("\u{feff}学号,姓名,性别,班级,手机,邮箱,宿舍,状态,备注"), "{text}");
            assert!(text.contains("2023020101,林涛,男,数学2301,13900000001,,,休学,"), "{text}");
        }
        let back = app.import_roster(&admin, bytes, true, false).await;
        let report = &back["report"];
        assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(0), Some(3)), "{format}: {report}");
        assert_eq!(report["errors"], json!([]));
    }
    let audit: Value = app.get("/api/v1/audit?action=roster_exported", &admin.access).await.json().await.unwrap();
    assert_eq!(audit["total"], 2);
}

#[tokio::test]
async fn a_multipart_upload_works_and_unreadable_files_fail_clearly() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(GOOD.as_bytes().to_vec()).file_name("名单.csv"));
    let resp = app
        .client
        .post(app.url("/api/v1/roster/imports?create_classes=true"))
        .bearer_auth(&admin.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let job: Value = resp.json().await.unwrap();
    let job = app.finished_job(&admin, job["id"].as_str().unwrap()).await;
    assert_eq!((job["dry_run"].as_bool(), job["report"]["valid_rows"].as_u64()), (Some(true), Some(3)));

    let no_header = app.import_roster(&admin, "李雷,男\n".as_bytes().to_vec(), true, false).await;
    assert_eq!(no_header["status"], "failed");
    assert!(no_header["error"].as_str().unwrap().contains("学号"), "{no_header}");
    let broken_xlsx = app.import_roster(&admin, b"PK\x03\x04 not really a zip".to_vec(), true, false).await;
    assert_eq!(broken_xlsx["status"], "failed");
}

#[tokio::test]
async fn a_teacher_exports_only_their_own_students() {
    let app = spawn_app().await;
    let s = app.school().await;
    let resp = app.get("/api/v1/roster/export?format=csv", &s.teacher_a.access).await;
    let text = String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text.contains("李雷") && text.contains("韩梅梅"), "{text}");
    assert!(!text.contains("林涛") && !text.contains("吉姆"), "another class's students leaked: {text}");
    let other_class =
        app.get(&format!("/api/v1/roster/export?format=csv&class_id={}", s.class_b), &s.teacher_a.access).await;
    let text = String::from_utf8(other_class.bytes().await.unwrap().to_vec()).unwrap();
    assert_eq!(text.lines().count(), 1, "only the header: {text}");
}
