//! The [`Origin`] of a request, as every adapter builds it.

use actix_web::{HttpMessage, HttpRequest};

use crate::domain::audit::Channel;
use crate::service::Origin;

use super::client_addr::client_of;
use super::observability::RequestId;

/// `req`'s origin, arrived in `channel` (the request's wire format).
pub fn origin_of(req: &HttpRequest, channel: Channel) -> Origin {
    Origin {
        channel,
        request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        client: client_of(req),
    }
}
