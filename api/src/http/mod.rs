//! HTTP plumbing shared by every route: request ids and logging, body limits, the JSON
//! shape of errors that poem itself raises, security headers, and serving the built console.

mod compress;
mod context;
mod headers;
pub mod live;
pub mod sheet;
mod spa;

pub use compress::Compression;
pub use context::{client_ip, user_agent, ClientIp, RequestContext};
pub use headers::SecurityHeaders;
pub use spa::ConsoleEndpoint;
