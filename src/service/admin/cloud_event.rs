//! An event as CloudEvents 1.0 JSON, structured mode (CloudEvents JSON format §3): as the
//! feed pages it (docs/events.md "An event") and as a webhook delivers it ("Webhooks").

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::clock;
use crate::domain::event::FeedEvent;

/// A CloudEvents 1.0 event, structured mode (application/cloudevents+json members).
#[derive(Serialize, ToSchema)]
#[schema(as = admin::CloudEvent)]
pub struct CloudEvent {
    #[schema(example = "1.0")]
    specversion: &'static str,
    /// The audit row's id: stable and unique.
    id: String,
    /// The tenant, `/billing-compat/tenants/<code>`.
    #[schema(example = "/billing-compat/tenants/acme")]
    source: String,
    #[serde(rename = "type")]
    #[schema(example = "com.billing-compat.account.termination_date_changed")]
    event_type: &'static str,
    /// The changed entity's id (the id its API knows it by).
    subject: String,
    /// When the change was made in its transaction (RFC 3339).
    time: String,
    #[schema(example = "application/json")]
    datacontenttype: &'static str,
    data: EventData,
}

/// What changed, and through what.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = admin::EventData)]
pub struct EventData {
    entity_type: String,
    entity_id: String,
    /// The entity as the change found it (absent for a creation).
    before: Option<serde_json::Value>,
    /// The entity as the change left it.
    after: Option<serde_json::Value>,
    /// The vendor API whose call (or queued job) made the change; `admin` for an operator's
    /// reset (docs/events.md "Event types").
    #[schema(example = "debitsuccess")]
    api: &'static str,
    operation: String,
    /// soap11, soap12, json, xml, worker for the job queue, or admin for the admin API.
    channel: &'static str,
    /// Who started it on the client's side, when the API says (Debitsuccess RequestInitiator).
    initiator: Option<String>,
    /// The HTTP request's X-Request-Id.
    request_id: Option<String>,
}

pub fn cloud_event(e: FeedEvent) -> CloudEvent {
    CloudEvent {
        specversion: "1.0",
        source: format!("/billing-compat/tenants/{}", e.tenant_code),
        event_type: e.event_type.as_str(),
        subject: e.entity_id.clone(),
        time: clock::to_storage(e.at),
        datacontenttype: "application/json",
        data: EventData {
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            api: e.event_type.api(),
            operation: e.operation,
            channel: e.channel.as_str(),
            initiator: e.initiator,
            request_id: e.request_id,
        },
        id: e.id,
    }
}
