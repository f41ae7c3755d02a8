//! The request journal, read back (issue 19 item 1; docs/operations.md "Request journal"):
//! `GET /admin/v1/requests` (filtered, newest first, cursor paging),
//! `GET /admin/v1/requests/{id}` (one request with its redacted bodies and headers) and
//! `GET /admin/v1/traffic` (counts of the last minutes by API, operation and outcome).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::journal::{JournalEntry, RecordedRequest, TrafficCount};
use crate::domain::DomainError;
use crate::service::journal::query::{parse_minutes, JournalQuery, RawQuery};

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/requests";
pub const ONE: &str = "/admin/v1/requests/{id}";
pub const TRAFFIC: &str = "/admin/v1/traffic";

/// The listing's query (docs/operations.md "Request journal").
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct RequestsQuery {
    /// Only this tenant's requests (its code); empty: requests that authenticated no one.
    #[param(example = "acme", pattern = "^[A-Za-z0-9_-]{0,64}$")]
    tenant: Option<String>,
    /// Only this API's requests.
    #[param(schema_with = api_schema)]
    api: Option<String>,
    /// Only this operation (a SOAP operation name, or the route's pattern).
    #[param(
        example = "AdjustAccountTerminationDate",
        min_length = 1,
        max_length = 256
    )]
    operation: Option<String>,
    /// Only this API user's requests (username).
    #[param(example = "ds-gym", min_length = 1, max_length = 256)]
    user: Option<String>,
    /// Only this outcome: the vendor's code (`00`, `OK`, `CUSTOMER_1049`…) or, where the
    /// adapter reported none, `ok`, `client_error` or `server_error`.
    #[param(example = "00", min_length = 1, max_length = 256)]
    outcome: Option<String>,
    /// From this time on (RFC 3339, inclusive).
    #[param(example = "2026-01-02T03:04:05Z", format = DateTime)]
    from: Option<String>,
    /// Before this time (RFC 3339, exclusive).
    #[param(example = "2026-01-02T04:04:05Z", format = DateTime)]
    to: Option<String>,
    /// The request's `X-Request-Id`.
    #[param(min_length = 1, max_length = 256)]
    request_id: Option<String>,
    /// Continue after this cursor (a page's `next`).
    #[param(
        example = "1795000000000000-0190f3a2b4c5d6e7f8091a2b3c4d5e6f",
        pattern = "^[0-9]{1,16}-[0-9a-f]{32}$"
    )]
    cursor: Option<String>,
    /// Requests per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The traffic query.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct TrafficQuery {
    /// The window: the last this many minutes, 1–1440 (default 60).
    #[param(minimum = 1, maximum = 1440)]
    minutes: Option<i64>,
}

fn api_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(
            crate::domain::user::Api::ALL.iter().map(|a| a.as_str()),
        ))
        .build()
}

/// One journaled request (without its bodies).
#[derive(Serialize, ToSchema)]
#[schema(as = admin::JournalEntry)]
pub(super) struct Entry {
    id: String,
    /// When the request arrived (RFC 3339).
    at: String,
    /// The caller's tenant code; null when the request authenticated no one.
    tenant: Option<String>,
    user: Option<String>,
    #[schema(example = "debitsuccess")]
    api: &'static str,
    #[schema(example = "AdjustAccountTerminationDate")]
    operation: String,
    /// `soap11`, `soap12`, `json`, `xml`, `form` or `none`.
    #[schema(example = "soap11")]
    channel: String,
    method: String,
    /// Path and query string (secret parameters masked).
    path: String,
    status: u16,
    #[schema(example = "00")]
    outcome: String,
    latency_ms: f64,
    request_id: String,
}

/// A page of the journal.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::JournalPage)]
pub(super) struct Page {
    requests: Vec<Entry>,
    /// The cursor for the next page; null on the last.
    next: Option<String>,
}

/// A body as stored: redacted, cut at 64 KiB.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::JournalBody)]
pub(super) struct Body {
    text: String,
    /// The body was longer than what is kept.
    truncated: bool,
}

/// One journaled request with its redacted headers and bodies.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::JournalRequest)]
pub(super) struct Detail {
    #[serde(flatten)]
    entry: Entry,
    /// Headers of interest, credentials masked; the reply's are prefixed `reply-`.
    headers: Vec<Header>,
    request: Body,
    reply: Body,
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::JournalHeader)]
pub(super) struct Header {
    name: String,
    value: String,
}

/// Requests of the window, counted.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Traffic)]
pub(super) struct Traffic {
    /// The window's start (RFC 3339).
    since: String,
    minutes: i64,
    counts: Vec<Count>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::TrafficCount)]
pub(super) struct Count {
    api: &'static str,
    operation: String,
    outcome: String,
    count: i64,
}

fn entry(e: JournalEntry) -> Entry {
    Entry {
        id: e.id.to_string(),
        at: clock::to_storage(e.at),
        tenant: e.tenant,
        user: e.username,
        api: e.api.as_str(),
        operation: e.operation,
        channel: e.channel,
        method: e.method,
        path: e.path,
        status: e.status,
        outcome: e.outcome,
        latency_ms: e.latency_us as f64 / 1000.0,
        request_id: e.request_id,
    }
}

fn detail(r: RecordedRequest) -> Detail {
    Detail {
        entry: entry(r.entry),
        headers: r
            .detail
            .headers
            .into_iter()
            .map(|(name, value)| Header { name, value })
            .collect(),
        request: Body {
            text: r.detail.request_body,
            truncated: r.detail.request_truncated,
        },
        reply: Body {
            text: r.detail.reply_body,
            truncated: r.detail.reply_truncated,
        },
    }
}

fn json(body: impl Serialize) -> HttpResponse {
    HttpResponse::build(StatusCode::OK)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The query's parameters by name, each at most once and none unknown.
fn parameters<'q, const N: usize>(
    pairs: &'q [(String, String)],
    names: [&'static str; N],
) -> Result<[Option<&'q str>; N], DomainError> {
    let mut values: [Option<&str>; N] = [None; N];
    for (name, value) in pairs {
        let Some(slot) = names.iter().position(|n| n == name) else {
            return Err(DomainError::invalid(
                "query",
                format!("unknown parameter (expected {})", names.join(", ")),
            ));
        };
        if values[slot].replace(value.as_str()).is_some() {
            return Err(DomainError::invalid(names[slot], "given more than once"));
        }
    }
    Ok(values)
}

fn pairs(query: &str) -> Result<Vec<(String, String)>, DomainError> {
    web::Query::<Vec<(String, String)>>::from_query(query)
        .map(web::Query::into_inner)
        .map_err(|_| DomainError::invalid("query", "not a valid query string"))
}

fn parse_query(query: &str) -> Result<JournalQuery, DomainError> {
    let pairs = pairs(query)?;
    let [tenant, api, operation, user, outcome, from, to, request_id, cursor, limit] = parameters(
        &pairs,
        [
            "tenant",
            "api",
            "operation",
            "user",
            "outcome",
            "from",
            "to",
            "request_id",
            "cursor",
            "limit",
        ],
    )?;
    JournalQuery::parse(RawQuery {
        tenant,
        api,
        operation,
        user,
        outcome,
        from,
        to,
        request_id,
        cursor,
        limit,
    })
}

/// Journaled requests to the five APIs, newest first, filtered; follow `next` for more.
#[utoipa::path(
    get, path = "/admin/v1/requests", tag = "admin", operation_id = "adminRequests",
    params(RequestsQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of requests", body = Page),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json",
         headers(("WWW-Authenticate" = String, description = "Basic and Bearer challenges"))),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let query = match parse_query(req.query_string()) {
        Ok(query) => query,
        Err(e) => return error::respond(&req, &e),
    };
    match state.services.journal_page(&query).await {
        Ok(page) => json(Page {
            next: page.next.map(|c| c.encode()),
            requests: page.entries.into_iter().map(entry).collect(),
        }),
        Err(e) => error::respond(&req, &e),
    }
}

/// One journaled request with its redacted request and reply.
#[utoipa::path(
    get, path = "/admin/v1/requests/{id}", tag = "admin", operation_id = "adminRequest",
    params(("id" = String, Path, description = "The journal entry's id")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The request", body = Detail),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry (or purged)", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
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
    match state.services.journal_request(&id).await {
        Ok(found) => json(detail(found)),
        Err(e) => error::respond(&req, &e),
    }
}

/// Requests of the last `minutes`, counted by API, operation and outcome.
#[utoipa::path(
    get, path = "/admin/v1/traffic", tag = "admin", operation_id = "adminTraffic",
    params(TrafficQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = Traffic),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn traffic(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let minutes = pairs(req.query_string())
        .and_then(|pairs| parameters(&pairs, ["minutes"]).map(|[m]| m.map(str::to_owned)))
        .and_then(|minutes| parse_minutes(minutes.as_deref()));
    let minutes = match minutes {
        Ok(minutes) => minutes,
        Err(e) => return error::respond(&req, &e),
    };
    match state.services.journal_traffic(minutes).await {
        Ok((since, counts)) => json(Traffic {
            since: clock::to_storage(since),
            minutes,
            counts: counts.into_iter().map(count).collect(),
        }),
        Err(e) => error::respond(&req, &e),
    }
}

fn count(c: TrafficCount) -> Count {
    Count {
        api: c.api.as_str(),
        operation: c.operation,
        outcome: c.outcome,
        count: c.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        assert!(parse_query("").is_ok());
        assert!(parse_query("tenant=acme&api=verizon&limit=5&outcome=00").is_ok());
        assert!(parse_query("limit=5&limit=6").is_err());
        assert!(parse_query("after=1").is_err());
        assert!(parse_query("from=%ZZ").is_err());
    }
}
