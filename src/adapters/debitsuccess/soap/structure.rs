//! The SOAP envelope's structure rules, each version's own (issue 17; the table is in
//! docs/debitsuccess.md "SOAP envelope rules"). `decode` runs these right after the
//! envelope version is known and before any header block or the body is read, so a
//! message that breaks one is answered with the version's sender fault (`soap:Client`
//! HTTP 500, `env:Sender` HTTP 400) and reaches no use-case.
//!
//! SOAP 1.2 (Part 1, W3C Recommendation) is strict; SOAP 1.1 (W3C Note 08 May 2000) is
//! looser and legacy clients rely on that: namespace-qualified elements after the Body,
//! `encodingStyle` anywhere, and attributes of any kind on Header and Body (the Note
//! requires qualified attributes on the Envelope only) are accepted for SOAP 1.1.

use super::super::xml_tree::{Attribute, Document, Element, Instruction, Place};
use super::envelope::{Fault, SoapVersion, SOAP12_NS};

/// Checks the whole envelope; `document.root` is a `{version ns}Envelope`.
pub fn check(version: SoapVersion, document: &Document) -> Result<(), Fault> {
    if let Some(instruction) = &document.instruction {
        return Err(processing_instruction(version, instruction));
    }
    let envelope = &document.root;
    envelope_attributes(version, envelope)?;
    no_character_data(version, envelope, "Envelope")?;
    let (header, body) = children(version, envelope)?;
    if let Some(header) = header {
        header_rules(version, header)?;
    }
    body_rules(version, body)
}

/// The spec section a rule comes from, in the version's own document.
fn cite(version: SoapVersion, soap11: &str, soap12: &str) -> String {
    match version {
        SoapVersion::V11 => format!("SOAP 1.1 §{soap11}"),
        SoapVersion::V12 => format!("SOAP 1.2 Part 1 §{soap12}"),
    }
}

fn invalid(what: String, rule: &str, source: String) -> Fault {
    Fault::sender(format!("Invalid SOAP envelope: {what}; {rule} ({source})."))
}

/// A name as shown in a reason, capped: names come from the client.
fn shown(name: &str) -> String {
    const MAX: usize = 64;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}

/// SOAP 1.1 §3: "A SOAP message MUST NOT contain Processing Instructions." SOAP 1.2 Part 1
/// §5: a receiver "SHOULD generate a SOAP fault with the Value of Code set to env:Sender".
/// The XML declaration is not one (xml_tree keeps it apart).
fn processing_instruction(version: SoapVersion, instruction: &Instruction) -> Fault {
    let place = match &instruction.place {
        Place::Prolog => "before the Envelope".to_owned(),
        Place::Inside(parent) => format!("inside '{}'", shown(parent)),
        Place::Epilog => "after the Envelope".to_owned(),
    };
    invalid(
        format!(
            "a processing instruction ('<?{}') stands {place}",
            shown(&instruction.target)
        ),
        "SOAP messages must not contain processing instructions",
        cite(version, "3", "5"),
    )
}

fn unqualified(attributes: &[Attribute]) -> Option<&Attribute> {
    attributes.iter().find(|a| a.ns.is_none())
}

/// SOAP 1.1 §4 (Envelope): "additional attributes MUST be namespace-qualified"; SOAP 1.2
/// §5.1: "Zero or more namespace-qualified attribute information items". SOAP 1.2 §5.1.1:
/// `encodingStyle` "MUST NOT appear" on the Envelope; SOAP 1.1 §4.1.1 lets it appear on
/// any element.
fn envelope_attributes(version: SoapVersion, envelope: &Element) -> Result<(), Fault> {
    if let Some(attribute) = unqualified(&envelope.attributes) {
        return Err(invalid(
            format!(
                "the attribute '{}' on the Envelope has no namespace",
                shown(&attribute.local)
            ),
            "the Envelope's attributes must be namespace-qualified",
            cite(version, "4", "5.1"),
        ));
    }
    no_encoding_style(version, envelope, "the Envelope")
}

/// SOAP 1.2 §5.1.1: `encodingStyle` may appear only on header blocks, Body children other
/// than a Fault, Detail children and their descendants. SOAP 1.1 §4.1.1: "MAY appear on any
/// element", so nothing to check.
fn no_encoding_style(version: SoapVersion, element: &Element, name: &str) -> Result<(), Fault> {
    if version == SoapVersion::V12
        && element
            .attribute(Some(SOAP12_NS), "encodingStyle")
            .is_some()
    {
        return Err(invalid(
            format!("env:encodingStyle appears on {name}"),
            "it is allowed only on header blocks, Body children other than a Fault and \
             Detail children",
            cite(version, "4.1.1", "5.1.1"),
        ));
    }
    Ok(())
}

/// SOAP 1.2 §5: elements that have only element children "can also have zero or more
/// character information item children" that "MUST be amongst the white space characters";
/// SOAP 1.1 §4: Envelope, Header and Body hold elements (header and body entries) only.
fn no_character_data(version: SoapVersion, element: &Element, name: &str) -> Result<(), Fault> {
    // XML 1.0 §2.3 white space: space, tab, carriage return, line feed.
    let text = element
        .text
        .chars()
        .any(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'));
    if text {
        return Err(invalid(
            format!("the {name} holds text directly"),
            "only elements and white space may appear there",
            cite(version, "4", "5"),
        ));
    }
    Ok(())
}

/// The Envelope's children: SOAP 1.2 §5.1 — "An optional Header" then "A mandatory Body",
/// nothing else. SOAP 1.1 §4 — the Header, if present, "MUST be the first immediate child";
/// the Body "MUST directly follow the SOAP Header element if present. Otherwise it MUST be
/// the first"; additional sub elements "MUST be namespace-qualified and MUST follow the
/// SOAP Body element" (accepted and ignored). Returns the Header and the Body.
fn children<'e, 'a>(
    version: SoapVersion,
    envelope: &'e Element<'a>,
) -> Result<(Option<&'e Element<'a>>, &'e Element<'a>), Fault> {
    let ns = version.namespace();
    let order = cite(version, "4", "5.1");
    let mut header = None;
    let mut body = None;
    for child in &envelope.children {
        let (is_header, is_body) = (child.is(ns, "Header"), child.is(ns, "Body"));
        let name = shown(&child.qualified_name());
        let broken = match (body.is_some(), is_header, is_body) {
            (true, true, _) => Some("a Header after the Body".to_owned()),
            (true, _, true) => Some("a second Body".to_owned()),
            // SOAP 1.1: namespace-qualified elements after the Body are legal, and ignored.
            (true, _, _) if version == SoapVersion::V11 && child.ns.is_some() => None,
            (true, _, _) if version == SoapVersion::V11 => Some(format!(
                "the element '{name}' after the Body has no namespace"
            )),
            (true, _, _) => Some(format!("the element '{name}' follows the Body")),
            (false, true, _) if header.is_some() => Some("a second Header".to_owned()),
            (false, true, _) => {
                header = Some(child);
                None
            }
            (false, _, true) => {
                body = Some(child);
                None
            }
            (false, _, _) => Some(format!("the element '{name}' comes before the Body")),
        };
        if let Some(what) = broken {
            let rule = match version {
                SoapVersion::V11 => {
                    "the Envelope holds an optional Header first, then the Body, then only \
                     namespace-qualified elements"
                }
                SoapVersion::V12 => {
                    "the Envelope holds an optional Header then the Body, nothing else"
                }
            };
            return Err(invalid(what, rule, order));
        }
    }
    match body {
        Some(body) => Ok((header, body)),
        None => Err(Fault::sender("The SOAP envelope has no Body.")),
    }
}

fn header_rules(version: SoapVersion, header: &Element) -> Result<(), Fault> {
    header_or_body_attributes(version, header, "Header")?;
    no_character_data(version, header, "Header")?;
    for block in &header.children {
        // SOAP 1.1 §4.2: "All immediate child elements of the SOAP Header element MUST be
        // namespace-qualified"; SOAP 1.2 §5.2.1: a header block "MUST have a [namespace
        // name] property which has a value".
        if block.ns.is_none() {
            return Err(invalid(
                format!(
                    "the header block '{}' has no namespace",
                    shown(&block.local)
                ),
                "header blocks must be namespace-qualified",
                cite(version, "4.2", "5.2.1"),
            ));
        }
        flags(version, block)?;
    }
    Ok(())
}

/// SOAP 1.2 §5.2.3 and §5.2.4: `mustUnderstand` and `relay` are `xs:boolean` ("A SOAP
/// receiver MUST accept any valid lexical representation": `true`, `false`, `1`, `0`,
/// white space collapsed). SOAP 1.1 §4.2.3: "either "1" or "0""; we also accept `true` and
/// `false`, which legacy toolkits send (docs/debitsuccess.md "SOAP envelope rules").
/// Checked on header blocks only: both versions ignore the attributes elsewhere (SOAP 1.1
/// §4.2.1, SOAP 1.2 §5.2.3).
fn flags(version: SoapVersion, block: &Element) -> Result<(), Fault> {
    let ns = Some(version.namespace());
    let names: &[&str] = match version {
        SoapVersion::V11 => &["mustUnderstand"],
        SoapVersion::V12 => &["mustUnderstand", "relay"],
    };
    for name in names {
        let Some(value) = block.attribute(ns, name) else {
            continue;
        };
        let trimmed = value.trim_matches([' ', '\t', '\r', '\n']);
        if !matches!(trimmed, "1" | "0" | "true" | "false") {
            let allowed = match version {
                SoapVersion::V11 => "\"1\" or \"0\" (or true/false)",
                SoapVersion::V12 => "an xs:boolean: true, false, 1 or 0",
            };
            let section = if *name == "relay" { "5.2.4" } else { "5.2.3" };
            return Err(invalid(
                format!(
                    "the {name} value '{}' on the header block '{}'",
                    shown(value),
                    shown(&block.qualified_name())
                ),
                &format!("its value must be {allowed}"),
                cite(version, "4.2.3", section),
            ));
        }
    }
    Ok(())
}

/// SOAP 1.2 §5.2 (Header) and §5.3 (Body): "Zero or more namespace-qualified attribute
/// information items", and no `encodingStyle` (§5.1.1). The SOAP 1.1 Note says nothing
/// about the attributes of Header and Body (§4.2, §4.3): any are accepted.
fn header_or_body_attributes(
    version: SoapVersion,
    element: &Element,
    name: &str,
) -> Result<(), Fault> {
    if version == SoapVersion::V11 {
        return Ok(());
    }
    if let Some(attribute) = unqualified(&element.attributes) {
        return Err(invalid(
            format!(
                "the attribute '{}' on the {name} has no namespace",
                shown(&attribute.local)
            ),
            &format!("the {name}'s attributes must be namespace-qualified"),
            cite(version, "4", if name == "Header" { "5.2" } else { "5.3" }),
        ));
    }
    no_encoding_style(version, element, &format!("the {name}"))
}

fn body_rules(version: SoapVersion, body: &Element) -> Result<(), Fault> {
    header_or_body_attributes(version, body, "Body")?;
    no_character_data(version, body, "Body")?;
    // SOAP 1.2 §5.1.1: a Body child may carry encodingStyle "if that child is not a SOAP
    // Fault element information item".
    let ns = version.namespace();
    match body.children.iter().find(|c| c.is(ns, "Fault")) {
        Some(fault) => no_encoding_style(version, fault, "a Fault in the Body"),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
