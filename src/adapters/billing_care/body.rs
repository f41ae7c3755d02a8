//! The request body as a [`Wire`] tree, negotiated like every REST body (docs/design.md §2:
//! Content-Type picks the decoder, Accept the encoder; 415/406/413 through [`WireError`]),
//! using the shared negotiation pieces. Billing Care needs its own decoder only because its
//! XML form is "any root element, children named as the JSON fields" (docs/design.md §6.4), which
//! serde's XML mapping cannot express for the free-form `extension` object.
//!
//! The extractor only reads the body (under the size and time limits); decoding waits
//! until the caller's credentials are checked ([`WireBody::decode`]), so an anonymous body
//! costs us the read and nothing more (issue 13; docs/operations.md "Request decoding
//! cost").

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::adapters::http::negotiation::{negotiated_body, xml_limits, Format, WireError};

use super::wire::{from_xml, Wire, XmlError};

#[derive(Debug)]
pub(super) struct WireBody {
    pub request: Format,
    pub reply: Format,
    /// The raw bytes, for the Idempotency-Key fingerprint.
    pub raw: web::Bytes,
}

impl FromRequest for WireBody {
    type Error = WireError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WireError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let (raw, request, reply) = negotiated_body(&req, &mut payload).await?;
            Ok(WireBody {
                request,
                reply,
                raw,
            })
        })
    }
}

impl WireBody {
    /// The body as a [`Wire`] tree (once the caller is known).
    pub fn decode(&self, req: &HttpRequest) -> Result<Wire, WireError> {
        decode(req, &self.raw, self.request, self.reply)
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
        Format::Xml => from_xml(raw, xml_limits(req)).map_err(|e| match e {
            XmlError::Gate(error) => WireError::UnsafeXml { error, reply },
            XmlError::Shape(message) => WireError::Malformed {
                format: "XML",
                message,
                reply,
            },
        }),
    }
}
