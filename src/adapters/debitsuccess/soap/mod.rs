//! `POST /DSWebService/DSServices.svc`: SOAP 1.1 (`text/xml`, `SOAPAction`) and SOAP 1.2
//! (`application/soap+xml`, optional `action` parameter), docs/design.md §6.1. The reply always uses
//! the request's SOAP version.

pub mod decode;
pub mod envelope;
pub mod security;
pub mod structure;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::negotiation::{read_body, Format, WireError};
use crate::adapters::http::observability::record_outcome;
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::AppState;
use crate::domain::DomainError;
use crate::service::auth::TokenError;
use crate::service::debitsuccess::{adjust_termination_date, customer_account, ws_security};

use super::reply::{account_result, adjust_result};
use super::result_xml::{soap_envelope, ResultXml};
use decode::{decode, decode_secured, Message, Operation};
use envelope::{Fault, SoapVersion};

/// WCF's own words for an unhandled exception; the cause is logged, never sent.
pub const INTERNAL_ERROR: &str =
    "The server was unable to process the request due to an internal error.";

pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let content_type = header_text(&req, header::CONTENT_TYPE.as_str()).unwrap_or_default();
    let (essence, parameters) = media_type(&content_type);
    let Some(version) = SoapVersion::of_media_type(&essence) else {
        return Fault::sender(format!(
            "Cannot process the message because the content type '{content_type}' was not the \
             expected type: text/xml; charset=utf-8 (SOAP 1.1) or application/soap+xml; \
             charset=utf-8 (SOAP 1.2)."
        ))
        .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .response(SoapVersion::V11);
    };
    let mut actions: Vec<String> = header_text(&req, "SOAPAction")
        .map(|a| unquote(&a))
        .into_iter()
        .collect();
    if version == SoapVersion::V12 {
        actions.extend(
            parameters
                .iter()
                .filter(|(name, _)| name == "action")
                .map(|(_, value)| value.clone()),
        );
    }
    let mut payload = payload.into_inner();
    let body = match read_body(&req, &mut payload, Format::Xml).await {
        Ok(body) => body,
        Err(WireError::TooLarge { limit, .. }) => {
            return Fault::sender(format!(
                "The message is larger than the {limit} bytes allowed."
            ))
            .with_status(StatusCode::PAYLOAD_TOO_LARGE)
            .response(version)
        }
        Err(other) => return Fault::sender(format!("{other}.")).response(version),
    };
    let (message, security) = match decode_secured(version, &body, &actions, state.settings.xml) {
        Ok(decoded) => decoded,
        Err(fault) => return fault.response(version),
    };
    let origin = origin_of(&req, version.channel());
    let services = &state.services;
    let operation = message.operation();
    // WS-Security (docs/debitsuccess.md "WS-Security"): a header failure is a SOAP fault, as
    // WCF answers it, before the operation runs; nothing has changed.
    let signed_in = match &security {
        None => None,
        Some(header) => match ws_security::sign_in(services, header, message.base(), &origin).await
        {
            Ok(signed_in) => signed_in,
            Err(error) => return security_failure(version, operation, error),
        },
    };
    let reply = match message {
        Message::Adjust(m) => {
            adjust_termination_date(services, &m, &origin, signed_in, adjust_result)
                .await
                .map(|result| soap_reply(version, operation, &result))
        }
        Message::GetAccount(m) => {
            customer_account(services, &m, &origin, signed_in, account_result)
                .await
                .map(|result| soap_reply(version, operation, &result))
        }
    };
    reply.unwrap_or_else(|error| {
        tracing::error!(?error, "debitsuccess SOAP request failed");
        Fault::receiver(INTERNAL_ERROR).response(version)
    })
}

/// A refused header is its WSS fault; an outage is a Receiver fault asking for a retry
/// (503, as nothing was done); anything else is the internal-error fault.
fn security_failure(version: SoapVersion, operation: Operation, error: TokenError) -> HttpResponse {
    match error {
        TokenError::Refused(refusal) => {
            record_outcome("debitsuccess", operation.name(), "wsse");
            security::refusal(&refusal).response(version)
        }
        TokenError::Failed(DomainError::Busy(_) | DomainError::Unavailable { .. }) => {
            Fault::receiver("The service is temporarily unavailable; retry later.")
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
                .response(version)
        }
        TokenError::Failed(error) => {
            tracing::error!(?error, "debitsuccess WS-Security check failed");
            Fault::receiver(INTERNAL_ERROR).response(version)
        }
    }
}

fn soap_reply(version: SoapVersion, operation: Operation, result: &impl ResultXml) -> HttpResponse {
    let outcome = result.base().error_code().unwrap_or("00");
    record_outcome("debitsuccess", operation.name(), outcome);
    HttpResponse::Ok()
        .content_type(version.content_type())
        .body(soap_envelope(version, operation, result))
}

fn header_text(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `"Debitsuccess…/Op"` → `Debitsuccess…/Op` (SOAP 1.1 §6.1.1 quotes the value).
fn unquote(value: &str) -> String {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
        .to_owned()
}

/// A media type's lowercased essence and its parameters (names lowercased, values unquoted).
pub fn media_type(value: &str) -> (String, Vec<(String, String)>) {
    let mut parts = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    let mut parts = parts.into_iter();
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let parameters = parts
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), unquote(value)))
        })
        .collect();
    (essence, parameters)
}

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
/// SOAP 1.1 or 1.2 by `v12`; the actions are those a client could send.
#[doc(hidden)]
pub fn fuzz_decode_soap(bytes: &[u8], v12: bool, action: &str) {
    let version = if v12 {
        SoapVersion::V12
    } else {
        SoapVersion::V11
    };
    let actions = [unquote(action)];
    if let Err(fault) = decode(
        version,
        bytes,
        &actions,
        crate::adapters::http::xml_gate::XmlLimits::default(),
    ) {
        let _ = fault.body(version);
    }
    let _ = media_type(action);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_keep_quoted_semicolons_in_values() {
        let (essence, parameters) =
            media_type("Application/SOAP+xml; charset=utf-8; Action=\"urn:a;b\"");
        assert_eq!(essence, "application/soap+xml");
        assert_eq!(
            parameters,
            [
                ("charset".to_owned(), "utf-8".to_owned()),
                ("action".to_owned(), "urn:a;b".to_owned())
            ]
        );
        assert_eq!(media_type("").0, "");
    }

    #[test]
    fn soap_actions_are_unquoted() {
        assert_eq!(unquote("\"a/b\""), "a/b");
        assert_eq!(unquote(" a/b "), "a/b");
        assert_eq!(unquote("\"\""), "");
    }
}
