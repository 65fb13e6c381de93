//! The search index follows a document: its title, folder, tags and audience from the
//! upload, through edits, a renamed folder and a new file, to its deletion.

use serde_json::{json, Value};

use crate::documents::{id, library, put, replace, uploaded};
use crate::helpers::{spawn_app, TestApp};

async fn indexed(app: &TestApp, doc: i64) -> Option<(String, String, String)> {
    sqlx::query_as("SELECT title, summary, audience FROM search_items WHERE kind = 'document' AND ref_id = $1")
        .bind(doc)
        .fetch_optional(app.state.db.pool())
        .await
        .unwrap()
}

async fn has_term(app: &TestApp, doc: i64, term: &str) -> bool {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM search_terms t JOIN search_items i ON i.id = t.item_id \
         WHERE i.kind = 'document' AND i.ref_id = $1 AND t.term = $2",
    )
    .bind(doc)
    .bind(term)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    n > 0
}

#[tokio::test]
async fn the_search_index_follows_a_document_from_upload_to_delete() {
    let app = spawn_app().await;
    let lib = library(&app).await;
    let admin = &lib.admin;
    let folder: Value =
        app.post("/api/v1/documents/folders", &admin.access, json!({ "name": "奖助" })).await.json().await.unwrap();
    let query =
        format!("folder_id={}&title=奖学金申请表&tags=表格&audience=listed&classes={}", folder["id"], lib.class_a);
    let doc = id(&uploaded(&app, admin, "申请表.docx", b"PK", &query).await);
    assert_eq!(indexed(&app, doc).await, Some(("奖学金申请表".into(), "奖助".into(), "listed".into())));
    let listed: Vec<Option<i64>> = sqlx::query_scalar(
        "SELECT a.class_id FROM search_item_audience a JOIN search_items i ON i.id = a.item_id WHERE i.ref_id = $1 AND i.kind = 'document'",
    )
    .bind(doc)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(listed, [Some(lib.class_a)]);
    for term in ["奖学", "表格", "奖助"] {
        assert!(has_term(&app, doc, term).await, "{term}");
    }

    let edit = json!({ "title": "助学金申请表", "description": "每年九月申请", "folder_id": folder["id"], "audience": { "kind": "students" } });
    assert_eq!(put(&app, admin, doc, edit).await.status(), 200);
    assert_eq!(indexed(&app, doc).await, Some(("助学金申请表".into(), "每年九月申请".into(), "students".into())));
    assert!(has_term(&app, doc, "九月").await && !has_term(&app, doc, "奖学").await);
    let renamed = app
        .patch(&format!("/api/v1/documents/folders/{}", folder["id"]), &admin.access, json!({ "name": "资助" }))
        .await;
    assert_eq!(renamed.status(), 200);
    assert!(has_term(&app, doc, "资助").await && !has_term(&app, doc, "奖助").await);
    assert_eq!(replace(&app, admin, doc, "困难认定表.xlsx", b"PK").await.status(), 200);
    assert!(has_term(&app, doc, "认定").await);

    assert_eq!(app.delete(&format!("/api/v1/documents/{doc}"), &admin.access).await.status(), 204);
    assert_eq!(indexed(&app, doc).await, None);
    assert!(!has_term(&app, doc, "助学").await);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_versions WHERE document_id = $1")
        .bind(doc)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}
