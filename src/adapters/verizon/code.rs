//! The `code` of Verizon's MEF errors, each with its one HTTP status (docs/verizon.md "Error
//! codes"; MEF LSO Sonata's `Error400`…`Error500`, and ours for what MEF does not name).

use actix_web::http::StatusCode;

/// Every `code` this API answers with. docs/verizon.md "Error codes" has one heading per
/// code, served at `/docs/verizon/errors` with the code as its anchor, and `referenceError`
/// links there (a test holds the headings and this list equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Code {
    MissingQueryParameter,
    MissingQueryValue,
    InvalidQuery,
    InvalidBody,
    MissingCredentials,
    InvalidCredentials,
    AccessDenied,
    NotFound,
    MethodNotAllowed,
    Conflict,
    InvalidFormat,
    TooManyRequests,
    InternalError,
    NotAcceptable,
    RequestTimeout,
    PayloadTooLarge,
    UnsupportedMediaType,
    ServiceUnavailable,
}

impl Code {
    #[cfg(test)]
    pub(super) const ALL: [Code; 18] = [
        Code::MissingQueryParameter,
        Code::MissingQueryValue,
        Code::InvalidQuery,
        Code::InvalidBody,
        Code::MissingCredentials,
        Code::InvalidCredentials,
        Code::AccessDenied,
        Code::NotFound,
        Code::MethodNotAllowed,
        Code::Conflict,
        Code::InvalidFormat,
        Code::TooManyRequests,
        Code::InternalError,
        Code::NotAcceptable,
        Code::RequestTimeout,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::ServiceUnavailable,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Code::MissingQueryParameter => "missingQueryParameter",
            Code::MissingQueryValue => "missingQueryValue",
            Code::InvalidQuery => "invalidQuery",
            Code::InvalidBody => "invalidBody",
            Code::MissingCredentials => "missingCredentials",
            Code::InvalidCredentials => "invalidCredentials",
            Code::AccessDenied => "accessDenied",
            Code::NotFound => "notFound",
            Code::MethodNotAllowed => "methodNotAllowed",
            Code::Conflict => "conflict",
            Code::InvalidFormat => "invalidFormat",
            Code::TooManyRequests => "tooManyRequests",
            Code::InternalError => "internalError",
            Code::NotAcceptable => "notAcceptable",
            Code::RequestTimeout => "requestTimeout",
            Code::PayloadTooLarge => "payloadTooLarge",
            Code::UnsupportedMediaType => "unsupportedMediaType",
            Code::ServiceUnavailable => "serviceUnavailable",
        }
    }

    /// The HTTP status every error with this code has (docs/verizon.md "Error codes").
    pub(super) fn status(self) -> StatusCode {
        use StatusCode as S;
        match self {
            Code::MissingQueryParameter
            | Code::MissingQueryValue
            | Code::InvalidQuery
            | Code::InvalidBody => S::BAD_REQUEST,
            Code::MissingCredentials | Code::InvalidCredentials => S::UNAUTHORIZED,
            Code::AccessDenied => S::FORBIDDEN,
            Code::NotFound => S::NOT_FOUND,
            Code::MethodNotAllowed => S::METHOD_NOT_ALLOWED,
            Code::Conflict => S::CONFLICT,
            Code::InvalidFormat => S::UNPROCESSABLE_ENTITY,
            Code::TooManyRequests => S::TOO_MANY_REQUESTS,
            Code::InternalError => S::INTERNAL_SERVER_ERROR,
            Code::NotAcceptable => S::NOT_ACCEPTABLE,
            Code::RequestTimeout => S::REQUEST_TIMEOUT,
            Code::PayloadTooLarge => S::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => S::UNSUPPORTED_MEDIA_TYPE,
            Code::ServiceUnavailable => S::SERVICE_UNAVAILABLE,
        }
    }
}
