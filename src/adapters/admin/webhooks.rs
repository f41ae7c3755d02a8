//! `/admin/v1/webhooks` (issue 18 item 3; docs/events.md "Webhooks"): operators register
//! receivers of the event feed. The signing secret is in the creating reply only.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::event::EventType;
use crate::domain::webhook::{
    Delivery, Endpoint, EndpointId, MAX_URL_LEN, SECRET_PATTERN, URL_PATTERN,
};
use crate::domain::DomainError;
use crate::service::webhooks::{NewEndpoint, DEFAULT_PAGE, MAX_FILTERS, MAX_PAGE};

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/webhooks";
pub const ONE: &str = "/admin/v1/webhooks/{id}";
pub const DELIVERIES: &str = "/admin/v1/webhooks/{id}/deliveries";

/// A webhook to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = admin::NewWebhook)]
pub(super) struct NewWebhook {
    /// Where events are POSTed: http or https, at most 2000 characters, matching the
    /// pattern (the server checks the same one). Redirects are not followed.
    #[schema(schema_with = url_schema)]
    url: String,
    /// Event types to send (docs/events.md "Event types"); empty or absent: all.
    #[serde(default)]
    #[schema(schema_with = event_types_schema)]
    event_types: Vec<String>,
    /// Tenant codes whose events to send; empty or absent: all.
    #[serde(default)]
    #[schema(schema_with = tenants_schema)]
    tenants: Vec<String>,
    /// `whsec_` + the canonical base64 of 24–64 bytes; generated when absent.
    #[schema(schema_with = secret_schema)]
    secret: Option<String>,
}

/// `url`: the domain's own pattern and bound, so the contract is what the server checks.
fn url_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .max_length(Some(MAX_URL_LEN))
        .pattern(Some(URL_PATTERN))
        .examples(["https://billing.example.com/hooks/legacy"])
        .build()
}

/// `secret`: the domain's own pattern (optional: absent or null means generated).
fn secret_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    // `null` is taken as absent (serde's `Option`), so the contract says so.
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(SECRET_PATTERN))
        .build()
}

/// `event_types`: up to 100 of the event types (docs/events.md "Event types").
fn event_types_schema() -> utoipa::openapi::Array {
    let item = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())));
    utoipa::openapi::ArrayBuilder::new()
        .items(item)
        .max_items(Some(MAX_FILTERS))
        .build()
}

/// `tenants`: up to 100 tenant codes.
fn tenants_schema() -> utoipa::openapi::Array {
    let item = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some("^[A-Za-z0-9_-]{1,64}$"));
    utoipa::openapi::ArrayBuilder::new()
        .items(item)
        .max_items(Some(MAX_FILTERS))
        .build()
}

/// A registered webhook. `secret` is present only in the reply that created it.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Webhook)]
pub(super) struct Webhook {
    id: String,
    url: String,
    event_types: Vec<&'static str>,
    tenants: Vec<String>,
    /// Shown once, on creation; never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    created_at: String,
    /// Whether deliveries stopped because every attempt failed for the retry window.
    disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_reason: Option<String>,
}

fn webhook(e: Endpoint, show_secret: bool) -> Webhook {
    Webhook {
        id: e.id.to_string(),
        url: e.url.as_str().to_owned(),
        event_types: e.event_types.iter().map(|t| t.as_str()).collect(),
        tenants: e.tenants,
        secret: show_secret.then(|| e.secret.expose().to_owned()),
        created_at: clock::to_storage(e.created_at),
        disabled: e.disabled.is_some(),
        disabled_at: e.disabled.as_ref().map(|d| clock::to_storage(d.at)),
        disabled_reason: e.disabled.map(|d| d.reason),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::WebhookList)]
pub(super) struct WebhookList {
    webhooks: Vec<Webhook>,
}

/// One delivery attempt.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::WebhookDelivery)]
pub(super) struct DeliveryReply {
    /// The event's id (`webhook-id`).
    event_id: String,
    /// Attempt at this event, from 1.
    attempt: i64,
    at: String,
    /// The receiver's HTTP status, when it answered.
    http_status: Option<u16>,
    /// Why the attempt failed without a 2xx: timeout, connect, request, body, or "redirect not followed".
    error: Option<String>,
    latency_ms: i64,
    /// delivered, retrying or failed (given up).
    #[schema(example = "delivered")]
    outcome: &'static str,
}

fn delivery(d: Delivery) -> DeliveryReply {
    DeliveryReply {
        event_id: d.event_id,
        attempt: d.attempt,
        at: clock::to_storage(d.at),
        http_status: d.http_status,
        error: d.error,
        latency_ms: d.latency_ms,
        outcome: d.outcome.as_str(),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::WebhookDeliveries)]
pub(super) struct DeliveryPage {
    deliveries: Vec<DeliveryReply>,
    /// Pass as `before` for the next (older) page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct PageQuery {
    /// A page's `next`: the attempts older than it.
    before: Option<i64>,
    /// Attempts per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
}

fn json(status: actix_web::http::StatusCode, body: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Registers a webhook; the reply carries its secret, this once.
#[utoipa::path(
    post, path = "/admin/v1/webhooks", tag = "admin", operation_id = "adminCreateWebhook",
    request_body = NewWebhook,
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 201, description = "Registered; the only reply that shows the secret", body = Webhook),
        (status = 400, description = "Not a valid webhook", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 409, description = "As many webhooks as allowed already exist", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let new: NewWebhook = match serde_json::from_slice(&body) {
        Ok(new) => new,
        Err(e) => {
            // serde's message names the field and the problem, never our internals.
            return error::respond(&req, &DomainError::invalid("body", e.to_string()));
        }
    };
    let new = NewEndpoint {
        url: new.url,
        event_types: new.event_types,
        tenants: new.tenants,
        secret: new.secret,
    };
    match state.services.create_webhook(new).await {
        Ok(endpoint) => {
            let location = format!("{PATH}/{}", endpoint.id);
            let mut reply = json(
                actix_web::http::StatusCode::CREATED,
                webhook(endpoint, true),
            );
            if let Ok(value) = header::HeaderValue::from_str(&location) {
                reply.headers_mut().insert(header::LOCATION, value);
            }
            reply
        }
        Err(e) => error::respond(&req, &e),
    }
}

/// Every registered webhook (without secrets).
#[utoipa::path(
    get, path = "/admin/v1/webhooks", tag = "admin", operation_id = "adminListWebhooks",
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The webhooks", body = WebhookList),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    match state.services.webhooks().await {
        Ok(all) => json(
            actix_web::http::StatusCode::OK,
            WebhookList {
                webhooks: all.into_iter().map(|e| webhook(e, false)).collect(),
            },
        ),
        Err(e) => error::respond(&req, &e),
    }
}

/// One webhook (without its secret), `disabled` with the reason and time if it is.
#[utoipa::path(
    get, path = "/admin/v1/webhooks/{id}", tag = "admin", operation_id = "adminGetWebhook",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The webhook", body = Webhook),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let found = match EndpointId::parse(&id) {
        Ok(id) => state.services.webhook(id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(endpoint) => json(actix_web::http::StatusCode::OK, webhook(endpoint, false)),
        Err(e) => error::respond(&req, &e),
    }
}

/// The answer to a deletion.
#[derive(Serialize, ToSchema)]
pub struct Deleted {
    pub id: String,
    pub deleted: bool,
}

/// Deletes a webhook and its delivery record; deliveries stop.
#[utoipa::path(
    delete, path = "/admin/v1/webhooks/{id}", tag = "admin", operation_id = "adminDeleteWebhook",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "Deleted (every answer has a body)", body = Deleted),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let deleted = match EndpointId::parse(&id) {
        Ok(id) => state.services.delete_webhook(id).await,
        Err(e) => Err(e),
    };
    match deleted {
        // Not 204: every answer of ours has a body (docs/design.md, "Bad input").
        Ok(()) => json(
            actix_web::http::StatusCode::OK,
            Deleted {
                id: id.into_inner(),
                deleted: true,
            },
        ),
        Err(e) => error::respond(&req, &e),
    }
}

/// The webhook's delivery attempts, newest first.
#[utoipa::path(
    get, path = "/admin/v1/webhooks/{id}/deliveries", tag = "admin", operation_id = "adminWebhookDeliveries",
    params(("id" = String, Path, description = "The webhook's id"), PageQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of attempts", body = DeliveryPage),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let query = match web::Query::<PageQuery>::from_query(req.query_string()) {
        Ok(query) => query.into_inner(),
        Err(e) => return error::respond(&req, &DomainError::invalid("query", e.to_string())),
    };
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        let reason = format!("a whole number from 1 to {MAX_PAGE}");
        return error::respond(&req, &DomainError::invalid("limit", reason));
    }
    let page = match EndpointId::parse(&id) {
        Ok(id) => {
            state
                .services
                .webhook_deliveries(id, query.before, limit)
                .await
        }
        Err(e) => Err(e),
    };
    match page {
        Ok(page) => json(
            actix_web::http::StatusCode::OK,
            DeliveryPage {
                next: page.next.map(|n| n.to_string()),
                deliveries: page.deliveries.into_iter().map(delivery).collect(),
            },
        ),
        Err(e) => error::respond(&req, &e),
    }
}
