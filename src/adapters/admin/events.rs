//! `GET /admin/v1/events` (issue 18 item 2; docs/events.md): a page of the event feed, each
//! event a CloudEvents 1.0 structured-mode JSON object (CloudEvents JSON format §3).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::event::EventType;
use crate::domain::DomainError;
pub(super) use crate::service::admin::cloud_event::{cloud_event, CloudEvent, EventData};
use crate::service::admin::feed::FeedRequest;

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/events";

/// The query (docs/events.md "Reading the feed").
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct EventsQuery {
    /// Continue after this cursor (a page's `next`); from the beginning when absent.
    #[param(example = "0-12", pattern = "^[0-9]{1,18}-[0-9]{1,18}$")]
    after: Option<String>,
    /// Events per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Only this tenant's events (its code); the cursor still passes the others.
    #[param(example = "acme", pattern = "^[A-Za-z0-9_-]{1,64}$")]
    tenant: Option<String>,
    /// Only events of this CloudEvents type; the cursor still passes the others.
    #[param(rename = "type", schema_with = event_type_schema)]
    event_type: Option<String>,
    /// Seconds (0–30) to hold an empty page open until an event arrives (long polling).
    #[param(minimum = 0, maximum = 30)]
    wait: Option<u64>,
}

/// The `type` parameter: one of the event types (docs/events.md "Event types").
fn event_type_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
        .build()
}

/// A page of the feed.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::EventPage)]
pub(super) struct EventPage {
    events: Vec<CloudEvent>,
    /// The cursor to ask with next (`after`); an empty page gives back the one it was given
    /// (or, with filters, the cursor past the events they skipped).
    next: String,
}

/// The query's parameters, each at most once and none unknown.
fn parse_query(query: &str) -> Result<FeedRequest, DomainError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| DomainError::invalid("query", "not a valid query string"))?
        .into_inner();
    let mut values: [Option<&str>; 5] = [None; 5];
    const NAMES: [&str; 5] = ["after", "limit", "tenant", "type", "wait"];
    for (name, value) in &pairs {
        let Some(slot) = NAMES.iter().position(|n| n == name) else {
            return Err(DomainError::invalid(
                "query",
                format!("unknown parameter (expected {})", NAMES.join(", ")),
            ));
        };
        if values[slot].replace(value).is_some() {
            return Err(DomainError::invalid(NAMES[slot], "given more than once"));
        }
    }
    let [after, limit, tenant, event_type, wait] = values;
    FeedRequest::parse(after, limit, tenant, event_type, wait)
}

/// The page after `after`, in feed order. Following `next` sees every committed change
/// exactly once (docs/events.md "The cursor").
#[utoipa::path(
    get,
    path = "/admin/v1/events",
    tag = "admin",
    operation_id = "adminEvents",
    params(EventsQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json",
         headers(("WWW-Authenticate" = String, description = "Basic and Bearer challenges"))),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let request = match parse_query(req.query_string()) {
        Ok(request) => request,
        Err(e) => return error::respond(&req, &e),
    };
    match state.services.feed(&request).await {
        Ok(page) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(EventPage {
                next: page.next.to_string(),
                events: page.events.into_iter().map(cloud_event).collect(),
            }),
        Err(e) => error::respond(&req, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        assert!(parse_query("").is_ok());
        assert!(parse_query("after=0-0&limit=5&type=com.billing-compat.bundle.cancelled").is_ok());
        assert!(parse_query("limit=5&limit=6").is_err());
        assert!(parse_query("cursor=1").is_err());
        assert!(parse_query("after=%ZZ").is_err());
    }
}
