//! Serves the built browser side (Trunk's output folder) with an SPA fallback: any path
//! that is not a file and not under `/api/` gets a shell, so deep links work on reload.
//! The students' pages (`/s/…`) get their bundle's shell (`student/index.html`), the
//! teachers' phone pages (`/t/…`) theirs (`teacher/index.html`), everything else the
//! console's (`index.html`); the rule is the web crate's `Bundle::of`, repeated here.
//!
//! Hashed assets (`web-<16 hex>.wasm`) never change and are cached for a year; they are
//! served precompressed (`.br`, `.gz` made at build time by `scripts/precompress.mjs`)
//! when the browser accepts it. The shells are revalidated every time so a new release is
//! picked up at once.

use std::path::{Component, Path, PathBuf};

use poem::endpoint::StaticFilesEndpoint;
use poem::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::web::CompressionAlgo;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

use super::compress::preferred;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub struct ConsoleEndpoint {
    dist: PathBuf,
    files: StaticFilesEndpoint,
    student: StaticFilesEndpoint,
    teacher: StaticFilesEndpoint,
}

impl ConsoleEndpoint {
    pub fn new(dist: PathBuf) -> Self {
        let files = StaticFilesEndpoint::new(&dist).index_file("index.html").fallback_to_index();
        let shell =
            |folder: &str| StaticFilesEndpoint::new(dist.join(folder)).index_file("index.html").fallback_to_index();
        let (student, teacher) = (shell(STUDENT), shell(TEACHER));
        ConsoleEndpoint { dist, files, student, teacher }
    }

    /// A hashed asset's precompressed twin, when there is one the client accepts.
    async fn precompressed(&self, req: &Request, path: &str) -> Option<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return None;
        }
        let relative = Path::new(path.trim_start_matches('/'));
        if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let algo = preferred(req.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()))?;
        let (suffix, coding) = match algo {
            CompressionAlgo::BR => ("br", "br"),
            _ => ("gz", "gzip"),
        };
        let mut twin = self.dist.join(relative).into_os_string();
        twin.push(format!(".{suffix}"));
        let bytes = tokio::fs::read(&twin).await.ok()?;
        let body = if req.method() == Method::HEAD { Vec::new() } else { bytes };
        Some(
            Response::builder()
                .header(CONTENT_TYPE, content_type(path))
                .header(CONTENT_ENCODING, coding)
                .header(VARY, "accept-encoding")
                .header(CACHE_CONTROL, IMMUTABLE)
                .body(body),
        )
    }
}

/// Where the phone pages' bundles are built, inside the console's folder.
const STUDENT: &str = "student";
const TEACHER: &str = "teacher";

/// The folder of the bundle whose shell answers `path`, when it is not the console's (the
/// web crate's `Bundle::of`).
pub fn phone_bundle(path: &str) -> Option<&'static str> {
    let under = |p: &str| path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'));
    if under("/s") {
        Some(STUDENT)
    } else if under("/t") {
        Some(TEACHER)
    } else {
        None
    }
}

/// Trunk names assets `<stem>-<16 hex digits>[_bg].<ext>`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split(['-', '_', '.']).any(|part| part.len() == 16 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The types Trunk's output has.
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

impl Endpoint for ConsoleEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path().to_string();
        if path == "/api" || path.starts_with("/api/") {
            return Err(poem::Error::from_string(format!("no API endpoint at {path}"), StatusCode::NOT_FOUND));
        }
        if !self.dist.join("index.html").is_file() {
            let page = "<!doctype html><meta charset=utf-8><title>Banji</title>\
                <p>控制台尚未构建。The console has not been built: run <code>make run</code> \
                (or <code>scripts/build-web.sh</code>) and set BANJI_WEB_DIST.</p>";
            return Ok(poem::web::Html(page).with_status(StatusCode::SERVICE_UNAVAILABLE).into_response());
        }
        let hashed = is_hashed_asset(&path);
        if hashed {
            if let Some(resp) = self.precompressed(&req, &path).await {
                return Ok(resp);
            }
        }
        let shell = phone_bundle(&path).filter(|folder| self.dist.join(folder).join("index.html").is_file());
        let mut resp = match shell {
            Some(STUDENT) => self.student.call(req).await,
            Some(_) => self.teacher.call(req).await,
            None => self.files.call(req).await,
        }?
        .into_response();
        let cache = if resp.status().is_success() && hashed { IMMUTABLE } else { "no-cache" };
        resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_hashed_asset, phone_bundle};

    #[test]
    fn trunk_asset_names_count_as_hashed_and_routes_do_not() {
        assert!(is_hashed_asset("/web-3f2a1b9c8d7e6f5a_bg.wasm"));
        assert!(is_hashed_asset("/student/student-3f2a1b9c8d7e6f5a.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/users/12"));
    }

    #[test]
    fn the_students_and_teachers_pages_are_their_own_bundles_and_nothing_else_is() {
        for path in ["/s", "/s/", "/s/notices/12"] {
            assert_eq!(phone_bundle(path), Some("student"), "{path}");
        }
        for path in ["/t", "/t/messages/o-1"] {
            assert_eq!(phone_bundle(path), Some("teacher"), "{path}");
        }
        for path in ["/", "/settings", "/search", "/students", "/templates", "/student/index.html"] {
            assert_eq!(phone_bundle(path), None, "{path}");
        }
    }
}
