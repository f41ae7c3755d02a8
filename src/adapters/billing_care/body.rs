//! The request body as a [`Wire`] tree, negotiated like every REST body (DESIGN §2:
//! Content-Type picks the decoder, Accept the encoder; 415/406/413 through [`WireError`]),
//! using the shared negotiation pieces. Billing Care needs its own decoder only because its
//! XML form is "any root element, children named as the JSON fields" (DESIGN §6.4), which
//! serde's XML mapping cannot express for the free-form `extension` object.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::adapters::http::negotiation::{body_format, read_body, reply_format, Format, WireError};
use crate::adapters::http::AppState;

use super::wire::{from_xml, Wire, XmlError};

#[derive(Debug)]
pub(super) struct WireBody {
    pub value: Wire,
    pub request: Format,
    pub reply: Format,
    /// The raw bytes, for the Idempotency-Key fingerprint.
    pub raw: web::Bytes,
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

impl FromRequest for WireBody {
    type Error = WireError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WireError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let content_type = header_str(&req, header::CONTENT_TYPE).unwrap_or("");
            let request = body_format(content_type);
            let reply = reply_format(
                header_str(&req, header::ACCEPT),
                request.unwrap_or(Format::Json),
            )
            .ok_or(WireError::NotAcceptable)?;
            let Some(request) = request else {
                return Err(WireError::UnsupportedMediaType {
                    content_type: content_type.to_owned(),
                    reply,
                });
            };
            let raw = read_body(&req, &mut payload, reply).await?;
            let value = decode(&req, &raw, request, reply)?;
            Ok(WireBody {
                value,
                request,
                reply,
                raw,
            })
        })
    }
}

pub(super) fn decode(
    req: &HttpRequest,
    raw: &[u8],
    request: Format,
    reply: Format,
) -> Result<Wire, WireError> {
    match request {
        Format::Json => serde_json::from_slice::<Wire>(raw).map_err(|e| WireError::Malformed {
            format: "JSON",
            message: e.to_string(),
            reply,
        }),
        Format::Xml => {
            let limits = req
                .app_data::<web::Data<AppState>>()
                .map(|s| s.settings.xml)
                .unwrap_or_default();
            from_xml(raw, limits).map_err(|e| match e {
                XmlError::Gate(error) => WireError::UnsafeXml { error, reply },
                XmlError::Shape(message) => WireError::Malformed {
                    format: "XML",
                    message,
                    reply,
                },
            })
        }
    }
}
