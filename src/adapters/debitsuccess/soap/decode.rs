//! A SOAP envelope of either version into a version-neutral message (docs/design.md §6.1):
//! dispatch on the Body's first child by qualified name; the `SOAPAction` header, the SOAP
//! 1.2 `action` parameter and a WS-Addressing `Action` header may be absent or empty, but
//! one naming another operation is a sender fault. Checks run in the order SOAP processing
//! requires: envelope version, then the envelope's structure rules (`structure`), then
//! mandatory headers, then the body.

use crate::adapters::http::xml_gate::{XmlGateError, XmlLimits};
use crate::service::auth::SecurityHeader;
use crate::service::debitsuccess::command::{
    AdjustTerminationDate, GetCustomerAccount, RequestBase,
};

use super::super::fields::{Fields, Namespaces};
use super::super::xml_tree::{self, Element, TreeError};
use super::envelope::{Fault, FaultCode, SoapVersion, SOAP11_NS, SOAP12_NS};
use super::{security, structure};

/// The service namespace (operation wrappers) and the contract's action prefix.
pub const SERVICE_NS: &str = "Debitsuccess.WebServices.WCF";
pub const ACTION_PREFIX: &str = "Debitsuccess.WebServices.WCF/IDSServices/";
/// WS-Addressing 1.0: the headers a WCF client with addressing sends; we understand them.
pub const WSA_NS: &str = "http://www.w3.org/2005/08/addressing";
const WSA_UNDERSTOOD: &[&str] = &["Action", "To", "MessageID", "ReplyTo"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    AdjustAccountTerminationDate,
    GetCustomerAccountByAccountId,
}

impl Operation {
    pub const ALL: [Operation; 2] = [
        Operation::AdjustAccountTerminationDate,
        Operation::GetCustomerAccountByAccountId,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::AdjustAccountTerminationDate => "AdjustAccountTerminationDate",
            Operation::GetCustomerAccountByAccountId => "GetCustomerAccountByAccountId",
        }
    }

    pub fn action(self) -> String {
        format!("{ACTION_PREFIX}{}", self.name())
    }

    /// `action` is this operation's action URI.
    pub fn is_action(self, action: &str) -> bool {
        action.strip_prefix(ACTION_PREFIX) == Some(self.name())
    }

    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Adjust(AdjustTerminationDate),
    GetAccount(GetCustomerAccount),
}

impl Message {
    /// The base fields every request carries (`User` among them).
    pub fn base(&self) -> &RequestBase {
        match self {
            Message::Adjust(m) => &m.base,
            Message::GetAccount(m) => &m.base,
        }
    }

    pub fn operation(&self) -> Operation {
        match self {
            Message::Adjust(_) => Operation::AdjustAccountTerminationDate,
            Message::GetAccount(_) => Operation::GetCustomerAccountByAccountId,
        }
    }

    /// The `request` element's fields as the operation reads them.
    pub fn from_fields(operation: Operation, fields: Fields) -> Self {
        match operation {
            Operation::AdjustAccountTerminationDate => Message::Adjust(fields.adjust()),
            Operation::GetCustomerAccountByAccountId => Message::GetAccount(fields.get_account()),
        }
    }
}

/// Why a document could not be read, as the fault a client sees.
pub fn unreadable(error: &TreeError) -> Fault {
    let reason = match error {
        TreeError::Gate(XmlGateError::Doctype) => {
            "DOCTYPE and entity declarations are not allowed in SOAP messages.".to_owned()
        }
        TreeError::Gate(XmlGateError::Empty) => "The request body is empty.".to_owned(),
        other => format!("The message could not be read: {other}."),
    };
    Fault::sender(reason)
}

/// `actions`: the action values the transport carried (already unquoted), empty ones included.
pub fn decode(
    version: SoapVersion,
    body: &[u8],
    actions: &[String],
    limits: XmlLimits,
) -> Result<Message, Fault> {
    decode_secured(version, body, actions, limits).map(|(message, _)| message)
}

/// [`decode`], with the `wsse:Security` header addressed to us, if any (docs/debitsuccess.md
/// "WS-Security").
pub fn decode_secured(
    version: SoapVersion,
    body: &[u8],
    actions: &[String],
    limits: XmlLimits,
) -> Result<(Message, Option<SecurityHeader>), Fault> {
    let document = xml_tree::parse_document(body, limits).map_err(|e| unreadable(&e))?;
    let envelope = &document.root;
    if envelope.local != "Envelope" {
        return Err(Fault::sender(format!(
            "The message is not a SOAP envelope: its root element is '{}'.",
            envelope.local
        )));
    }
    if envelope.ns.as_deref() != Some(version.namespace()) {
        return Err(version_mismatch(version, envelope.ns.as_deref()));
    }
    // Issue 17: the version's structure rules hold before any header block or the body
    // is read (so the Header and Body found below are the only ones).
    structure::check(version, &document)?;
    let ns = version.namespace();
    let header = envelope.children.iter().find(|c| c.is(ns, "Header"));
    let (addressed, security) = match header {
        Some(header) => understand_headers(version, header)?,
        None => (Vec::new(), None),
    };
    let Some(body) = envelope.children.iter().find(|c| c.is(ns, "Body")) else {
        return Err(Fault::sender("The SOAP envelope has no Body."));
    };
    let Some(wrapper) = body.children.first() else {
        return Err(Fault::sender("The SOAP Body is empty."));
    };
    let operation = dispatch(wrapper)?;
    if let Some(other) = actions
        .iter()
        .chain(&addressed)
        .map(|a| a.trim())
        .find(|a| !a.is_empty() && !operation.is_action(a))
    {
        return Err(Fault::sender(format!(
            "The action '{other}' does not match the body element '{}' (expected '{}' or no action).",
            operation.name(),
            operation.action()
        )));
    }
    let request = wrapper
        .children
        .iter()
        .find(|c| c.local == "request" && matches!(c.ns.as_deref(), Some(SERVICE_NS) | None));
    let fields = Fields::from_xml(request, Namespaces::DataContract);
    Ok((Message::from_fields(operation, fields), security))
}

fn version_mismatch(version: SoapVersion, found: Option<&str>) -> Fault {
    let hint = match found {
        Some(SOAP11_NS) => " (a SOAP 1.1 envelope: send it as text/xml)",
        Some(SOAP12_NS) => " (a SOAP 1.2 envelope: send it as application/soap+xml)",
        _ => "",
    };
    Fault {
        code: FaultCode::VersionMismatch,
        reason: format!(
            "The envelope namespace '{}' is not the {} namespace '{}'{hint}.",
            found.unwrap_or(""),
            match version {
                SoapVersion::V11 => "SOAP 1.1",
                SoapVersion::V12 => "SOAP 1.2",
            },
            version.namespace()
        ),
        status: None,
    }
}

/// Fails with MustUnderstand for mandatory blocks we do not process; returns the
/// WS-Addressing `Action` values (they must agree with the body like `SOAPAction`) and the
/// `wsse:Security` block addressed to us, read (a second one is InvalidSecurity: WSS 1.0
/// §6.1 allows one per actor/role).
fn understand_headers(
    version: SoapVersion,
    header: &Element,
) -> Result<(Vec<String>, Option<SecurityHeader>), Fault> {
    let mut actions = Vec::new();
    let mut secured = None;
    let mut not_understood = Vec::new();
    for block in &header.children {
        let addressing = block.ns.as_deref() == Some(WSA_NS);
        if addressing && block.local == "Action" {
            actions.push(block.text.to_string());
        }
        // A Security block for another actor/role is not ours to process (SOAP 1.1 §4.2.2).
        let ours = security::is_security(block) && version.targets_us(block);
        if ours {
            if secured.is_some() {
                return Err(security::fault(
                    security::WssCode::InvalidSecurity,
                    "The message carries more than one Security header for this service.",
                ));
            }
            secured = Some(security::read(block)?);
        }
        let understood = ours || (addressing && WSA_UNDERSTOOD.contains(&block.local.as_ref()));
        if !understood && version.must_understand(block) {
            not_understood.push((
                block.ns.as_deref().map(str::to_owned),
                block.local.to_string(),
            ));
        }
    }
    if not_understood.is_empty() {
        return Ok((actions, secured));
    }
    let names: Vec<String> = not_understood
        .iter()
        .map(|(ns, local)| match ns {
            Some(ns) => format!("{{{ns}}}{local}"),
            None => local.clone(),
        })
        .collect();
    Err(Fault {
        code: FaultCode::MustUnderstand(not_understood),
        reason: format!(
            "The header block(s) {} must be understood but are not processed by this service.",
            names.join(", ")
        ),
        status: None,
    })
}

fn dispatch(wrapper: &Element) -> Result<Operation, Fault> {
    let operation = (wrapper.ns.as_deref() == Some(SERVICE_NS))
        .then(|| Operation::named(&wrapper.local))
        .flatten();
    operation.ok_or_else(|| {
        Fault::sender(format!(
            "The body element '{}' is not an operation of IDSServices: expected \
             AdjustAccountTerminationDate or GetCustomerAccountByAccountId in namespace '{SERVICE_NS}'.",
            wrapper.qualified_name()
        ))
    })
}
