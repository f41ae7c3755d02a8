//! The admin API's one mapping from `DomainError` to an answer: RFC 9457 problem details
//! (`adapters::http::problem`), with the headers each status calls for. Causes are logged,
//! never sent.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};

use crate::adapters::http::problem;
use crate::domain::limits::whole_seconds;
use crate::domain::rules::Rule;
use crate::domain::{DomainError, Unavailability};

/// Sent with every 401 (RFC 9110 §11.6.1): both schemes the admin API takes.
pub const CHALLENGE: &str =
    "Basic realm=\"billing-compat admin\", Bearer realm=\"billing-compat admin\"";

pub fn respond(req: &HttpRequest, error: &DomainError) -> HttpResponse {
    match error {
        DomainError::Invalid { field, reason } => {
            problem::response(req, StatusCode::BAD_REQUEST, &format!("{field}: {reason}"))
        }
        DomainError::Unauthenticated | DomainError::Forbidden(_) => unauthenticated(req),
        DomainError::Throttled { retry_after } => with_retry_after(
            problem::response(
                req,
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed sign-ins from this client; retry later",
            ),
            whole_seconds(*retry_after),
        ),
        DomainError::Busy(busy) => with_retry_after(
            problem::response(req, StatusCode::SERVICE_UNAVAILABLE, &busy.to_string()),
            busy.retry_after_secs(),
        ),
        DomainError::Unavailable { kind, .. } => {
            tracing::warn!(error = ?error, "admin API: store unavailable");
            let detail = match kind {
                Unavailability::Busy => "the database is busy; retry shortly",
                Unavailability::Down => "the database is unavailable; retry later",
            };
            with_retry_after(
                problem::response(req, StatusCode::SERVICE_UNAVAILABLE, detail),
                1,
            )
        }
        DomainError::NotFound(what) => {
            problem::response(req, StatusCode::NOT_FOUND, &format!("{what} not found"))
        }
        DomainError::Rule {
            rule: Rule::Admin(_),
            message,
        } => problem::response(req, StatusCode::CONFLICT, message),
        // The natural keys an operator chooses (docs/operations.md "Admin API").
        DomainError::Conflict { constraint } if constraint == "uq_tenants_code" => {
            problem::response(req, StatusCode::CONFLICT, "a tenant with this code exists")
        }
        DomainError::Conflict { constraint } if constraint == "uq_api_users_username" => {
            problem::response(
                req,
                StatusCode::CONFLICT,
                "a user with this username exists (usernames are unique across tenants)",
            )
        }
        DomainError::Conflict { .. } | DomainError::Rule { .. } | DomainError::Internal(_) => {
            tracing::error!(error = ?error, "admin API: internal error");
            problem::response(req, StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// 401 with the challenge; one answer for every refusal (which part was wrong is logged only).
pub fn unauthenticated(req: &HttpRequest) -> HttpResponse {
    let mut response = problem::response(
        req,
        StatusCode::UNAUTHORIZED,
        "operator credentials required: HTTP Basic (operator name and password) or an operator bearer token",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static(CHALLENGE),
    );
    response
}

fn with_retry_after(mut response: HttpResponse, secs: u64) -> HttpResponse {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    response
}
