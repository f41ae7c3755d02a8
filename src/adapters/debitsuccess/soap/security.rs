//! The `wsse:Security` header block (OASIS WSS 1.0/1.1 SOAP Message Security, UsernameToken
//! Profile 1.0/1.1; docs/debitsuccess.md "WS-Security") as a WCF client with
//! `TransportWithMessageCredential` + `UserName`, or a Java (CXF, Metro, Axis2/Rampart)
//! client sends it: a `UsernameToken` and usually a `wsu:Timestamp`. We claim to understand
//! the block, so whatever in it we cannot process is a fault, never silently ignored.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};

use crate::service::auth::{
    Created, SecurityFailure, SecurityHeader, SecurityRefusal, Timestamp, TokenPassword,
    UsernameToken,
};

use super::super::xml_tree::Element;
use super::envelope::{Fault, FaultCode};

pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
pub const WSU_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const PASSWORD_TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
const PASSWORD_DIGEST: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
const BASE64_BINARY: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
/// XML Signature and XML Encryption: message-level protection we do not process.
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";

/// A nonce longer than this (decoded) is refused: WCF and WSS4J send 16 bytes.
const MAX_NONCE_BYTES: usize = 64;
/// Text bounds inside the token (usernames are far shorter; the body's cap is the XML gate's).
const MAX_USERNAME_CHARS: usize = 256;
const MAX_PASSWORD_CHARS: usize = 1024;
const MAX_TIME_CHARS: usize = 64;

/// The WSS 1.0 §12 fault codes (table "Error that occurred / faultcode").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WssCode {
    UnsupportedSecurityToken,
    UnsupportedAlgorithm,
    InvalidSecurity,
    FailedAuthentication,
    /// `wsu:MessageExpired` (WSS 1.0 §10: a Timestamp's fault, in the utility namespace).
    MessageExpired,
}

impl WssCode {
    /// (prefix, namespace, local name) of the fault code's QName.
    pub fn qname(self) -> (&'static str, &'static str, &'static str) {
        match self {
            WssCode::UnsupportedSecurityToken => ("wsse", WSSE_NS, "UnsupportedSecurityToken"),
            WssCode::UnsupportedAlgorithm => ("wsse", WSSE_NS, "UnsupportedAlgorithm"),
            WssCode::InvalidSecurity => ("wsse", WSSE_NS, "InvalidSecurity"),
            WssCode::FailedAuthentication => ("wsse", WSSE_NS, "FailedAuthentication"),
            WssCode::MessageExpired => ("wsu", WSU_NS, "MessageExpired"),
        }
    }
}

pub fn fault(code: WssCode, reason: impl Into<String>) -> Fault {
    Fault {
        code: FaultCode::Security(code),
        reason: reason.into(),
        status: None,
    }
}

/// The service's refusal as the client hears it.
pub fn refusal(refusal: &SecurityRefusal) -> Fault {
    let code = match refusal.failure {
        SecurityFailure::FailedAuthentication => WssCode::FailedAuthentication,
        SecurityFailure::InvalidSecurity => WssCode::InvalidSecurity,
        SecurityFailure::MessageExpired => WssCode::MessageExpired,
    };
    fault(code, refusal.reason.clone())
}

pub fn is_security(block: &Element) -> bool {
    block.is(WSSE_NS, "Security")
}

fn invalid(reason: impl Into<String>) -> Fault {
    fault(WssCode::InvalidSecurity, reason)
}

/// One `wsse:Security` block addressed to us.
pub fn read(block: &Element) -> Result<SecurityHeader, Fault> {
    let mut header = SecurityHeader::default();
    for item in &block.children {
        let ns = item.ns.as_deref();
        match (ns, item.local.as_ref()) {
            (Some(WSSE_NS), "UsernameToken") => {
                if header.token.is_some() {
                    return Err(invalid(
                        "The Security header carries more than one UsernameToken.",
                    ));
                }
                header.token = Some(username_token(item)?);
            }
            (Some(WSU_NS), "Timestamp") => {
                // WSS 1.0 §10: at most one Timestamp per Security header.
                if header.timestamp.is_some() {
                    return Err(invalid(
                        "The Security header carries more than one Timestamp.",
                    ));
                }
                header.timestamp = Some(timestamp(item)?);
            }
            (Some(DSIG_NS | XENC_NS), _) => {
                return Err(fault(
                    WssCode::UnsupportedAlgorithm,
                    format!(
                        "The Security header's {} is not supported: this service accepts a \
                         UsernameToken over HTTPS, without message signing or encryption.",
                        item.qualified_name()
                    ),
                ))
            }
            _ => {
                return Err(fault(
                    WssCode::UnsupportedSecurityToken,
                    format!(
                        "The Security header's {} is not supported: this service accepts a \
                         UsernameToken (and a Timestamp) only.",
                        item.qualified_name()
                    ),
                ))
            }
        }
    }
    Ok(header)
}

/// Puts `value` in `slot`, refusing a second one (each child appears at most once).
fn once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), Fault> {
    if slot.is_some() {
        return Err(invalid(format!("The {what} appears more than once.")));
    }
    *slot = Some(value);
    Ok(())
}

fn bounded<'e>(item: &'e Element, what: &str, max: usize) -> Result<&'e str, Fault> {
    if item.text.chars().count() > max {
        return Err(invalid(format!(
            "The {what} is longer than {max} characters."
        )));
    }
    Ok(&item.text)
}

fn username_token(token: &Element) -> Result<UsernameToken, Fault> {
    let (mut username, mut password, mut nonce, mut created) = (None, None, None, None);
    for item in &token.children {
        match (item.ns.as_deref(), item.local.as_ref()) {
            (Some(WSSE_NS), "Username") => {
                let text = bounded(item, "Username", MAX_USERNAME_CHARS)?;
                once(&mut username, text.trim().to_owned(), "Username")?;
            }
            (Some(WSSE_NS), "Password") => once(&mut password, token_password(item)?, "Password")?,
            (Some(WSSE_NS), "Nonce") => once(&mut nonce, token_nonce(item)?, "Nonce")?,
            (Some(WSU_NS), "Created") => {
                let text = bounded(item, "Created", MAX_TIME_CHARS)?;
                let at = instant(text, "UsernameToken's Created")?;
                let text = text.to_owned();
                once(&mut created, Created { text, at }, "Created")?;
            }
            _ => {
                return Err(fault(
                    WssCode::UnsupportedSecurityToken,
                    format!(
                        "The UsernameToken's {} is not supported (Username, Password, Nonce \
                         and wsu:Created are).",
                        item.qualified_name()
                    ),
                ))
            }
        }
    }
    let Some(username) = username.filter(|u| !u.is_empty()) else {
        return Err(invalid("The UsernameToken has no Username."));
    };
    let Some(password) = password else {
        return Err(invalid("The UsernameToken has no Password."));
    };
    Ok(UsernameToken {
        username,
        password,
        nonce,
        created,
    })
}

/// Profile §3.1: an absent `Type` means PasswordText.
fn token_password(item: &Element) -> Result<TokenPassword, Fault> {
    let text = bounded(item, "Password", MAX_PASSWORD_CHARS)?;
    match item.attribute(None, "Type").map(str::trim) {
        None | Some(PASSWORD_TEXT) => Ok(TokenPassword::Text(text.to_owned())),
        Some(PASSWORD_DIGEST) => match STANDARD.decode(text.trim()) {
            Ok(digest) if digest.len() == 20 => Ok(TokenPassword::Digest(digest)),
            _ => Err(invalid(
                "The PasswordDigest is not the Base64 of a 20-byte SHA-1 digest.",
            )),
        },
        Some(other) => Err(fault(
            WssCode::UnsupportedSecurityToken,
            format!(
                "The password Type '{other}' is not supported (PasswordText and PasswordDigest are)."
            ),
        )),
    }
}

/// `wsse:Nonce`: Base64Binary (the default, SOAP Message Security §8.2), at most
/// [`MAX_NONCE_BYTES`] decoded.
fn token_nonce(item: &Element) -> Result<Vec<u8>, Fault> {
    match item.attribute(None, "EncodingType").map(str::trim) {
        None | Some(BASE64_BINARY) => {}
        Some(other) => {
            return Err(fault(
                WssCode::UnsupportedAlgorithm,
                format!("The Nonce EncodingType '{other}' is not supported (Base64Binary is)."),
            ))
        }
    }
    let text = item.text.trim();
    // Checked before decoding: 4 characters per 3 bytes.
    if text.len() > MAX_NONCE_BYTES.div_ceil(3) * 4 {
        return Err(invalid(format!(
            "The Nonce is longer than {MAX_NONCE_BYTES} bytes."
        )));
    }
    match STANDARD.decode(text) {
        Ok(nonce) if nonce.is_empty() => Err(invalid("The Nonce is empty.")),
        Ok(nonce) if nonce.len() > MAX_NONCE_BYTES => Err(invalid(format!(
            "The Nonce is longer than {MAX_NONCE_BYTES} bytes."
        ))),
        Ok(nonce) => Ok(nonce),
        Err(_) => Err(invalid("The Nonce is not valid Base64.")),
    }
}

fn timestamp(item: &Element) -> Result<Timestamp, Fault> {
    let mut stamp = Timestamp::default();
    for child in &item.children {
        let slot = match (child.ns.as_deref(), child.local.as_ref()) {
            (Some(WSU_NS), "Created") => &mut stamp.created,
            (Some(WSU_NS), "Expires") => &mut stamp.expires,
            _ => {
                return Err(fault(
                    WssCode::UnsupportedSecurityToken,
                    format!(
                        "The Timestamp's {} is not supported (Created and Expires are).",
                        child.qualified_name()
                    ),
                ))
            }
        };
        let what = format!("Timestamp's {}", child.local);
        let at = instant(bounded(child, &what, MAX_TIME_CHARS)?, &what)?;
        once(slot, at, &what)?;
    }
    Ok(stamp)
}

/// A `wsu:Created`/`wsu:Expires`: an `xs:dateTime` with a zone (SOAP Message Security §10
/// recommends UTC, `Z`); without one the instant is unknown.
fn instant(text: &str, what: &str) -> Result<DateTime<Utc>, Fault> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            invalid(format!(
                "The {what} is not an xs:dateTime with a time zone (such as 2024-05-01T10:00:00Z)."
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::debitsuccess::xml_tree;
    use crate::adapters::http::xml_gate::XmlLimits;

    fn read_xml(content: &str) -> Result<SecurityHeader, Fault> {
        let xml = format!(
            "<wsse:Security xmlns:wsse=\"{WSSE_NS}\" xmlns:wsu=\"{WSU_NS}\">{content}</wsse:Security>"
        );
        let tree = xml_tree::parse(xml.as_bytes(), XmlLimits::default()).unwrap();
        read(&tree)
    }

    fn code(result: Result<SecurityHeader, Fault>) -> WssCode {
        match result.unwrap_err().code {
            FaultCode::Security(code) => code,
            other => panic!("not a WSS fault: {other:?}"),
        }
    }

    #[test]
    fn a_token_without_a_type_is_password_text_and_keeps_the_created_text() {
        let header = read_xml(
            "<wsse:UsernameToken><wsse:Username>ds-gym</wsse:Username>\
             <wsse:Password>pw</wsse:Password><wsse:Nonce>AAECAw==</wsse:Nonce>\
             <wsu:Created>2024-05-01T10:00:00.000Z</wsu:Created></wsse:UsernameToken>",
        )
        .unwrap();
        let token = header.token.unwrap();
        assert_eq!(token.username, "ds-gym");
        assert_eq!(token.password, TokenPassword::Text("pw".into()));
        assert_eq!(token.nonce, Some(vec![0, 1, 2, 3]));
        assert_eq!(token.created.unwrap().text, "2024-05-01T10:00:00.000Z");
        assert!(header.timestamp.is_none());
    }

    #[test]
    fn what_cannot_be_processed_is_refused_by_its_wss_code() {
        let token = "<wsse:UsernameToken><wsse:Username>u</wsse:Username>\
                     <wsse:Password>p</wsse:Password></wsse:UsernameToken>";
        let cases = [
            (format!("{token}{token}"), WssCode::InvalidSecurity),
            (
                "<wsse:UsernameToken><wsse:Password>p</wsse:Password></wsse:UsernameToken>".into(),
                WssCode::InvalidSecurity,
            ),
            (
                "<wsu:Timestamp><wsu:Created>2024-05-01T10:00:00</wsu:Created></wsu:Timestamp>"
                    .into(),
                WssCode::InvalidSecurity,
            ),
            (
                format!("<wsu:Timestamp/><wsu:Timestamp/>{token}"),
                WssCode::InvalidSecurity,
            ),
            (
                "<wsse:BinarySecurityToken>AA==</wsse:BinarySecurityToken>".into(),
                WssCode::UnsupportedSecurityToken,
            ),
            (
                "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>".into(),
                WssCode::UnsupportedSecurityToken,
            ),
            (
                format!("<xenc:EncryptedKey xmlns:xenc=\"{XENC_NS}\"/>"),
                WssCode::UnsupportedAlgorithm,
            ),
            (
                token.replace("<wsse:Password>", "<wsse:Password Type=\"urn:x\">"),
                WssCode::UnsupportedSecurityToken,
            ),
            (
                token.replace(
                    "<wsse:Password>p",
                    &format!("<wsse:Password Type=\"{PASSWORD_DIGEST}\">not-a-digest"),
                ),
                WssCode::InvalidSecurity,
            ),
            (
                token.replace(
                    "</wsse:UsernameToken>",
                    &format!(
                        "<wsse:Nonce>{}</wsse:Nonce></wsse:UsernameToken>",
                        "A".repeat(88)
                    ),
                ),
                WssCode::InvalidSecurity,
            ),
        ];
        for (content, expected) in cases {
            assert_eq!(code(read_xml(&content)), expected, "{content}");
        }
    }

    #[test]
    fn wss_faults_declare_their_prefix_in_both_versions() {
        use super::super::envelope::SoapVersion;
        let fault = fault(WssCode::MessageExpired, "late");
        let v11 = fault.body(SoapVersion::V11);
        assert!(v11.contains(&format!("xmlns:wsu=\"{WSU_NS}\"")), "{v11}");
        assert!(
            v11.contains("<faultcode>wsu:MessageExpired</faultcode>"),
            "{v11}"
        );
        assert_eq!(fault.http_status(SoapVersion::V11), 500);
        let v12 = fault.body(SoapVersion::V12);
        assert!(
            v12.contains("<s:Value>s:Sender</s:Value><s:Subcode><s:Value>wsu:MessageExpired</s:Value></s:Subcode>"),
            "{v12}"
        );
        assert_eq!(fault.http_status(SoapVersion::V12), 400);
    }
}
