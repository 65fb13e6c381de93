//! The committed spec must match the code and tell the truth about it, so third parties
//! (and the fuzzer in CI, `scripts/fuzz-api.sh`) can trust `openapi/openapi.json`: every
//! status an operation can answer is documented, and an optional field is left out of an
//! answer when it has no value, never sent as a `null` the schema does not allow.

use std::path::Path;

use crate::helpers::spawn_app;

#[test]
fn the_committed_openapi_spec_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = banji::routes::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date; regenerate it with:\n    cargo run -p api -- openapi > openapi/openapi.json"
    );
}

#[test]
fn every_operation_documents_every_status_it_can_answer_and_needs_auth_unless_public() {
    let spec: serde_json::Value = serde_json::from_str(&banji::routes::spec_json()).unwrap();
    let public = [
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/auth/register",
        // A teacher's phone signs in with the grant WeChat's authorisation brought back.
        "/v1/auth/wechat",
        // 忘记密码: the one who forgot their password cannot log in.
        "/v1/auth/password-reset/code",
        "/v1/auth/password-reset",
        "/v1/wechat/jssdk-config",
        // Every page's banner of a demonstration, the login page's too.
        "/v1/about",
        "/v1/portal/oauth",
        "/v1/portal/oauth/callback",
        // EventSource sends no headers: a single-use ticket from an authenticated call.
        "/v1/notices/{id}/report/events",
        "/v1/checkins/{id}/live/events",
        "/v1/inbox/live/events",
    ];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let secured = op.get("security").is_some_and(|s| !s.as_array().unwrap().is_empty());
            assert_eq!(secured, !public.contains(&path.as_str()), "{method} {path} security");
            let mut expected = vec!["400", "404", "422", "500"];
            if secured {
                // The security scheme's checker answers before the handler runs.
                expected.extend(["401", "403"]);
            }
            if op.get("requestBody").is_some() {
                // poem refuses a body in another content type, the context one too large.
                expected.extend(["413", "415"]);
            }
            for status in expected {
                assert!(responses.contains_key(status), "{method} {path} documents {status}");
            }
        }
    }
}

/// The `#[…]` attributes of each type deriving poem-openapi's `Object` in `dir`.
fn objects_in(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            objects_in(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            let derives_object = line.starts_with("#[")
                && line.contains("derive(")
                && (line.contains("poem_openapi::Object") || line.contains("(Object") || line.contains(" Object"));
            if !derives_object {
                continue;
            }
            let mut attributes = String::new();
            for next in &lines[i..] {
                let next = next.trim();
                if next.starts_with("pub struct") || next.starts_with("struct") || next.starts_with("pub(crate) struct")
                {
                    found.push((format!("{}: {next}", path.display()), attributes));
                    break;
                }
                attributes.push_str(next);
            }
        }
    }
}

#[test]
fn every_api_object_leaves_out_an_absent_optional_field_instead_of_sending_null() {
    // poem-openapi documents an `Option<T>` field as a T that may be missing, not as
    // nullable: the one rule is that a `None` is left out, said once on each type.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut objects = Vec::new();
    objects_in(&root.join("src"), &mut objects);
    objects_in(&root.join("../shared/src"), &mut objects);
    assert!(objects.len() > 100, "found the API's objects ({})", objects.len());
    let sending_null: Vec<&String> = objects
        .iter()
        .filter(|(_, attributes)| !attributes.contains("oai(skip_serializing_if_is_none"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        sending_null.is_empty(),
        "add #[oai(skip_serializing_if_is_none)] (shared: inside cfg_attr) to: {sending_null:#?}"
    );
}

#[tokio::test]
async fn answers_leave_out_absent_fields_rather_than_send_nulls_the_spec_does_not_allow() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.login("admin", "wrong-password").await;
    app.post("/api/v1/api-tokens", &admin.access, serde_json::json!({"name": "sync", "scopes": ["read"]})).await;
    // The ones the fuzzer caught sending `null`: a failed login's audit entry (no actor),
    // a token never used, menu features without a key, templates never set, a dashboard
    // without reads, a follower sync never run.
    for path in [
        "/api/v1/audit",
        "/api/v1/api-tokens",
        "/api/v1/menus/features",
        "/api/v1/settings/templates",
        "/api/v1/stats/dashboard",
        "/api/v1/followers/sync",
        "/api/v1/me",
    ] {
        let resp = app.get(path, &admin.access).await;
        assert_eq!(resp.status(), 200, "{path}");
        let text = resp.text().await.unwrap();
        assert!(!text.contains(":null"), "{path} sends a null: {text}");
    }
}
