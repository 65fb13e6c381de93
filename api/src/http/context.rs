//! Per-request context: an id (from `X-Request-Id` or fresh) in a tracing span, in the
//! response header and in every log line; the client address; a body-size bound; and
//! JSON bodies for errors raised outside our handlers (bad JSON, missing auth, 404s).

use std::net::IpAddr;
use std::time::Instant;

use poem::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use shared::ErrorBody;
use tracing::Instrument;

/// The address a request came from (with `BANJI_TRUST_PROXY`, the one our outermost proxy
/// saw).
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<IpAddr>);

pub fn client_ip(req: &Request) -> Option<String> {
    req.extensions().get::<ClientIp>().and_then(|c| c.0).map(|ip| ip.to_string())
}

pub fn user_agent(req: &Request) -> Option<String> {
    req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(|s| s.chars().take(256).collect())
}

/// The value of the cookie `name` the request carries, if any.
pub fn cookie<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

pub struct RequestContext {
    /// Proxies of ours before Banji (`Config::trust_proxy_hops`).
    pub trust_proxy: usize,
    pub max_body: usize,
    /// Which paths take file uploads, and their larger bound.
    pub is_upload: fn(&str) -> bool,
    pub max_upload: usize,
}

impl<E: Endpoint> Middleware<E> for RequestContext {
    type Output = RequestContextEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequestContextEndpoint {
            inner,
            trust_proxy: self.trust_proxy,
            max_body: self.max_body,
            is_upload: self.is_upload,
            max_upload: self.max_upload,
        }
    }
}

pub struct RequestContextEndpoint<E> {
    inner: E,
    trust_proxy: usize,
    max_body: usize,
    is_upload: fn(&str) -> bool,
    max_upload: usize,
}

fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

fn peer_ip(req: &Request, hops: usize) -> Option<IpAddr> {
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    forwarded_client(forwarded, hops).or_else(|| req.remote_addr().as_socket_addr().map(|a| a.ip()))
}

/// The client address behind `hops` proxies of ours: each appends the address it saw, so
/// it is the `hops`-th entry from the right. Entries left of it are the client's to write
/// and never trusted; a chain shorter than `hops` (or an entry that is no address) gives
/// none, and the peer's address is used.
fn forwarded_client<'a>(values: impl Iterator<Item = &'a str>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let entries: Vec<&str> = values.flat_map(|v| v.split(',')).map(str::trim).collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry.parse().ok()
}

fn json_error(status: StatusCode, code: &str, message: String) -> Response {
    let body = serde_json::to_vec(&ErrorBody::new(code, message)).unwrap_or_default();
    Response::builder().status(status).content_type("application/json; charset=utf-8").body(body)
}

/// A stable code for an error status that poem raised on its own.
fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        411 => "length_required",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        402..=499 => "client_error",
        _ => "internal",
    }
}

impl<E: Endpoint> RequestContextEndpoint<E> {
    /// Rejects a body over the limit before anyone reads it: by its declared length, or by
    /// reading at most the limit of a body sent without one.
    async fn bound_body(&self, req: &mut Request) -> std::result::Result<(), Response> {
        let path = req.uri().path();
        let limit = if (self.is_upload)(path) { self.max_upload } else { self.max_body };
        let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        match declared {
            Some(n) if n > limit => Err(self.too_large(limit)),
            Some(_) => Ok(()),
            None if req.headers().contains_key("transfer-encoding") => {
                match req.take_body().into_bytes_limit(limit).await {
                    Ok(bytes) => {
                        req.set_body(bytes);
                        Ok(())
                    }
                    Err(_) => Err(self.too_large(limit)),
                }
            }
            None => Ok(()),
        }
    }

    fn too_large(&self, limit: usize) -> Response {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body is larger than {limit} bytes"),
        )
    }
}

impl<E: Endpoint> Endpoint for RequestContextEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let id = request_id(&req);
        let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
        let ip = ClientIp(peer_ip(&req, self.trust_proxy));
        req.extensions_mut().insert(ip);
        // Signed file links are opened by a phone's browser, which shows our page, not JSON.
        let browser_page = req.uri().path().starts_with("/files/");
        let started = Instant::now();
        let mut resp = async {
            if let Err(resp) = self.bound_body(&mut req).await {
                return resp;
            }
            match self.inner.call(req).await {
                Ok(output) => output.into_response(),
                // Our own ApiError responses already carry the JSON body.
                Err(err) if err.is_from_response() => err.into_response(),
                Err(err) => {
                    let status = err.status();
                    if status.is_server_error() {
                        tracing::error!(error = %err, "unhandled error");
                    }
                    json_error(status, code_for(status), err.to_string())
                }
            }
        }
        .instrument(span.clone())
        .await;

        let status = resp.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Whatever produced it, a 500 names only the request id.
            resp = json_error(status, "internal", format!("internal server error (request id {id})"));
        } else if status.is_client_error() && !is_json(&resp) && !(browser_page && is_html(&resp)) {
            let message = status.canonical_reason().unwrap_or("client error").to_lowercase();
            resp = json_error(status, code_for(status), message);
        }
        if let Ok(value) = HeaderValue::from_str(&id) {
            resp.headers_mut().insert("x-request-id", value);
        }
        span.in_scope(|| tracing::info!(status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "served"));
        Ok(resp)
    }
}

fn is_html(resp: &Response) -> bool {
    resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"))
}

fn is_json(resp: &Response) -> bool {
    resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("application/json"))
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;

    fn client(values: &[&str], hops: usize) -> Option<String> {
        forwarded_client(values.iter().copied(), hops).map(|ip| ip.to_string())
    }

    #[test]
    fn a_spoofed_forwarded_for_entry_is_not_the_client_address() {
        // The client wrote 1.2.3.4; our proxy appended what it saw.
        assert_eq!(client(&["1.2.3.4, 203.0.113.7"], 1).as_deref(), Some("203.0.113.7"));
        assert_eq!(client(&["1.2.3.4", "203.0.113.7"], 1).as_deref(), Some("203.0.113.7"));
        // Behind a CDN and a proxy: the CDN's view of the client is second from the right.
        assert_eq!(client(&["1.2.3.4, 203.0.113.7, 198.51.100.2"], 2).as_deref(), Some("203.0.113.7"));
    }

    #[test]
    fn no_trusted_proxy_or_a_short_chain_gives_no_forwarded_address() {
        assert_eq!(client(&["1.2.3.4"], 0), None);
        assert_eq!(client(&["203.0.113.7"], 2), None);
        assert_eq!(client(&["not-an-address"], 1), None);
        assert_eq!(client(&[], 1), None);
    }
}
