//! How a call arrived — one type for the five APIs, the job worker's units aside: the
//! channel and `X-Request-Id` its audit rows record (docs/design.md §4), and the client's
//! address the sign-in throttle counts failures by (docs/operations.md "Credential checks
//! under attack").

use std::net::IpAddr;

use crate::domain::audit::Channel;

#[derive(Clone, Debug)]
pub struct Origin {
    pub channel: Channel,
    /// The HTTP request's `X-Request-Id`.
    pub request_id: Option<String>,
    /// The client's address (`adapters/http/client_addr.rs`).
    pub client: IpAddr,
}
