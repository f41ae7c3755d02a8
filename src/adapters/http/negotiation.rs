//! Content negotiation, in one place (docs/design.md §2): `Content-Type` picks the decoder,
//! `Accept` the encoder (default: the request's format; JSON for bodiless requests).
//! Unsupported → 415, unacceptable → 406, too large → 413. Every REST adapter decodes
//! through [`Negotiated`] and answers through [`reply`], so all of them accept and
//! produce both JSON and XML.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::store::StoredReply;

use super::xml_gate::{self, XmlGateError, XmlLimits};
use super::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "application/xml; charset=utf-8",
        }
    }

    pub fn channel(self) -> crate::domain::audit::Channel {
        match self {
            Format::Json => crate::domain::audit::Channel::Json,
            Format::Xml => crate::domain::audit::Channel::Xml,
        }
    }
}

/// Why a request could not be taken off the wire. Adapters render it in their vendor's
/// error format, in [`WireError::reply_format`].
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("unsupported Content-Type '{content_type}': send application/json or application/xml")]
    UnsupportedMediaType { content_type: String, reply: Format },
    #[error(
        "none of the Accept types can be produced: ask for application/json or application/xml"
    )]
    NotAcceptable,
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize, reply: Format },
    #[error("the body did not arrive in time")]
    BodyTimeout { reply: Format },
    #[error("the body could not be read: {0}")]
    Unreadable(String, Format),
    #[error("the body is not valid {format}: {message}")]
    Malformed {
        format: &'static str,
        message: String,
        reply: Format,
    },
    #[error("unsafe XML refused: {error}")]
    UnsafeXml { error: XmlGateError, reply: Format },
}

impl WireError {
    pub fn status(&self) -> StatusCode {
        match self {
            WireError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WireError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            WireError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WireError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            WireError::Unreadable(..)
            | WireError::Malformed { .. }
            | WireError::UnsafeXml { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// The format the error itself should be written in.
    pub fn reply_format(&self) -> Format {
        match self {
            WireError::NotAcceptable => Format::Json,
            WireError::UnsupportedMediaType { reply, .. }
            | WireError::TooLarge { reply, .. }
            | WireError::BodyTimeout { reply }
            | WireError::Unreadable(_, reply)
            | WireError::Malformed { reply, .. }
            | WireError::UnsafeXml { reply, .. } => *reply,
        }
    }
}

/// Only reached when a handler takes `Negotiated<T>` without `Result<…>`; vendor adapters
/// take the `Result` and answer in their own format.
impl actix_web::ResponseError for WireError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status()).json(serde_json::json!({ "error": self.to_string() }))
    }
}

/// The body format a Content-Type names, if we decode it.
pub fn body_format(content_type: &str) -> Option<Format> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Some(Format::Json),
        "application/xml" | "text/xml" => Some(Format::Xml),
        e if e.starts_with("application/") && e.ends_with("+json") => Some(Format::Json),
        e if e.starts_with("application/") && e.ends_with("+xml") => Some(Format::Xml),
        _ => None,
    }
}

/// Picks the reply format from `Accept` (RFC 9110 §12.5.1: highest q wins, the more
/// specific range on ties, q=0 excludes). `default` answers `*/*` or no header.
pub fn reply_format(accept: Option<&str>, default: Format) -> Option<Format> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(default);
    };
    let mut best: Option<(u16, u8, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .filter_map(|v| v.trim().parse::<f32>().ok())
            .next_back()
            .unwrap_or(1.0);
        let q = (q.clamp(0.0, 1.0) * 1000.0).round() as u16;
        let (format, specificity) = match media.as_str() {
            "*/*" => (default, 0),
            "application/*" => (default, 1),
            "text/*" => (Format::Xml, 1),
            m => match body_format(m) {
                Some(f) => (f, 2),
                None => continue,
            },
        };
        if q == 0 {
            continue;
        }
        if best.is_none_or(|(bq, bs, _)| (q, specificity) > (bq, bs)) {
            best = Some((q, specificity, format));
        }
    }
    best.map(|(_, _, format)| format)
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The reply format of a bodiless request (GET, DELETE): JSON unless `Accept` says otherwise.
pub fn reply_format_of(req: &HttpRequest) -> Result<Format, WireError> {
    reply_format(header_str(req, header::ACCEPT), Format::Json).ok_or(WireError::NotAcceptable)
}

/// The format of an error for a request no handler read (issue 14 item 5): what `Accept`
/// picks, defaulting to the request's own format (JSON for none); when `Accept` names
/// neither, the default anyway — an error in an unasked-for format is better than a 406
/// hiding it (RFC 9110 §15.5.7 allows either).
pub fn error_format(req: &HttpRequest) -> Format {
    let default = header_str(req, header::CONTENT_TYPE)
        .and_then(body_format)
        .unwrap_or(Format::Json);
    reply_format(header_str(req, header::ACCEPT), default).unwrap_or(default)
}

/// A decoded request body with the negotiated formats.
#[derive(Debug)]
pub struct Negotiated<T> {
    pub body: T,
    pub request: Format,
    pub reply: Format,
    /// The raw body, for fingerprinting (`Idempotency-Key`).
    pub raw: web::Bytes,
}

/// The raw body of a REST request with its negotiated formats (request, reply): `Accept`
/// first (406), then `Content-Type` (415), then the body under the size and time limits
/// (413, 408). Every REST body decoder starts here; only the decoding step differs.
pub async fn negotiated_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Result<(web::Bytes, Format, Format), WireError> {
    let content_type = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    let request = body_format(content_type);
    let reply = reply_format(
        header_str(req, header::ACCEPT),
        request.unwrap_or(Format::Json),
    )
    .ok_or(WireError::NotAcceptable)?;
    let Some(request) = request else {
        return Err(WireError::UnsupportedMediaType {
            content_type: content_type.to_owned(),
            reply,
        });
    };
    let raw = read_body(req, payload, reply).await?;
    Ok((raw, request, reply))
}

/// The configured limits of the XML safety gate (the defaults outside a server).
pub fn xml_limits(req: &HttpRequest) -> XmlLimits {
    req.app_data::<web::Data<AppState>>()
        .map(|s| s.settings.xml)
        .unwrap_or_default()
}

/// Reads the body under the configured size and time limits.
pub async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    reply: Format,
) -> Result<web::Bytes, WireError> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (limit, timeout) = state
        .as_ref()
        .map(|s| (s.settings.body_limit, s.settings.body_timeout))
        .unwrap_or((1024 * 1024, std::time::Duration::from_secs(10)));
    let declared = header_str(req, header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(WireError::TooLarge { limit, reply });
    }
    let read = async {
        let mut body = web::BytesMut::new();
        use futures_util::StreamExt;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| WireError::Unreadable(e.to_string(), reply))?;
            if body.len() + chunk.len() > limit {
                return Err(WireError::TooLarge { limit, reply });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| WireError::BodyTimeout { reply })?
}

/// Decodes `bytes` as `format` into `T`; XML goes through the safety gate first.
pub fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    format: Format,
    reply: Format,
    req: &HttpRequest,
) -> Result<T, WireError> {
    match format {
        Format::Json => serde_json::from_slice(bytes).map_err(|e| WireError::Malformed {
            format: "JSON",
            message: e.to_string(),
            reply,
        }),
        Format::Xml => {
            xml_gate::check(bytes, xml_limits(req))
                .map_err(|error| WireError::UnsafeXml { error, reply })?;
            let text = std::str::from_utf8(bytes).map_err(|_| WireError::Malformed {
                format: "XML",
                message: "the body is not UTF-8".into(),
                reply,
            })?;
            quick_xml::de::from_str(text).map_err(|e| WireError::Malformed {
                format: "XML",
                message: e.to_string(),
                reply,
            })
        }
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Negotiated<T> {
    type Error = WireError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WireError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let (raw, request, reply) = negotiated_body(&req, &mut payload).await?;
            let body = decode(&raw, request, reply, &req)?;
            Ok(Negotiated {
                body,
                request,
                reply,
                raw,
            })
        })
    }
}

/// Renders `body` in `format`; XML gets `root` as its document element.
pub fn render<T: Serialize>(
    format: Format,
    status: StatusCode,
    root: &str,
    body: &T,
) -> StoredReply {
    let text = match format {
        Format::Json => serde_json::to_string(body).map_err(|e| e.to_string()),
        Format::Xml => quick_xml::se::to_string_with_root(root, body)
            .map(|xml| format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{xml}"))
            .map_err(|e| e.to_string()),
    };
    match text {
        Ok(body) => StoredReply {
            status: status.as_u16(),
            content_type: format.content_type().to_owned(),
            body,
        },
        Err(error) => {
            tracing::error!(%error, "reply could not be serialised");
            StoredReply {
                status: 500,
                content_type: "text/plain; charset=utf-8".into(),
                body: "internal error".into(),
            }
        }
    }
}

pub fn reply<T: Serialize>(
    format: Format,
    status: StatusCode,
    root: &str,
    body: &T,
) -> HttpResponse {
    to_response(render(format, status, root, body))
}

pub fn to_response(reply: StoredReply) -> HttpResponse {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    if status == StatusCode::NO_CONTENT {
        return builder.finish();
    }
    builder
        .insert_header((header::CONTENT_TYPE, reply.content_type))
        .body(reply.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_pick_decoders() {
        assert_eq!(
            body_format("application/json; charset=utf-8"),
            Some(Format::Json)
        );
        assert_eq!(body_format("Application/XML"), Some(Format::Xml));
        assert_eq!(body_format("text/xml"), Some(Format::Xml));
        assert_eq!(body_format("application/problem+json"), Some(Format::Json));
        assert_eq!(body_format("application/x-www-form-urlencoded"), None);
        assert_eq!(body_format(""), None);
    }

    #[test]
    fn accept_picks_encoders_by_quality_then_specificity() {
        assert_eq!(reply_format(None, Format::Xml), Some(Format::Xml));
        assert_eq!(reply_format(Some("*/*"), Format::Xml), Some(Format::Xml));
        assert_eq!(
            reply_format(Some("application/json"), Format::Xml),
            Some(Format::Json)
        );
        assert_eq!(
            reply_format(
                Some("application/json;q=0.5, application/xml"),
                Format::Json
            ),
            Some(Format::Xml)
        );
        assert_eq!(
            reply_format(Some("*/*;q=0.1, application/xml;q=0.1"), Format::Json),
            Some(Format::Xml)
        );
        assert_eq!(
            reply_format(Some("application/xml;q=0, */*"), Format::Json),
            Some(Format::Json)
        );
        assert_eq!(reply_format(Some("text/html"), Format::Json), None);
        assert_eq!(
            reply_format(Some("application/json;q=0"), Format::Json),
            None
        );
    }
}
