//! HTTP plumbing shared by every route: request ids and logging, body limits, the JSON
//! shape of errors that poem itself raises, and serving the built console.

mod context;
pub mod live;
pub mod sheet;
mod spa;

pub use context::{client_ip, user_agent, ClientIp, RequestContext};
pub use spa::ConsoleEndpoint;
