//! Compresses answers on the fly, except those that already are: the console's and the
//! phone pages' bundles are compressed once at build time at the highest levels
//! (`scripts/precompress.mjs`) and served as they are by `spa`, and images, audio, video
//! and archives gain nothing. poem's own `Compression` compresses every answer again.

use poem::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use poem::http::StatusCode;
use poem::web::{Compress, CompressionAlgo};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

/// The middleware; see the module docs.
pub struct Compression;

impl<E: Endpoint> Middleware<E> for Compression {
    type Output = CompressionEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CompressionEndpoint { inner }
    }
}

pub struct CompressionEndpoint<E> {
    inner: E,
}

/// The best coding a client accepts of those we make: brotli, then gzip.
pub fn preferred(accept_encoding: Option<&str>) -> Option<CompressionAlgo> {
    let header = accept_encoding?;
    let accepts = |name: &str| {
        header.split(',').any(|part| {
            let mut pieces = part.split(';').map(str::trim);
            pieces.next().is_some_and(|coding| coding.eq_ignore_ascii_case(name))
                && !pieces.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0))
        })
    };
    if accepts("br") {
        Some(CompressionAlgo::BR)
    } else if accepts("gzip") {
        Some(CompressionAlgo::GZIP)
    } else {
        None
    }
}

fn worth_compressing(resp: &Response) -> bool {
    if resp.headers().contains_key(CONTENT_ENCODING)
        || matches!(resp.status(), StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED)
    {
        return false;
    }
    let kind = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    !["image/", "audio/", "video/", "application/zip", "application/gzip", "application/x-7z", "application/vnd.rar"]
        .iter()
        .any(|k| kind.starts_with(k))
}

impl<E: Endpoint> Endpoint for CompressionEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let algo = preferred(req.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()));
        let resp = self.inner.call(req).await?.into_response();
        match algo {
            Some(algo) if worth_compressing(&resp) => Ok(Compress::new(resp, algo).into_response()),
            _ => Ok(resp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_is_preferred_and_a_refused_coding_is_never_chosen() {
        assert!(matches!(preferred(Some("gzip, deflate, br")), Some(CompressionAlgo::BR)));
        assert!(matches!(preferred(Some("gzip, br;q=0")), Some(CompressionAlgo::GZIP)));
        assert!(matches!(preferred(Some("GZIP;q=0.5")), Some(CompressionAlgo::GZIP)));
        assert!(preferred(Some("identity")).is_none());
        assert!(preferred(None).is_none());
    }
}
