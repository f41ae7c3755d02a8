//! `GET /admin/v1/audit` (issue 19 item 2; docs/operations.md "Admin API"): one entity's
//! audit history — every change any API, the job worker or an operator made to it — oldest
//! first, paged by a cursor.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::audit::AuditRecord;
use crate::domain::clock;
use crate::service::admin::audit::HistoryRequest;

use super::reply::{self, json, ok_or_problem};

pub const PATH: &str = "/admin/v1/audit";

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct AuditQuery {
    /// `TYPE:ID`: `account:<id>`, `product_instance:<id>`, `bundle:<POID>`,
    /// `disconnect_order:<external id>`, `provisioning_request:<id>`,
    /// `operation_request:<id>`, `api_user:<id>`, `tenant:<code>`.
    #[param(
        example = "tenant:acme",
        pattern = "^[a-z_]{1,64}:[^\\u0000-\\u001f\\u007f-\\u009f]{1,200}$"
    )]
    entity: String,
    /// Only this tenant's rows (its code).
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    tenant: Option<String>,
    /// Continue after this cursor (a page's `next`); from the start when absent.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// Rows per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// One audit row.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::AuditEntry)]
pub(super) struct Entry {
    id: String,
    at: String,
    tenant: String,
    /// soap11, soap12, json, xml, worker, import, or admin for an operator's change.
    #[schema(example = "admin")]
    channel: &'static str,
    operation: String,
    entity_type: String,
    entity_id: String,
    /// The vendor API user who made the change, when one did.
    user: Option<String>,
    /// Who started it: the client's `RequestInitiator`, or the operator's name (channel admin).
    initiator: Option<String>,
    request_id: Option<String>,
    /// The CloudEvents type, when the change is an event of the feed (docs/events.md).
    event_type: Option<&'static str>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

fn entry(r: AuditRecord) -> Entry {
    let e = r.event;
    Entry {
        id: r.id,
        at: clock::to_storage(e.at),
        tenant: r.tenant_code,
        channel: e.channel.as_str(),
        operation: e.operation,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        user: r.username,
        initiator: e.initiator,
        request_id: e.request_id,
        event_type: e.event.map(|t| t.as_str()),
        before: e.before,
        after: e.after,
    }
}

/// A page of history.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::AuditPage)]
pub(super) struct AuditPage {
    entries: Vec<Entry>,
    /// The cursor to ask with next (`after`); a page with no rows gives back the one it was given.
    next: String,
}

/// The entity's audit rows, oldest first.
#[utoipa::path(
    get, path = "/admin/v1/audit", tag = "admin", operation_id = "adminAuditHistory",
    params(AuditQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of the entity's history", body = AuditPage),
        (status = 400, description = "A parameter is missing or not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn history(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let page = async {
        let [entity, tenant, after, limit] =
            reply::query(req.query_string(), ["entity", "tenant", "after", "limit"])?;
        let request = HistoryRequest::parse(
            entity.as_deref(),
            tenant.as_deref(),
            after.as_deref(),
            limit.as_deref(),
        )?;
        state.services.admin_audit(&request).await
    }
    .await;
    ok_or_problem(&req, page, |page| {
        json(
            StatusCode::OK,
            AuditPage {
                next: page.next.to_string(),
                entries: page.records.into_iter().map(entry).collect(),
            },
        )
    })
}
