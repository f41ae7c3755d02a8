//! Oracle's REST error shape (docs/design.md §6.4): `{"type","title","status","detail","o:errorCode"}`
//! in JSON, and the same children under `<error>` in XML (the `o:` prefix declared on the
//! root, so namespace-aware parsers read it). One `match` maps every failure, the
//! `DomainError`s included, to a status and an `o:errorCode` (docs/design.md §2).

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{to_response, Format, WireError};
use crate::adapters::http::xml_text::markup as escape;
use crate::domain::limits::Limit;
use crate::domain::rules::{BillingCareRule, IdempotencyRule, Rule};
use crate::domain::store::StoredReply;
use crate::domain::DomainError;

/// The namespace of the `o:` prefix in the XML form.
pub const ORACLE_NS: &str = "urn:billing-compat:oracle-rest-error";
const REALM: &str = "realm=\"billing_care\"";

/// An error reply (Oracle REST error format).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = billing_care::Error, xml(name = "error"))]
pub(super) struct OracleError {
    /// A URI naming the HTTP status (RFC 2616 §10 anchors, as Oracle's REST services use).
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    kind: String,
    /// The HTTP status text.
    title: String,
    status: u16,
    /// What was wrong, precisely.
    detail: String,
    /// A stable code (docs/billing-care.md: the error code table).
    #[serde(rename = "o:errorCode")]
    #[schema(
        rename = "o:errorCode",
        xml(
            name = "errorCode",
            prefix = "o",
            namespace = "urn:billing-compat:oracle-rest-error"
        )
    )]
    error_code: &'static str,
}

/// Everything the Billing Care adapter answers with other than success.
#[derive(Debug)]
pub(super) enum ApiError {
    Wire(WireError),
    Domain(DomainError),
    /// No credentials where a bearer token is required (or Basic where only Bearer counts).
    MissingToken {
        basic_allowed: bool,
    },
    /// A bearer token that is unknown, expired or revoked, or an unreadable header.
    InvalidToken,
    /// Basic client credentials refused (unknown user, wrong secret, no billing_care API).
    InvalidCredentials,
    /// Too many failed sign-ins from this client: refused unchecked for `retry_after`.
    Throttled {
        retry_after: Duration,
    },
    /// A request under `/bcws` that no route takes (issue 14 item 5); `detail` says why.
    Unrouted {
        miss: Miss,
        detail: String,
    },
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::Domain(e)
    }
}

struct Problem {
    status: StatusCode,
    code: &'static str,
    detail: String,
    challenge: Option<String>,
    retry_after: Option<Duration>,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            challenge: None,
            retry_after: None,
        }
    }
}

const TOKEN_HINT: &str =
    "get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken";

impl ApiError {
    fn problem(&self) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Wire(wire) => {
                let code = match wire {
                    WireError::UnsupportedMediaType { .. } => "UNSUPPORTED_MEDIA_TYPE",
                    WireError::NotAcceptable => "NOT_ACCEPTABLE",
                    WireError::TooLarge { .. } => "PAYLOAD_TOO_LARGE",
                    WireError::BodyTimeout { .. } => "REQUEST_TIMEOUT",
                    WireError::Unreadable(..)
                    | WireError::Malformed { .. }
                    | WireError::UnsafeXml { .. } => "MALFORMED_BODY",
                };
                Problem::new(wire.status(), code, wire.to_string())
            }
            ApiError::MissingToken { basic_allowed } => {
                let (detail, challenge) = if *basic_allowed {
                    (
                        format!("credentials are required: send Authorization: Bearer <token> ({TOKEN_HINT}) or HTTP Basic client credentials"),
                        format!("Bearer {REALM}, Basic {REALM}"),
                    )
                } else {
                    (
                        format!("a bearer token is required: send Authorization: Bearer <token>; {TOKEN_HINT}"),
                        format!("Bearer {REALM}"),
                    )
                };
                Problem {
                    challenge: Some(challenge),
                    ..Problem::new(S::UNAUTHORIZED, "MISSING_TOKEN", detail)
                }
            }
            ApiError::InvalidToken => Problem {
                challenge: Some(format!(
                    "Bearer {REALM}, error=\"invalid_token\", error_description=\"The access token is invalid or has expired\""
                )),
                ..Problem::new(
                    S::UNAUTHORIZED,
                    "INVALID_TOKEN",
                    format!("the access token is invalid or has expired; {TOKEN_HINT}"),
                )
            },
            ApiError::InvalidCredentials => Problem {
                challenge: Some(format!("Basic {REALM}")),
                ..Problem::new(
                    S::UNAUTHORIZED,
                    "INVALID_CREDENTIALS",
                    "invalid client credentials: send HTTP Basic client_id:client_secret of an API user allowed the billing_care API",
                )
            },
            ApiError::Throttled { retry_after } => throttled(*retry_after),
            // The same `NOT_FOUND` as an unknown resource of the core; 405 is Oracle's
            // "Method Not Allowed" status with a code of its name.
            ApiError::Unrouted { miss, detail } => {
                let code = match miss {
                    Miss::NotFound => "NOT_FOUND",
                    Miss::MethodNotAllowed { .. } => "METHOD_NOT_ALLOWED",
                };
                Problem::new(miss.status(), code, detail.clone())
            }
            ApiError::Domain(err) => match err {
                DomainError::Rule {
                    rule: Rule::BillingCare(rule),
                    message,
                } => {
                    // docs/billing-care.md, the error code table.
                    let (status, code) = match rule {
                        BillingCareRule::NullId => (S::BAD_REQUEST, "NULL_ID"),
                        BillingCareRule::MalformedId => (S::BAD_REQUEST, "MALFORMED_ID"),
                        BillingCareRule::WrongIdType => (S::BAD_REQUEST, "WRONG_ID_TYPE"),
                        BillingCareRule::AmbiguousBundle => (S::BAD_REQUEST, "AMBIGUOUS_BUNDLE"),
                        BillingCareRule::AccountNotFound => (S::NOT_FOUND, "ACCOUNT_NOT_FOUND"),
                        BillingCareRule::BundleNotFound => (S::NOT_FOUND, "BUNDLE_NOT_FOUND"),
                        BillingCareRule::AlreadyCancelled => (S::CONFLICT, "ALREADY_CANCELLED"),
                    };
                    Problem::new(status, code, message.clone())
                }
                // The idempotency draft suggests 422; Oracle's REST status set has no 422,
                // and a key already bound to another request is a conflict with the key's
                // state.
                DomainError::Rule {
                    rule: Rule::Idempotency(IdempotencyRule::KeyReused),
                    message,
                } => Problem::new(S::CONFLICT, "IDEMPOTENCY_KEY_REUSED", message.clone()),
                // Decision: the Billing Care use-cases raise no other API's rules; one here
                // is a bug, answered as the internal error it is (no longer a generic 400
                // `RULE_VIOLATION`), and logged.
                DomainError::Rule {
                    rule:
                        Rule::Debitsuccess(_)
                            | Rule::Flolive(_)
                            | Rule::Crmcom(_)
                            | Rule::Disconnect(_)
                            | Rule::Admin(_),
                    ..
                } => {
                    tracing::error!(error = ?err, "billing_care: a rule of another API's use-cases");
                    internal_error()
                }
                DomainError::Invalid { field, reason } => {
                    Problem::new(S::BAD_REQUEST, "INVALID_VALUE", format!("{field}: {reason}"))
                }
                DomainError::NotFound(what) => {
                    Problem::new(S::NOT_FOUND, "NOT_FOUND", format!("{what} not found"))
                }
                DomainError::Conflict { .. } => Problem::new(
                    S::CONFLICT,
                    "CONFLICT",
                    "the request conflicts with a concurrent change; retry",
                ),
                DomainError::Unauthenticated => ApiError::InvalidToken.problem(),
                DomainError::Throttled { retry_after } => throttled(*retry_after),
                DomainError::Forbidden(why) => {
                    Problem::new(S::FORBIDDEN, "FORBIDDEN", why.clone())
                }
                DomainError::Unavailable { .. } => {
                    tracing::error!(error = ?err, "billing_care: store unavailable");
                    Problem::new(
                        S::SERVICE_UNAVAILABLE,
                        "SERVICE_UNAVAILABLE",
                        "the service is temporarily unavailable; try again later",
                    )
                }
                DomainError::Internal(_) => {
                    tracing::error!(error = ?err, "billing_care: internal error");
                    internal_error()
                }
                // Issue 13. Minting too fast is this client's own excess: 429 (RFC 6585
                // §4), in Oracle's error shape. A full queue is the service being busy
                // for the tenant: 503, like an outage. Both say when to retry.
                DomainError::Busy(busy) => {
                    let (status, code) = match busy.limit {
                        Limit::TokenMints => (S::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS"),
                        Limit::QueuedJobs { .. } | Limit::CredentialChecks => {
                            (S::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE")
                        }
                    };
                    Problem {
                        retry_after: Some(busy.retry_after),
                        ..Problem::new(status, code, busy.to_string())
                    }
                }
            },
        }
    }

    /// The format to answer in when the request's own could not be settled.
    pub fn wire_format(&self) -> Option<Format> {
        match self {
            ApiError::Wire(w) => Some(w.reply_format()),
            _ => None,
        }
    }

    pub fn respond(&self, format: Format) -> HttpResponse {
        let format = self.wire_format().unwrap_or(format);
        let problem = self.problem();
        // The problem's code is the request's outcome in the journal (docs/operations.md).
        crate::service::journal::note::outcome(None, problem.code);
        let mut response = to_response(render(format, &problem));
        if let Some(retry_after) = problem.retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(DomainError::retry_after_secs(retry_after)),
            );
        }
        if let Some(challenge) = problem.challenge.as_deref() {
            if let Ok(value) = header::HeaderValue::from_str(challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

fn internal_error() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "an internal server error occurred",
    )
}

/// Oracle's documented statuses have no 429: a throttled sign-in is the sign-in failure
/// it has, with the wait in `Retry-After` and the detail (docs/operations.md).
fn throttled(retry_after: Duration) -> Problem {
    Problem {
        challenge: Some(format!("Basic {REALM}")),
        retry_after: Some(retry_after),
        ..Problem::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            format!(
                "too many failed sign-ins from this client; retry in {} s",
                DomainError::retry_after_secs(retry_after)
            ),
        )
    }
}

/// RFC 2616 §10 anchors for the statuses it knows, RFC 9110 for the rest.
fn type_uri(status: StatusCode) -> String {
    let section = match status.as_u16() {
        400 => "10.4.1",
        401 => "10.4.2",
        403 => "10.4.4",
        404 => "10.4.5",
        405 => "10.4.6",
        406 => "10.4.7",
        408 => "10.4.9",
        409 => "10.4.10",
        413 => "10.4.14",
        415 => "10.4.16",
        500 => "10.5.1",
        503 => "10.5.4",
        // RFC 2616 predates 429.
        429 => return "https://www.rfc-editor.org/rfc/rfc6585#section-4".to_owned(),
        other => return format!("https://www.rfc-editor.org/rfc/rfc9110#status.{other}"),
    };
    format!("http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec{section}")
}

fn render(format: Format, p: &Problem) -> StoredReply {
    let error = OracleError {
        kind: type_uri(p.status),
        title: p.status.canonical_reason().unwrap_or("Error").to_owned(),
        status: p.status.as_u16(),
        detail: p.detail.clone(),
        error_code: p.code,
    };
    let body = match format {
        Format::Json => serde_json::to_string(&error).unwrap_or_default(),
        // Written by hand: the `o:` prefix needs its namespace declared on the root.
        Format::Xml => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error xmlns:o=\"{ORACLE_NS}\">\
             <type>{}</type><title>{}</title><status>{}</status><detail>{}</detail>\
             <o:errorCode>{}</o:errorCode></error>",
            escape(error.kind.as_str()),
            escape(error.title.as_str()),
            error.status,
            escape(error.detail.as_str()),
            escape(error.error_code),
        ),
    };
    StoredReply {
        status: error.status,
        content_type: format.content_type().to_owned(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_have_oracles_five_fields() {
        let reply = render(
            Format::Json,
            &Problem::new(
                StatusCode::NOT_FOUND,
                "BUNDLE_NOT_FOUND",
                "no \"such\" bundle",
            ),
        );
        assert_eq!(
            reply.body,
            r#"{"type":"http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.5","title":"Not Found","status":404,"detail":"no \"such\" bundle","o:errorCode":"BUNDLE_NOT_FOUND"}"#
        );
    }

    #[test]
    fn xml_errors_escape_and_declare_the_prefix() {
        let reply = render(
            Format::Xml,
            &Problem::new(StatusCode::BAD_REQUEST, "NULL_ID", "a <b> & c"),
        );
        assert_eq!(
            reply.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error xmlns:o=\"urn:billing-compat:oracle-rest-error\">\
             <type>http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1</type><title>Bad Request</title>\
             <status>400</status><detail>a &lt;b&gt; &amp; c</detail><o:errorCode>NULL_ID</o:errorCode></error>"
        );
        assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    }

    #[test]
    fn statuses_without_an_rfc2616_anchor_link_rfc9110() {
        assert_eq!(
            type_uri(StatusCode::UNPROCESSABLE_ENTITY),
            "https://www.rfc-editor.org/rfc/rfc9110#status.422"
        );
    }
}
