//! What SOAP 1.1 and SOAP 1.2 do differently (docs/design.md §2: "SOAP 1.1 and 1.2 differ only in
//! an envelope module"): the envelope namespace, the content type, where the action
//! travels, which header blocks target us, and the shape and HTTP status of a fault.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::adapters::http::xml_text;
use crate::domain::audit::Channel;

use super::super::xml_tree::Element;
use super::security::WssCode;

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoapVersion {
    V11,
    V12,
}

impl SoapVersion {
    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::V11 => SOAP11_NS,
            SoapVersion::V12 => SOAP12_NS,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            SoapVersion::V11 => "text/xml; charset=utf-8",
            SoapVersion::V12 => "application/soap+xml; charset=utf-8",
        }
    }

    pub fn channel(self) -> Channel {
        match self {
            SoapVersion::V11 => Channel::Soap11,
            SoapVersion::V12 => Channel::Soap12,
        }
    }

    /// SOAP 1.1 travels as `text/xml`, SOAP 1.2 as `application/soap+xml`.
    pub fn of_media_type(essence: &str) -> Option<Self> {
        match essence {
            "text/xml" => Some(SoapVersion::V11),
            "application/soap+xml" => Some(SoapVersion::V12),
            _ => None,
        }
    }

    /// A header block we must process: `mustUnderstand` set and addressed to us (SOAP 1.1
    /// `actor` absent or `next`; SOAP 1.2 `role` absent, `next` or `ultimateReceiver`).
    pub fn must_understand(self, block: &Element) -> bool {
        let ns = Some(self.namespace());
        let flag = block.attribute(ns, "mustUnderstand").map(str::trim);
        let flagged = matches!(flag, Some("1" | "true"));
        flagged && self.targets_us(block)
    }

    /// A header block addressed to us: SOAP 1.1 `actor` absent or `next`; SOAP 1.2 `role`
    /// absent, `next` or `ultimateReceiver`.
    pub fn targets_us(self, block: &Element) -> bool {
        let ns = Some(self.namespace());
        match self {
            SoapVersion::V11 => block
                .attribute(ns, "actor")
                .is_none_or(|a| a.trim() == "http://schemas.xmlsoap.org/soap/actor/next"),
            SoapVersion::V12 => block.attribute(ns, "role").is_none_or(|r| {
                matches!(
                    r.trim(),
                    "http://www.w3.org/2003/05/soap-envelope/role/next"
                        | "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
                )
            }),
        }
    }
}

/// The SOAP fault codes (SOAP 1.1 §4.4.1, SOAP 1.2 §5.4.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultCode {
    VersionMismatch,
    /// The header blocks not understood, as (namespace, local name).
    MustUnderstand(Vec<(Option<String>, String)>),
    /// SOAP 1.1 `Client`, SOAP 1.2 `Sender`: the message is at fault.
    Sender,
    /// SOAP 1.1 `Server`, SOAP 1.2 `Receiver`: we are.
    Receiver,
    /// A WS-Security fault (WSS 1.0 §12): SOAP 1.1 `faultcode` is the WSS QName itself,
    /// SOAP 1.2 a `Sender` with the QName as its `Subcode`.
    Security(WssCode),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub code: FaultCode,
    pub reason: String,
    /// Overrides the version's status (413 for an oversized body, 415 for a content type
    /// that names no SOAP version: docs/design.md §7 "body size cap … 413").
    pub status: Option<StatusCode>,
}

impl Fault {
    pub fn sender(reason: impl Into<String>) -> Self {
        Self {
            code: FaultCode::Sender,
            reason: reason.into(),
            status: None,
        }
    }

    pub fn receiver(reason: impl Into<String>) -> Self {
        Self {
            code: FaultCode::Receiver,
            reason: reason.into(),
            status: None,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// SOAP 1.1 faults are HTTP 500 (SOAP 1.1 §6.2); SOAP 1.2 follows its HTTP binding
    /// (Part 2 §7.5.1.2): Sender 400, everything else 500.
    pub fn http_status(&self, version: SoapVersion) -> StatusCode {
        self.status.unwrap_or(match (version, &self.code) {
            (SoapVersion::V12, FaultCode::Sender | FaultCode::Security(_)) => {
                StatusCode::BAD_REQUEST
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        })
    }

    pub fn body(&self, version: SoapVersion) -> String {
        let ns = version.namespace();
        let reason = xml_text::text(&self.reason);
        let declaration = security_declaration(&self.code);
        match version {
            SoapVersion::V11 => {
                let code = match self.code {
                    FaultCode::VersionMismatch => "s:VersionMismatch".to_owned(),
                    FaultCode::MustUnderstand(_) => "s:MustUnderstand".to_owned(),
                    FaultCode::Sender => "s:Client".to_owned(),
                    FaultCode::Receiver => "s:Server".to_owned(),
                    // The WSS QName's prefix is declared where it is used.
                    FaultCode::Security(wss) => security_qname(wss),
                };
                format!(
                    "<s:Envelope xmlns:s=\"{ns}\"><s:Body><s:Fault{declaration}><faultcode>{code}</faultcode>\
                     <faultstring xml:lang=\"en-US\">{reason}</faultstring></s:Fault></s:Body></s:Envelope>"
                )
            }
            SoapVersion::V12 => {
                let (code, header) = match &self.code {
                    FaultCode::VersionMismatch => (
                        "VersionMismatch",
                        format!(
                            "<s:Header><s:Upgrade><s:SupportedEnvelope qname=\"v:Envelope\" xmlns:v=\"{SOAP12_NS}\"/>\
                             <s:SupportedEnvelope qname=\"v:Envelope\" xmlns:v=\"{SOAP11_NS}\"/></s:Upgrade></s:Header>"
                        ),
                    ),
                    FaultCode::MustUnderstand(blocks) => ("MustUnderstand", not_understood(blocks)),
                    FaultCode::Sender | FaultCode::Security(_) => ("Sender", String::new()),
                    FaultCode::Receiver => ("Receiver", String::new()),
                };
                // SOAP 1.2 §5.4.6: the WSS code is a Subcode of Sender (WSS 1.0 §12).
                let subcode = match self.code {
                    FaultCode::Security(wss) => format!(
                        "<s:Subcode><s:Value>{}</s:Value></s:Subcode>",
                        security_qname(wss)
                    ),
                    _ => String::new(),
                };
                format!(
                    "<s:Envelope xmlns:s=\"{ns}\">{header}<s:Body><s:Fault{declaration}><s:Code><s:Value>s:{code}</s:Value>{subcode}</s:Code>\
                     <s:Reason><s:Text xml:lang=\"en-US\">{reason}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>"
                )
            }
        }
    }

    pub fn response(&self, version: SoapVersion) -> HttpResponse {
        HttpResponse::build(self.http_status(version))
            .content_type(version.content_type())
            .body(self.body(version))
    }
}

/// A WSS fault code's QName as element content; [`security_declaration`] declares its prefix.
fn security_qname(wss: WssCode) -> String {
    let (prefix, _, local) = wss.qname();
    format!("{prefix}:{local}")
}

/// The namespace declaration a WSS fault code's prefix needs, for the `Fault` element.
fn security_declaration(code: &FaultCode) -> String {
    match code {
        FaultCode::Security(wss) => {
            let (prefix, ns, _) = wss.qname();
            format!(" xmlns:{prefix}=\"{ns}\"")
        }
        _ => String::new(),
    }
}

/// SOAP 1.2 §5.4.8: one `NotUnderstood` header block per block not understood.
fn not_understood(blocks: &[(Option<String>, String)]) -> String {
    let items: String = blocks
        .iter()
        .map(|(ns, local)| match ns {
            Some(ns) => format!(
                "<s:NotUnderstood qname=\"q:{}\" xmlns:q=\"{}\"/>",
                xml_text::attribute(local),
                xml_text::attribute(ns)
            ),
            None => format!(
                "<s:NotUnderstood qname=\"{}\"/>",
                xml_text::attribute(local)
            ),
        })
        .collect();
    format!("<s:Header>{items}</s:Header>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_each_versions_http_binding() {
        let sender = Fault::sender("x");
        assert_eq!(sender.http_status(SoapVersion::V11), 500);
        assert_eq!(sender.http_status(SoapVersion::V12), 400);
        assert_eq!(Fault::receiver("x").http_status(SoapVersion::V12), 500);
        let large = Fault::sender("x").with_status(StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(large.http_status(SoapVersion::V11), 413);
    }

    #[test]
    fn fault_reasons_are_escaped() {
        let body = Fault::sender("a < b & c").body(SoapVersion::V11);
        assert!(body.contains("<faultcode>s:Client</faultcode>"));
        assert!(body.contains(">a &lt; b &amp; c</faultstring>"));
        let body = Fault::receiver("boom").body(SoapVersion::V12);
        assert!(body.contains("<s:Value>s:Receiver</s:Value>"));
    }
}
