//! Audit events (docs/design.md §3): written in the same transaction as the change they record.

use chrono::{DateTime, Utc};

use super::catalog::text_enum;
use super::event::EventType;
use super::ids::{ApiUserId, TenantId};

text_enum!(
    /// How the request arrived.
    Channel, "channel", {
        Soap11 => "soap11",
        Soap12 => "soap12",
        Json => "json",
        Xml => "xml",
        Worker => "worker",
        Import => "import",
        Admin => "admin",
    }
);

#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub tenant: TenantId,
    pub user: Option<ApiUserId>,
    /// Who started it on the client's side (Debitsuccess `RequestInitiator`).
    pub initiator: Option<String>,
    pub channel: Channel,
    pub operation: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The `X-Request-Id` of the HTTP request, for correlating logs.
    pub request_id: Option<String>,
    /// The kind of change this row records, which makes it an event of the feed
    /// (docs/events.md); `None` for rows that record no change to billing data.
    pub event: Option<EventType>,
}
