//! The one Verizon error: MEF LSO Sonata's `Error` (`reason` required, at most 255
//! characters; `message`; `referenceError`, a URL to documentation) with the `code` of
//! `Error400`/`401`/`404`/`409`… (the Verizon *disconnectCustomerConfirmation* page, vendor-notes/other-vendors.md §C), as JSON or
//! as XML `<error>`. Every `DomainError` and `WireError` is mapped here, once.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{render, to_response, Format, WireError};
use crate::domain::disconnect::ExternalId;
use crate::domain::rules::{DisconnectRule, IdempotencyRule, Rule};
use crate::domain::DomainError;

use super::code::Code;
use super::error_page;

/// MEF `Error.reason`: "maxLength: 255" (characters).
pub(super) const REASON_MAX_CHARS: usize = 255;
/// `message` has no MEF limit; ours keeps echoed input from growing replies without bound.
pub(super) const MESSAGE_MAX_CHARS: usize = 1024;

/// The wire form (JSON object, or XML `<error>` with one child per field).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = VerizonError, xml(name = "error"))]
pub(super) struct ErrorBody {
    /// MEF error code: missingQueryParameter, missingQueryValue, invalidQuery, invalidBody
    /// (400), missingCredentials, invalidCredentials (401), accessDenied (403), notFound
    /// (404), conflict (409), invalidFormat (422), tooManyRequests (429), internalError
    /// (500); ours: methodNotAllowed (405), notAcceptable (406), requestTimeout (408),
    /// payloadTooLarge (413), unsupportedMediaType (415), serviceUnavailable (503). Each is
    /// described at /docs/verizon/errors#<code>.
    code: &'static str,
    /// Text that explains the reason for the error (at most 255 characters).
    #[schema(max_length = 255)]
    reason: String,
    /// Text that provides more details and corrective actions related to the error.
    message: String,
    /// URL pointing to documentation describing the error: this service's
    /// /docs/verizon/errors#<code>, absolute (docs/verizon.md "Decisions").
    #[schema(format = "uri")]
    reference_error: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct VerizonError {
    status: StatusCode,
    code: Code,
    /// `referenceError` is left empty here and filled in [`VerizonError::response`], where
    /// the request tells the service's address.
    body: ErrorBody,
    /// Seconds for `Retry-After` (429 and 503).
    retry_after: Option<u64>,
}

const FIX_CREDENTIALS: &str = "Authenticate with HTTP Basic (an API user allowed the Verizon API) \
     or with Authorization: Bearer <API key>.";
const FIX_BODY: &str = "Send {\"acknowledgementRequest\":[{\"id\":\"<charge item id>\",\
     \"acceptanceIndicator\":\"accepted\"|\"rejected\"}]}, each charge item at most once.";
const FIX_QUERY: &str = "Name the disconnect order once: \
     POST /proquest/disconnectCustomerConfirmation?externalId=<non-negative integer>.";

/// At most `max` characters, cut on a character boundary (never inside a UTF-8 sequence).
pub(super) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some(_) => {
            let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            cut
        }
    }
}

impl VerizonError {
    pub(super) fn new(code: Code, reason: &str, message: &str) -> Self {
        Self {
            status: code.status(),
            code,
            body: ErrorBody {
                code: code.as_str(),
                reason: truncate(reason, REASON_MAX_CHARS),
                message: truncate(message, MESSAGE_MAX_CHARS),
                reference_error: String::new(),
            },
            retry_after: None,
        }
    }

    /// A request under `/proquest` that no route takes (issue 14 item 5): MEF's `notFound`,
    /// or our `methodNotAllowed` (MEF has no 405).
    pub(super) fn unrouted(miss: &Miss, reason: &str) -> Self {
        match miss {
            Miss::NotFound => Self::new(
                Code::NotFound,
                reason,
                "The operation is POST /proquest/disconnectCustomerConfirmation?externalId=<integer>.",
            ),
            Miss::MethodNotAllowed { .. } => Self::new(
                Code::MethodNotAllowed,
                reason,
                "Use a method the Allow header lists.",
            ),
        }
    }

    fn retrying_after(mut self, retry_after: std::time::Duration) -> Self {
        self.retry_after = Some(DomainError::retry_after_secs(retry_after));
        self
    }

    #[cfg(test)]
    pub(super) fn code(&self) -> &str {
        self.body.code
    }

    // --- 400: exactly the seed's four codes, for what they name.

    pub(super) fn missing_query_parameter() -> Self {
        Self::new(
            Code::MissingQueryParameter,
            "The URI is missing a required query-string parameter: externalId",
            "Name the disconnect order: ?externalId=<integer> (or externalId in the body).",
        )
    }

    pub(super) fn missing_query_value() -> Self {
        Self::new(
            Code::MissingQueryValue,
            "The URI is missing a required query-string parameter value: externalId",
            FIX_QUERY,
        )
    }

    pub(super) fn invalid_query(detail: &str) -> Self {
        Self::new(
            Code::InvalidQuery,
            &format!("The query section of the URI is invalid: {detail}"),
            FIX_QUERY,
        )
    }

    pub(super) fn invalid_body(detail: &str) -> Self {
        Self::new(
            Code::InvalidBody,
            &format!("The request has an invalid body: {detail}"),
            FIX_BODY,
        )
    }

    // --- 401

    pub(super) fn missing_credentials() -> Self {
        Self::new(
            Code::MissingCredentials,
            "No credentials were provided",
            FIX_CREDENTIALS,
        )
    }

    /// Unknown user, wrong secret, unreadable header or a user without this API: one
    /// answer, so the reply never tells which part was wrong.
    pub(super) fn invalid_credentials() -> Self {
        Self::new(
            Code::InvalidCredentials,
            "The credentials provided are not valid for this API",
            FIX_CREDENTIALS,
        )
    }

    // --- 422: a header the body codes do not name.

    pub(super) fn invalid_idempotency_key(detail: &str) -> Self {
        Self::new(
            Code::InvalidFormat,
            &format!("Idempotency-Key {detail}"),
            "Send at most one Idempotency-Key of 1-255 visible ASCII characters, e.g. a UUID.",
        )
    }

    /// 415/406/413/408 from the negotiation layer, and bodies that do not parse (400).
    pub(super) fn wire(error: &WireError) -> Self {
        let (code, message) = match error {
            WireError::UnsupportedMediaType { .. } => (
                Code::UnsupportedMediaType,
                "Send Content-Type: application/json or application/xml.",
            ),
            WireError::NotAcceptable => (
                Code::NotAcceptable,
                "Accept application/json or application/xml (or */*).",
            ),
            WireError::TooLarge { .. } => (Code::PayloadTooLarge, "Send a smaller body."),
            WireError::BodyTimeout { .. } => {
                (Code::RequestTimeout, "Send the whole body promptly.")
            }
            WireError::Unreadable(..)
            | WireError::Malformed { .. }
            | WireError::UnsafeXml { .. } => {
                return Self::invalid_body(&error.to_string());
            }
        };
        Self::new(code, &error.to_string(), message)
    }

    /// The one mapping from the core's errors. `order` names the order when known.
    pub(super) fn from_domain(error: DomainError, order: Option<ExternalId>) -> Self {
        let order_text = order.map_or_else(String::new, |o| format!(" {}", o.value()));
        match error {
            DomainError::Invalid { field, reason } => {
                Self::invalid_body(&format!("{field}: {reason}"))
            }
            DomainError::NotFound(what) => Self::new(
                Code::NotFound,
                &format!("{}{order_text} not found", capitalised(what)),
                "Check the externalId: no such order is visible to these credentials.",
            ),
            // docs/verizon.md, "Error codes": an unknown charge item is 404, answers that
            // contradict stored ones or come too late are 409.
            DomainError::Rule {
                rule: Rule::Disconnect(rule),
                message,
            } => match rule {
                DisconnectRule::UnknownChargeItem => Self::new(
                    Code::NotFound,
                    &capitalised(&message),
                    "Answer the order's charge items by their id.",
                ),
                DisconnectRule::AnsweredDifferently | DisconnectRule::OrderClosed => Self::new(
                    Code::Conflict,
                    &capitalised(&message),
                    "A charge item is answered once: repeating the same answer is accepted, \
                     changing it is not; any rejection cancels the order.",
                ),
            },
            DomainError::Rule {
                rule: Rule::Idempotency(IdempotencyRule::KeyReused),
                message,
            } => Self::new(
                Code::Conflict,
                &capitalised(&message),
                "Use a new Idempotency-Key for a new request.",
            ),
            DomainError::Conflict { ref constraint } => {
                tracing::warn!(%constraint, "concurrent change refused");
                Self::new(
                    Code::Conflict,
                    "The disconnect order changed while this request was applied",
                    "Retry the request.",
                )
            }
            DomainError::Unauthenticated => Self::invalid_credentials(),
            // MEF LSO Sonata's Error429 (`tooManyRequests`), with the wait.
            DomainError::Throttled { retry_after } => Self::new(
                Code::TooManyRequests,
                "Too many failed sign-ins from this client",
                &format!(
                    "Retry in {} s with the right credentials.",
                    DomainError::retry_after_secs(retry_after)
                ),
            )
            .retrying_after(retry_after),
            DomainError::Forbidden(_) => Self::new(
                Code::AccessDenied,
                "These credentials may not do this",
                FIX_CREDENTIALS,
            ),
            DomainError::Unavailable { .. } => {
                tracing::error!(?error, "store unavailable");
                Self::new(
                    Code::ServiceUnavailable,
                    "The service is temporarily unavailable",
                    "Retry later; nothing was changed.",
                )
            }
            // Issue 13: the tenant's queue of asynchronous work is full; nothing was
            // recorded. Our 503 `serviceUnavailable` (README), with when to retry.
            DomainError::Busy(busy) => Self {
                retry_after: Some(busy.retry_after_secs()),
                ..Self::new(
                    Code::ServiceUnavailable,
                    &format!("The service is busy: {}", busy.limit),
                    &format!(
                        "Retry in {} seconds; nothing was changed.",
                        busy.retry_after_secs()
                    ),
                )
            },
            // Decision: the Verizon use-cases raise no other API's rules; one here is a bug,
            // answered as the internal error it is, and logged.
            DomainError::Rule {
                rule:
                    Rule::Debitsuccess(_)
                    | Rule::Flolive(_)
                    | Rule::Crmcom(_)
                    | Rule::BillingCare(_)
                    | Rule::Admin(_),
                ..
            }
            | DomainError::Internal(_) => {
                tracing::error!(?error, "internal error");
                Self::new(
                    Code::InternalError,
                    "Internal error",
                    "The request could not be completed; quote its X-Request-Id if this persists.",
                )
            }
        }
    }

    /// The reply in `format`, `referenceError` pointing at this code's entry on this
    /// service's error page; 401 adds the challenges, 503 a `Retry-After`.
    pub(super) fn response(&self, req: &HttpRequest, format: Format) -> HttpResponse {
        // The MEF error code is the request's outcome in the journal (docs/operations.md).
        crate::service::journal::note::outcome(None, self.body.code);
        let body = ErrorBody {
            reference_error: error_page::url(req, self.code),
            ..self.body.clone()
        };
        let mut response = to_response(render(format, self.status, "error", &body));
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"verizon\", Bearer realm=\"verizon\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        } else if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_cut_to_255_characters_on_a_character_boundary() {
        let long = "é".repeat(300);
        let cut = truncate(&long, REASON_MAX_CHARS);
        assert_eq!(cut.chars().count(), 255);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", 255), "short");
        let exact = "x".repeat(255);
        assert_eq!(truncate(&exact, 255), exact);
        let error = VerizonError::invalid_body(&"ü".repeat(400));
        assert_eq!(error.body.reason.chars().count(), 255);
    }

    #[test]
    fn store_unavailability_is_503_and_internal_errors_are_500() {
        let unavailable = VerizonError::from_domain(
            DomainError::unavailable(
                crate::domain::Unavailability::Down,
                std::io::Error::other("down"),
            ),
            None,
        );
        assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(unavailable.body.code, "serviceUnavailable");
        let req = actix_web::test::TestRequest::default().to_http_request();
        let response = unavailable.response(&req, Format::Json);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");

        let internal = VerizonError::from_domain(DomainError::internal("secret cause"), None);
        assert_eq!(internal.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(internal.body.code, "internalError");
        assert!(!internal.body.reason.contains("secret"));
        assert!(!internal.body.message.contains("secret"));
    }

    #[test]
    fn domain_errors_map_to_mef_codes() {
        let order = ExternalId::new(9001).ok();
        let cases = [
            (DomainError::NotFound("disconnect order"), 404, "notFound"),
            (
                DomainError::rule(DisconnectRule::UnknownChargeItem, "x"),
                404,
                "notFound",
            ),
            (
                DomainError::rule(DisconnectRule::AnsweredDifferently, "x"),
                409,
                "conflict",
            ),
            (
                DomainError::rule(DisconnectRule::OrderClosed, "x"),
                409,
                "conflict",
            ),
            (
                DomainError::rule(IdempotencyRule::KeyReused, "x"),
                409,
                "conflict",
            ),
            (DomainError::invalid("f", "r"), 400, "invalidBody"),
            (DomainError::Unauthenticated, 401, "invalidCredentials"),
            (DomainError::Forbidden("x".into()), 403, "accessDenied"),
            (
                DomainError::rule(crate::domain::rules::FloliveRule::Gone, "x"),
                500,
                "internalError",
            ),
        ];
        for (error, status, code) in cases {
            let mapped = VerizonError::from_domain(error, order);
            assert_eq!((mapped.status.as_u16(), mapped.body.code), (status, code));
        }
        let missing = VerizonError::from_domain(DomainError::NotFound("disconnect order"), order);
        assert_eq!(missing.body.reason, "Disconnect order 9001 not found");
    }
}
