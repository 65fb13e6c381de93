//! HTTP plumbing shared by every route: request ids and logging, body limits, the JSON
//! shape of errors that poem itself raises, security headers, and serving the built console.

mod compress;
mod context;
mod headers;
pub mod live;
pub mod sheet;
mod spa;

pub use compress::Compression;
pub use context::{client_ip, cookie, user_agent, ClientIp, RequestContext};
pub use headers::SecurityHeaders;
pub use spa::ConsoleEndpoint;

/// Text made safe to place in HTML, between tags or in a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
