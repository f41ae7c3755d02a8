//! The one error type of the floLIVE adapter: every failure becomes a NAK (the floLIVE *Detach Customer Product* page) with
//! an HTTP status (docs/design.md §6.2: 400 rule violation, 401 unauthenticated, 403 not eligible,
//! 404 unknown customer/instance — other tenants' too, 503 store unavailable).
//!
//! Codes: `CUSTOMER_1049` and `GLOBAL_1001` are floLIVE's (the floLIVE *Detach Customer Product* page). The others are ours,
//! in floLIVE's style, and listed in docs/flolive.md: `CUSTOMER_1048` (attach), `REQUEST_1001`
//! (request status), `AUTH_1001` (401), `AUTH_1003` (403), `GLOBAL_1002` (404: no such path)
//! and `GLOBAL_1003` (405: the path does not take the method).

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{reply, Format, WireError};
use crate::domain::rules::{FloliveRule, IdempotencyRule, Rule};
use crate::domain::DomainError;

use super::envelope::{Nak, XML_ROOT};

/// The operation a failure belongs to: it picks the code of business failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Operation {
    Detach,
    Attach,
    RequestStatus,
}

impl Operation {
    /// The code and message of this operation's failures.
    pub(super) fn failure(self) -> (&'static str, &'static str) {
        match self {
            Operation::Detach => ("CUSTOMER_1049", "Failed to detach product instance"),
            Operation::Attach => ("CUSTOMER_1048", "Failed to attach product"),
            Operation::RequestStatus => ("REQUEST_1001", "Failed to get request status"),
        }
    }
}

pub(super) const UNAVAILABLE: (&str, &str) =
    ("GLOBAL_1001", "Service unavailable. Please try again");
pub(super) const UNAUTHENTICATED: (&str, &str) = ("AUTH_1001", "Authentication failed");
pub(super) const FORBIDDEN: (&str, &str) = ("AUTH_1003", "Access denied");
/// Ours, in the `GLOBAL_` family of floLIVE's service-wide failure (issue 14 item 5).
pub(super) const NO_SUCH_PATH: (&str, &str) = ("GLOBAL_1002", "Resource not found");
pub(super) const METHOD_NOT_ALLOWED: (&str, &str) = ("GLOBAL_1003", "Method not allowed");

/// Sent with every 401 (RFC 9110 §11.6.1): both schemes this API takes.
const CHALLENGE: &str = r#"Basic realm="floLIVE", Bearer realm="floLIVE""#;

#[derive(Debug)]
pub(super) struct FloliveError {
    status: StatusCode,
    code: (&'static str, &'static str),
    details: String,
    format: Format,
    /// Seconds for `Retry-After` (429 and 503).
    retry_after: Option<u64>,
}

impl FloliveError {
    /// The one mapping from `DomainError` to floLIVE's format.
    pub(super) fn domain(operation: Operation, error: DomainError, format: Format) -> Self {
        let failure = operation.failure();
        let retry_after = match &error {
            DomainError::Throttled { retry_after } => {
                Some(DomainError::retry_after_secs(*retry_after))
            }
            DomainError::Busy(busy) => Some(busy.retry_after_secs()),
            _ => None,
        };
        let (status, code, details) = match error {
            DomainError::Invalid { field, reason } => (
                StatusCode::BAD_REQUEST,
                failure,
                format!("invalid {field}: {reason}"),
            ),
            DomainError::NotFound(what) => {
                (StatusCode::NOT_FOUND, failure, format!("{what} not found"))
            }
            // docs/design.md §6.2: "400 rule violation", with the operation's code. The
            // last three are stored on FAILED operations, not raised; answered alike if they were.
            DomainError::Rule {
                rule: Rule::Flolive(rule),
                message,
            } => match rule {
                FloliveRule::NotAccountProduct
                | FloliveRule::NotAttached
                | FloliveRule::DetachExists
                | FloliveRule::CustomerMismatch
                | FloliveRule::NotEligible
                | FloliveRule::Gone
                | FloliveRule::NotCompleted => (StatusCode::BAD_REQUEST, failure, message),
            },
            // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with another
            // request is 422.
            DomainError::Rule {
                rule: Rule::Idempotency(IdempotencyRule::KeyReused),
                message,
            } => (StatusCode::UNPROCESSABLE_ENTITY, failure, message),
            // Decision: the floLIVE use-cases raise no other API's rules; one here is a bug,
            // answered as the internal error it is, and logged.
            DomainError::Rule {
                rule:
                    Rule::Debitsuccess(_)
                    | Rule::Crmcom(_)
                    | Rule::BillingCare(_)
                    | Rule::Disconnect(_)
                    | Rule::Admin(_),
                ..
            } => {
                tracing::error!(?error, "flolive: a rule of another API's use-cases");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    failure,
                    "internal error".to_owned(),
                )
            }
            DomainError::Conflict { constraint } => {
                tracing::warn!(%constraint, "unexpected constraint conflict");
                (
                    StatusCode::CONFLICT,
                    failure,
                    "the request met a concurrent change; retry it".to_owned(),
                )
            }
            DomainError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                UNAUTHENTICATED,
                "send HTTP Basic credentials of an API user with the floLIVE API, or \
                 Authorization: Bearer <api key>"
                    .to_owned(),
            ),
            DomainError::Forbidden(reason) => (StatusCode::FORBIDDEN, FORBIDDEN, reason),
            // 429 with floLIVE's authentication code and the wait (docs/operations.md).
            DomainError::Throttled { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                UNAUTHENTICATED,
                format!(
                    "too many failed sign-ins from this client; retry in {} s",
                    DomainError::retry_after_secs(retry_after)
                ),
            ),
            DomainError::Unavailable { .. } => {
                tracing::warn!(?error, "store unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    UNAVAILABLE,
                    "the data store is unavailable; retry later".to_owned(),
                )
            }
            DomainError::Internal(_) => {
                tracing::error!(?error, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    failure,
                    "internal error".to_owned(),
                )
            }
            // Issue 13: a limit (the tenant's queue of asynchronous operations is full, the
            // credential checks are saturated). floLIVE's
            // own "try later" is GLOBAL_1001 "Service unavailable. Please try again"
            // (the floLIVE *Detach Customer Product* page), answered 503 like a store outage, with when to retry.
            DomainError::Busy(busy) => (
                StatusCode::SERVICE_UNAVAILABLE,
                UNAVAILABLE,
                busy.to_string(),
            ),
        };
        Self {
            status,
            code,
            details,
            format,
            retry_after,
        }
    }

    /// A request that could not be taken off the wire (406, 413, 415, 400).
    pub(super) fn wire(operation: Operation, error: WireError) -> Self {
        Self {
            status: error.status(),
            code: operation.failure(),
            details: error.to_string(),
            format: error.reply_format(),
            retry_after: None,
        }
    }

    /// A request under the API's base path that no route takes (issue 14 item 5).
    pub(super) fn unrouted(miss: &Miss, details: String, format: Format) -> Self {
        let code = match miss {
            Miss::NotFound => NO_SUCH_PATH,
            Miss::MethodNotAllowed { .. } => METHOD_NOT_ALLOWED,
        };
        Self {
            status: miss.status(),
            code,
            details,
            format,
            retry_after: None,
        }
    }

    pub(super) fn respond(self) -> HttpResponse {
        // The NAK's code is the request's outcome in the journal (docs/operations.md).
        crate::service::journal::note::outcome(None, self.code.0);
        let nak = Nak {
            error_code: self.code.0,
            error_message: self.code.1,
            content: "",
            pageable: None,
            error_details: self.details,
        };
        let mut response = reply(self.format, self.status, XML_ROOT, &nak);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static(CHALLENGE),
            );
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}
