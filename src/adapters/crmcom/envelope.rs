//! The CRM.COM reply envelope and its one error mapping (docs/design.md §6.3): every reply is
//! `{"data":…,"status":{"code","message","description"}}` (XML: `<response>` with the same
//! children). Success is `status.code = "OK"`; business errors keep HTTP 200 with another
//! code and `data: null`, because CRM.COM clients branch on `status.code`. Only a request
//! that cannot be read at all (bad JSON/XML, wrong JSON types, unsupported media type,
//! unacceptable `Accept`, too large) gets a 4xx, still in this envelope.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{self, Format, WireError};
use crate::adapters::http::observability::record_outcome;
use crate::domain::rules::{CrmcomRule, IdempotencyRule, Rule};
use crate::domain::store::StoredReply;
use crate::domain::DomainError;

/// XML document element of every reply.
pub const XML_ROOT: &str = "response";

/// Every `status.code` this API answers with (docs/crmcom.md lists when each is used).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CrmcomCode)]
pub enum Code {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "InvalidCredentialsException")]
    InvalidCredentials,
    #[serde(rename = "UnknownOrganisationException")]
    UnknownOrganisation,
    #[serde(rename = "InvalidTokenException")]
    InvalidToken,
    #[serde(rename = "ExpiredTokenException")]
    ExpiredToken,
    #[serde(rename = "ReleasedTokenException")]
    ReleasedToken,
    #[serde(rename = "MissingParameterException")]
    MissingParameter,
    #[serde(rename = "InvalidParameterException")]
    InvalidParameter,
    #[serde(rename = "InvalidIdentifierException")]
    InvalidIdentifier,
    #[serde(rename = "AmbiguousIdentifierException")]
    AmbiguousIdentifier,
    #[serde(rename = "InvalidDateException")]
    InvalidDate,
    #[serde(rename = "StartDateInPastException")]
    StartDateInPast,
    #[serde(rename = "SubscriptionNotFoundException")]
    SubscriptionNotFound,
    #[serde(rename = "ServiceNotFoundException")]
    ServiceNotFound,
    #[serde(rename = "SmartcardNotFoundException")]
    SmartcardNotFound,
    #[serde(rename = "ProvisioningRequestNotFoundException")]
    ProvisioningRequestNotFound,
    #[serde(rename = "ProductNotAServiceException")]
    ProductNotAService,
    #[serde(rename = "ServiceNotOnSubscriptionException")]
    ServiceNotOnSubscription,
    #[serde(rename = "InstalledItemNotASmartcardException")]
    InstalledItemNotASmartcard,
    #[serde(rename = "SmartcardNotOnSubscriptionException")]
    SmartcardNotOnSubscription,
    #[serde(rename = "IdempotencyKeyReusedException")]
    IdempotencyKeyReused,
    #[serde(rename = "ServiceUnavailableException")]
    ServiceUnavailable,
    #[serde(rename = "InternalErrorException")]
    InternalError,
    #[serde(rename = "InvalidRequestException")]
    InvalidRequest,
    #[serde(rename = "RequestTimeoutException")]
    RequestTimeout,
    #[serde(rename = "RequestTooLargeException")]
    RequestTooLarge,
    #[serde(rename = "UnsupportedMediaTypeException")]
    UnsupportedMediaType,
    #[serde(rename = "NotAcceptableException")]
    NotAcceptable,
    #[serde(rename = "MethodNotFoundException")]
    MethodNotFound,
    #[serde(rename = "HttpMethodNotAllowedException")]
    HttpMethodNotAllowed,
}

impl Code {
    #[cfg(test)]
    pub const ALL: [Code; 30] = [
        Code::Ok,
        Code::InvalidCredentials,
        Code::UnknownOrganisation,
        Code::InvalidToken,
        Code::ExpiredToken,
        Code::ReleasedToken,
        Code::MissingParameter,
        Code::InvalidParameter,
        Code::InvalidIdentifier,
        Code::AmbiguousIdentifier,
        Code::InvalidDate,
        Code::StartDateInPast,
        Code::SubscriptionNotFound,
        Code::ServiceNotFound,
        Code::SmartcardNotFound,
        Code::ProvisioningRequestNotFound,
        Code::ProductNotAService,
        Code::ServiceNotOnSubscription,
        Code::InstalledItemNotASmartcard,
        Code::SmartcardNotOnSubscription,
        Code::IdempotencyKeyReused,
        Code::ServiceUnavailable,
        Code::InternalError,
        Code::InvalidRequest,
        Code::RequestTimeout,
        Code::RequestTooLarge,
        Code::UnsupportedMediaType,
        Code::NotAcceptable,
        Code::MethodNotFound,
        Code::HttpMethodNotAllowed,
    ];

    /// The code's text (as serialised), for metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "OK",
            Code::InvalidCredentials => "InvalidCredentialsException",
            Code::UnknownOrganisation => "UnknownOrganisationException",
            Code::InvalidToken => "InvalidTokenException",
            Code::ExpiredToken => "ExpiredTokenException",
            Code::ReleasedToken => "ReleasedTokenException",
            Code::MissingParameter => "MissingParameterException",
            Code::InvalidParameter => "InvalidParameterException",
            Code::InvalidIdentifier => "InvalidIdentifierException",
            Code::AmbiguousIdentifier => "AmbiguousIdentifierException",
            Code::InvalidDate => "InvalidDateException",
            Code::StartDateInPast => "StartDateInPastException",
            Code::SubscriptionNotFound => "SubscriptionNotFoundException",
            Code::ServiceNotFound => "ServiceNotFoundException",
            Code::SmartcardNotFound => "SmartcardNotFoundException",
            Code::ProvisioningRequestNotFound => "ProvisioningRequestNotFoundException",
            Code::ProductNotAService => "ProductNotAServiceException",
            Code::ServiceNotOnSubscription => "ServiceNotOnSubscriptionException",
            Code::InstalledItemNotASmartcard => "InstalledItemNotASmartcardException",
            Code::SmartcardNotOnSubscription => "SmartcardNotOnSubscriptionException",
            Code::IdempotencyKeyReused => "IdempotencyKeyReusedException",
            Code::ServiceUnavailable => "ServiceUnavailableException",
            Code::InternalError => "InternalErrorException",
            Code::InvalidRequest => "InvalidRequestException",
            Code::RequestTimeout => "RequestTimeoutException",
            Code::RequestTooLarge => "RequestTooLargeException",
            Code::UnsupportedMediaType => "UnsupportedMediaTypeException",
            Code::NotAcceptable => "NotAcceptableException",
            Code::MethodNotFound => "MethodNotFoundException",
            Code::HttpMethodNotAllowed => "HttpMethodNotAllowedException",
        }
    }

    /// `status.description`: what the code means, the same for every reply with it.
    pub fn description(self) -> &'static str {
        match self {
            Code::Ok => "",
            Code::InvalidCredentials => "The username, password or organisation is not valid",
            Code::UnknownOrganisation => "No organisation has this name",
            Code::InvalidToken => "The token is missing or is not a token issued by this system",
            Code::ExpiredToken => "The token was idle for longer than allowed; log in again",
            Code::ReleasedToken => "The token was released; log in again",
            Code::MissingParameter => "A mandatory parameter was not specified",
            Code::InvalidParameter => "A parameter has a value that is not allowed",
            Code::InvalidIdentifier => {
                "Exactly one of the identifier's semi-optional fields must be specified"
            }
            Code::AmbiguousIdentifier => "The identifier matches more than one record",
            Code::InvalidDate => "A date is not in the form YYYY-MM-DD",
            Code::StartDateInPast => {
                "The start date is before today in the organisation's time zone"
            }
            Code::SubscriptionNotFound => {
                "No subscription of the organisation matches the identifier"
            }
            Code::ServiceNotFound => "No product of the organisation matches the identifier",
            Code::SmartcardNotFound => {
                "No installed item of the organisation matches the identifier"
            }
            Code::ProvisioningRequestNotFound => {
                "No provisioning request of the organisation matches the identifier"
            }
            Code::ProductNotAService => "Only products classified as services can be specified",
            Code::ServiceNotOnSubscription => "The service does not belong to the subscription",
            Code::InstalledItemNotASmartcard => {
                "Only installed items classified as smartcards can be specified"
            }
            Code::SmartcardNotOnSubscription => "The smartcard does not belong to the subscription",
            Code::IdempotencyKeyReused => {
                "The Idempotency-Key was already used with a different request"
            }
            Code::ServiceUnavailable => "The service is temporarily unavailable; try again later",
            Code::InternalError => "The request could not be completed",
            Code::InvalidRequest => "The request could not be read",
            Code::RequestTimeout => "The request body did not arrive in time",
            Code::RequestTooLarge => "The request body is too large",
            Code::UnsupportedMediaType => "Send application/json or application/xml",
            Code::NotAcceptable => "Accept application/json or application/xml",
            Code::MethodNotFound => "No Web API method has this path",
            Code::HttpMethodNotAllowed => {
                "The Web API method does not take this HTTP method; see the Allow header"
            }
        }
    }
}

/// `status` of every reply.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = CrmcomStatus)]
pub struct Status {
    pub code: Code,
    /// What went wrong, naming the parameter or identifier; empty on success.
    pub message: String,
    /// What the code means; empty on success.
    pub description: String,
}

impl Status {
    pub fn ok() -> Self {
        Self {
            code: Code::Ok,
            message: String::new(),
            description: String::new(),
        }
    }

    fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            description: code.description().to_owned(),
        }
    }
}

/// The envelope; `data` is `null` on every error.
#[derive(Serialize)]
pub struct Envelope<T: Serialize> {
    pub data: Option<T>,
    pub status: Status,
}

/// A success reply, for storing (idempotency) or sending.
pub fn ok_reply<T: Serialize>(format: Format, data: T) -> StoredReply {
    negotiation::render(
        format,
        StatusCode::OK,
        XML_ROOT,
        &Envelope {
            data: Some(data),
            status: Status::ok(),
        },
    )
}

fn error_reply(format: Format, http: StatusCode, status: Status) -> HttpResponse {
    negotiation::reply(
        format,
        http,
        XML_ROOT,
        &Envelope::<()> { data: None, status },
    )
}

/// A `DomainError` as CRM.COM answers it: HTTP 200 with the mapped code (the one match).
pub fn domain_error(format: Format, operation: &'static str, err: DomainError) -> HttpResponse {
    let (code, message) = match err {
        DomainError::Unauthenticated | DomainError::Forbidden(_) => (
            Code::InvalidCredentials,
            "invalid username, password or organisation".to_owned(),
        ),
        DomainError::Invalid { field, reason } => {
            (Code::InvalidParameter, format!("{field}: {reason}"))
        }
        DomainError::Rule { rule, message } => match rule_code(rule) {
            Some(code) => (code, message),
            None => {
                tracing::error!(%rule, %message, "crmcom: a rule of another API's use-cases");
                (
                    Code::InternalError,
                    Code::InternalError.description().to_owned(),
                )
            }
        },
        // CRM.COM answers every failure in a 200 with its code: a throttled sign-in is its
        // credentials failure, saying when to retry (docs/operations.md).
        DomainError::Throttled { retry_after } => (
            Code::InvalidCredentials,
            format!(
                "too many failed sign-ins from this client; retry in {} s",
                DomainError::retry_after_secs(retry_after)
            ),
        ),
        DomainError::Unavailable { .. } => {
            tracing::error!(?err, "crmcom: storage unavailable");
            (
                Code::ServiceUnavailable,
                Code::ServiceUnavailable.description().to_owned(),
            )
        }
        // Issue 13: a limit (tokens minted too fast, credential checks saturated). CRM.COM's
        // "try again later" code, HTTP 200 like every CRM.COM business error; the message
        // says when.
        DomainError::Busy(busy) => (Code::ServiceUnavailable, busy.to_string()),
        DomainError::NotFound(_) | DomainError::Conflict { .. } | DomainError::Internal(_) => {
            tracing::error!(?err, "crmcom: internal error");
            (
                Code::InternalError,
                Code::InternalError.description().to_owned(),
            )
        }
    };
    record_outcome("crmcom", operation, code.as_str());
    error_reply(format, StatusCode::OK, Status::error(code, message))
}

/// The code of each rule (docs/crmcom.md, "Error codes"): exhaustive over CRM.COM's rules, so a
/// new one does not compile until it has its code. `None` for other APIs' rules — decision:
/// the CRM.COM use-cases never raise them, so one here is a bug, answered
/// `InternalErrorException` and logged by the caller.
fn rule_code(rule: Rule) -> Option<Code> {
    let rule = match rule {
        Rule::Crmcom(rule) => rule,
        Rule::Idempotency(IdempotencyRule::KeyReused) => return Some(Code::IdempotencyKeyReused),
        Rule::Debitsuccess(_)
        | Rule::Flolive(_)
        | Rule::BillingCare(_)
        | Rule::Disconnect(_)
        | Rule::Admin(_) => return None,
    };
    Some(match rule {
        CrmcomRule::UnknownOrganisation => Code::UnknownOrganisation,
        CrmcomRule::InvalidToken => Code::InvalidToken,
        CrmcomRule::ExpiredToken => Code::ExpiredToken,
        CrmcomRule::ReleasedToken => Code::ReleasedToken,
        CrmcomRule::MissingParameter => Code::MissingParameter,
        CrmcomRule::InvalidIdentifier => Code::InvalidIdentifier,
        CrmcomRule::AmbiguousIdentifier => Code::AmbiguousIdentifier,
        CrmcomRule::InvalidDate => Code::InvalidDate,
        CrmcomRule::StartDateInPast => Code::StartDateInPast,
        CrmcomRule::SubscriptionNotFound => Code::SubscriptionNotFound,
        CrmcomRule::ServiceNotFound => Code::ServiceNotFound,
        CrmcomRule::SmartcardNotFound => Code::SmartcardNotFound,
        CrmcomRule::ProvisioningRequestNotFound => Code::ProvisioningRequestNotFound,
        CrmcomRule::NotAService => Code::ProductNotAService,
        CrmcomRule::ServiceNotOnSubscription => Code::ServiceNotOnSubscription,
        CrmcomRule::NotASmartcard => Code::InstalledItemNotASmartcard,
        CrmcomRule::SmartcardNotOnSubscription => Code::SmartcardNotOnSubscription,
    })
}

/// A request that could not be taken off the wire: its HTTP status, in this envelope.
pub fn wire_error(operation: &'static str, err: WireError) -> HttpResponse {
    let code = match &err {
        WireError::UnsupportedMediaType { .. } => Code::UnsupportedMediaType,
        WireError::NotAcceptable => Code::NotAcceptable,
        WireError::TooLarge { .. } => Code::RequestTooLarge,
        WireError::BodyTimeout { .. } => Code::RequestTimeout,
        WireError::Unreadable(..) | WireError::Malformed { .. } | WireError::UnsafeXml { .. } => {
            Code::InvalidRequest
        }
    };
    record_outcome("crmcom", operation, code.as_str());
    error_reply(
        err.reply_format(),
        err.status(),
        Status::error(code, err.to_string()),
    )
}

/// A request under `/crmapi` that no route takes (issue 14 item 5): like a request that
/// cannot be read, an HTTP error (404 or 405) in this envelope.
pub fn unrouted(format: Format, miss: &Miss, message: String) -> HttpResponse {
    let code = match miss {
        Miss::NotFound => Code::MethodNotFound,
        Miss::MethodNotAllowed { .. } => Code::HttpMethodNotAllowed,
    };
    record_outcome("crmcom", "unmatched", code.as_str());
    error_reply(format, miss.status(), Status::error(code, message))
}

/// A query string or body that cannot be read as the operation's parameters (HTTP 400).
pub fn invalid_request(format: Format, operation: &'static str, message: String) -> HttpResponse {
    record_outcome("crmcom", operation, Code::InvalidRequest.as_str());
    error_reply(
        format,
        StatusCode::BAD_REQUEST,
        Status::error(Code::InvalidRequest, message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_texts_are_what_serde_writes_and_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().to_owned())
            );
            assert!(seen.insert(code.as_str()), "{code:?} twice");
            assert_eq!(code.description().is_empty(), code == Code::Ok);
        }
    }

    #[test]
    fn every_service_rule_has_a_code() {
        let crmcom = [
            CrmcomRule::UnknownOrganisation,
            CrmcomRule::InvalidToken,
            CrmcomRule::ExpiredToken,
            CrmcomRule::ReleasedToken,
            CrmcomRule::MissingParameter,
            CrmcomRule::InvalidIdentifier,
            CrmcomRule::AmbiguousIdentifier,
            CrmcomRule::InvalidDate,
            CrmcomRule::StartDateInPast,
            CrmcomRule::SubscriptionNotFound,
            CrmcomRule::ServiceNotFound,
            CrmcomRule::SmartcardNotFound,
            CrmcomRule::ProvisioningRequestNotFound,
            CrmcomRule::NotAService,
            CrmcomRule::ServiceNotOnSubscription,
            CrmcomRule::NotASmartcard,
            CrmcomRule::SmartcardNotOnSubscription,
        ];
        let shared = [Rule::Idempotency(IdempotencyRule::KeyReused)];
        for rule in crmcom.into_iter().map(Rule::from).chain(shared) {
            assert!(rule_code(rule).is_some(), "{rule}");
        }
        assert_eq!(
            rule_code(Rule::Flolive(crate::domain::rules::FloliveRule::Gone)),
            None
        );
    }
}
