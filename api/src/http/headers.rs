//! Security headers on every answer — API, console, SPA fallback, `/docs`, the mock
//! platform — set in one place so no route can forget them:
//!
//! - `Content-Security-Policy`: the console runs only its own script (Trunk's loader is a
//!   file, `web/boot.js`, not an inline script), its WebAssembly (`'wasm-unsafe-eval'`)
//!   and WeChat's JSSDK; it shows images from itself and the QR codes' host and talks
//!   only to itself. A notice body that smuggled markup past the sanitiser still could
//!   not run script, and an image in it from elsewhere is not loaded (it would tell a
//!   third party who read the notice and when). `/docs` (Swagger UI) inlines its script,
//!   so its policy allows exactly those scripts by hash.
//! - `X-Frame-Options: DENY` and `frame-ancestors 'none'`: no page, the projector's
//!   included, can be framed by another site (clickjacking the console).
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (a student's
//!   token in a link never leaks to another site in a Referer).
//! - `Strict-Transport-Security` when `BANJI_PUBLIC_URL` is https.

use base64::Engine;
use poem::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use sha2::{Digest, Sha256};

/// Where WeChat's JSSDK comes from (the student pages load it inside WeChat).
const JSSDK_ORIGIN: &str = "https://res.wx.qq.com";

/// The headers, decided once at start.
#[derive(Clone)]
pub struct SecurityHeaders {
    console: HeaderValue,
    docs: HeaderValue,
    hsts: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// `public_url` decides HSTS; `image_origin` is where QR code images come from
    /// (WeChat, or a mock on another address; `blob:` is for pictures the pages fetch with
    /// their token, such as a topic post's); `docs_html` is the `/docs` page, whose
    /// inline scripts are allowed by their hashes.
    pub fn new(public_url: &str, image_origin: Option<&str>, docs_html: &str) -> Self {
        let images = image_origin.map(|o| format!(" {o}")).unwrap_or_default();
        let console = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {JSSDK_ORIGIN}; style-src 'self'; \
             img-src 'self' data: blob:{images}; connect-src 'self'; font-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        let hashes: Vec<String> = inline_scripts(docs_html).into_iter().map(|s| format!("'{}'", sha256(s))).collect();
        let docs = format!(
            "default-src 'none'; script-src {}; style-src 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            hashes.join(" ")
        );
        let hsts = public_url
            .to_ascii_lowercase()
            .starts_with("https://")
            .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
        SecurityHeaders {
            console: HeaderValue::from_str(&console).expect("a CSP is ASCII"),
            docs: HeaderValue::from_str(&docs).expect("a CSP is ASCII"),
            hsts,
        }
    }
}

/// The bodies of the `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else { break };
        let Some(close) = rest[open_end..].find("</script>").map(|i| open_end + i) else { break };
        if !rest[start..open_end].contains("src=") {
            scripts.push(&rest[open_end..close]);
        }
        rest = &rest[close..];
    }
    scripts
}

fn sha256(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        SecurityHeadersEndpoint { inner, headers: self.clone() }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    inner: E,
    headers: SecurityHeaders,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path();
        let docs = path == "/docs" || path.starts_with("/docs/");
        let mut resp = match self.inner.call(req).await {
            Ok(output) => output.into_response(),
            Err(err) => err.into_response(),
        };
        let headers = resp.headers_mut();
        let csp = if docs { &self.headers.docs } else { &self.headers.console };
        headers.insert(CONTENT_SECURITY_POLICY, csp.clone());
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        if let Some(hsts) = &self.headers.hsts {
            headers.insert(STRICT_TRANSPORT_SECURITY, hsts.clone());
        }
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_page_inline_scripts_are_found_and_hashed_and_loaded_ones_skipped() {
        let html =
            "<script charset=\"UTF-8\">let a = 1;</script><script src=\"/x.js\"></script>\n<script>\nb()\n</script>";
        assert_eq!(inline_scripts(html), ["let a = 1;", "\nb()\n"]);
        // `echo -n 'let a = 1;' | openssl dgst -sha256 -binary | base64`
        assert_eq!(sha256("let a = 1;"), "sha256-xY6QKfH9PRsQnLz56nj6MBwiK5oHg+im1Jkpdp1x/Ck=");
    }

    #[test]
    fn hsts_only_when_the_public_url_is_https() {
        assert!(SecurityHeaders::new("https://banji.school.edu.cn", None, "").hsts.is_some());
        assert!(SecurityHeaders::new("http://127.0.0.1:8080", None, "").hsts.is_none());
    }
}
