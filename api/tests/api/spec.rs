//! The committed spec must match the code, so third parties can trust `openapi/openapi.json`.

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
fn every_operation_documents_its_json_errors_and_needs_auth_unless_public() {
    let spec: serde_json::Value = serde_json::from_str(&banji::routes::spec_json()).unwrap();
    let public = [
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/auth/register",
        "/v1/wechat/jssdk-config",
        // Every page's banner of a demonstration, the login page's too.
        "/v1/about",
        "/v1/portal/oauth",
        "/v1/portal/oauth/callback",
        // EventSource sends no headers: a single-use ticket from an authenticated call.
        "/v1/notices/{id}/report/events",
        "/v1/checkins/{id}/live/events",
    ];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "422", "500"] {
                assert!(responses.contains_key(status), "{method} {path} documents {status}");
            }
            let secured = op.get("security").is_some_and(|s| !s.as_array().unwrap().is_empty());
            assert_eq!(secured, !public.contains(&path.as_str()), "{method} {path} security");
        }
    }
}
