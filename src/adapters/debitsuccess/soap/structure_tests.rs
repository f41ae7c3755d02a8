//! Each structure rule, per SOAP version: what is refused (and that the reason names it),
//! and what SOAP 1.1 still allows.

use super::*;
use crate::adapters::debitsuccess::soap::envelope::{FaultCode, SOAP11_NS};
use crate::adapters::debitsuccess::xml_tree::parse_document;
use crate::adapters::http::xml_gate::XmlLimits;

use SoapVersion::{V11, V12};

fn ns(version: SoapVersion) -> &'static str {
    match version {
        V11 => SOAP11_NS,
        V12 => SOAP12_NS,
    }
}

/// An envelope with prefix `e` bound to the version's namespace; `inside` is its content.
fn envelope(version: SoapVersion, attributes: &str, inside: &str) -> String {
    format!(
        "<e:Envelope xmlns:e=\"{}\" xmlns:m=\"urn:m\" {attributes}>{inside}</e:Envelope>",
        ns(version)
    )
}

fn run(version: SoapVersion, xml: &str) -> Result<(), Fault> {
    let document = parse_document(xml.as_bytes(), XmlLimits::default()).expect("well-formed");
    check(version, &document)
}

/// Asserts a sender fault whose reason contains each of `words`.
fn refused(version: SoapVersion, xml: &str, words: &[&str]) {
    let fault = run(version, xml).expect_err(xml);
    assert_eq!(fault.code, FaultCode::Sender, "{xml}");
    for word in words {
        assert!(
            fault.reason.contains(word),
            "{word:?} in {:?}",
            fault.reason
        );
    }
}

const BODY: &str = "<e:Body><m:op/></e:Body>";

#[test]
fn a_plain_envelope_passes_in_both_versions() {
    for v in [V11, V12] {
        let with_header =
            format!("\n <e:Header><m:h e:mustUnderstand=\"0\"/></e:Header>\n {BODY}\n");
        run(v, &envelope(v, "", &with_header)).unwrap();
        run(v, &envelope(v, "xmlns:x=\"urn:x\" x:a=\"1\"", BODY)).unwrap();
        let declared = format!("<?xml version=\"1.0\"?><!-- c -->{}", envelope(v, "", BODY));
        run(v, &declared).unwrap();
    }
}

#[test]
fn processing_instructions_are_refused_wherever_they_stand() {
    for v in [V11, V12] {
        let section = if v == V11 {
            "SOAP 1.1 §3"
        } else {
            "SOAP 1.2 Part 1 §5"
        };
        let cases = [
            (
                format!("<?pi x?>{}", envelope(v, "", BODY)),
                "before the Envelope",
            ),
            (envelope(v, "", &format!("<?pi?>{BODY}")), "inside '{"),
            (
                envelope(v, "", "<e:Header><?pi?></e:Header><e:Body/>"),
                "Header'",
            ),
            (envelope(v, "", "<e:Body><?pi?><m:op/></e:Body>"), "Body'"),
            (
                envelope(v, "", "<e:Body><m:op><m:f><?pi?></m:f></m:op></e:Body>"),
                "{urn:m}f",
            ),
            (
                format!("{}<?pi?>", envelope(v, "", BODY)),
                "after the Envelope",
            ),
        ];
        for (xml, place) in cases {
            refused(
                v,
                &xml,
                &["processing instruction", "'<?pi'", place, section],
            );
        }
    }
}

#[test]
fn the_envelope_holds_an_optional_header_then_the_body() {
    for v in [V11, V12] {
        let cases = [
            ("<e:Header/><e:Header/><e:Body/>", "a second Header"),
            ("<e:Body/><e:Body/>", "a second Body"),
            ("<e:Body/><e:Header/>", "a Header after the Body"),
            ("<m:x/><e:Body/>", "'{urn:m}x' comes before the Body"),
            (
                "<m:x/><e:Header/><e:Body/>",
                "'{urn:m}x' comes before the Body",
            ),
            (
                "<e:Header/><m:x/><e:Body/>",
                "'{urn:m}x' comes before the Body",
            ),
            ("<e:Body/><x/>", "'x' after the Body has no namespace"),
        ];
        for (inside, what) in cases {
            // SOAP 1.2 words the unqualified case as any element after the Body.
            let what = if v == V12 && what.contains("has no namespace") {
                "'x' follows the Body"
            } else {
                what
            };
            let section = if v == V11 { "§4)" } else { "§5.1)" };
            refused(v, &envelope(v, "", inside), &[what, section]);
        }
        refused(v, &envelope(v, "", "<e:Header/>"), &["has no Body"]);
    }
    // SOAP 1.2 allows nothing after the Body; SOAP 1.1 allows qualified elements there.
    let after = "<e:Body><m:op/></e:Body><m:trailer/><e:Other/>";
    refused(
        V12,
        &envelope(V12, "", after),
        &["'{urn:m}trailer' follows the Body"],
    );
    run(V11, &envelope(V11, "", after)).unwrap();
}

#[test]
fn text_directly_inside_envelope_header_or_body_is_refused() {
    for v in [V11, V12] {
        let cases = [
            (format!("x{BODY}"), "the Envelope holds text"),
            (format!("{BODY}<![CDATA[y]]>"), "the Envelope holds text"),
            (
                "<e:Header>&#65;</e:Header><e:Body/>".to_owned(),
                "the Header holds text",
            ),
            (
                "<e:Body><m:op/>z</e:Body>".to_owned(),
                "the Body holds text",
            ),
        ];
        for (inside, what) in cases {
            refused(v, &envelope(v, "", &inside), &[what]);
        }
        // White space, however written, is fine.
        run(
            v,
            &envelope(v, "", "\t<e:Body>&#10;<![CDATA[ ]]><m:op/>\r\n</e:Body> "),
        )
        .unwrap();
        // A non-breaking space is not XML white space.
        refused(
            v,
            &envelope(v, "", "<e:Body>&#160;</e:Body>"),
            &["Body holds text"],
        );
    }
}

#[test]
fn encoding_style_is_refused_on_soap12_envelope_header_body_and_fault_only() {
    let style = "e:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"";
    refused(
        V12,
        &envelope(V12, style, BODY),
        &["encodingStyle appears on the Envelope", "§5.1.1"],
    );
    let header = format!("<e:Header {style}/>{BODY}");
    refused(V12, &envelope(V12, "", &header), &["on the Header"]);
    let body = format!("<e:Body {style}><m:op/></e:Body>");
    refused(V12, &envelope(V12, "", &body), &["on the Body"]);
    let fault = format!("<e:Body><e:Fault {style}/></e:Body>");
    refused(V12, &envelope(V12, "", &fault), &["on a Fault in the Body"]);
    // Allowed on header blocks, body children and their descendants.
    let allowed = format!(
        "<e:Header><m:h {style}><m:x {style}/></m:h></e:Header><e:Body><m:op {style}/></e:Body>"
    );
    run(V12, &envelope(V12, "", &allowed)).unwrap();
    // SOAP 1.1 §4.1.1: on any element.
    let style11 = "e:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"";
    let everywhere = format!("<e:Header {style11}/><e:Body {style11}><m:op/></e:Body>");
    run(V11, &envelope(V11, style11, &everywhere)).unwrap();
}

#[test]
fn attributes_must_be_qualified_on_the_envelope_and_on_soap12_header_and_body() {
    for v in [V11, V12] {
        let section = if v == V11 {
            "SOAP 1.1 §4)"
        } else {
            "SOAP 1.2 Part 1 §5.1)"
        };
        refused(
            v,
            &envelope(v, "id=\"1\"", BODY),
            &["attribute 'id' on the Envelope has no namespace", section],
        );
        // Qualified ones, xml:lang included, are fine.
        run(v, &envelope(v, "xml:lang=\"en\" e:x=\"1\"", BODY)).unwrap();
    }
    let header = format!("<e:Header id=\"h\"/>{BODY}");
    refused(
        V12,
        &envelope(V12, "", &header),
        &["'id' on the Header", "§5.2)"],
    );
    let body = "<e:Body id=\"b\"><m:op/></e:Body>";
    refused(
        V12,
        &envelope(V12, "", body),
        &["'id' on the Body", "§5.3)"],
    );
    // The SOAP 1.1 Note puts no rule on the attributes of Header and Body.
    let both = "<e:Header id=\"h\"/><e:Body id=\"b\"><m:op/></e:Body>";
    run(V11, &envelope(V11, "", both)).unwrap();
}

#[test]
fn header_blocks_must_be_namespace_qualified() {
    for v in [V11, V12] {
        let section = if v == V11 { "§4.2)" } else { "§5.2.1)" };
        let inside = format!("<e:Header><m:ok/><Security/></e:Header>{BODY}");
        refused(
            v,
            &envelope(v, "", &inside),
            &["header block 'Security' has no namespace", section],
        );
        // Elements inside a block need no namespace.
        let nested = format!("<e:Header><m:h><plain/></m:h></e:Header>{BODY}");
        run(v, &envelope(v, "", &nested)).unwrap();
    }
}

#[test]
fn must_understand_and_relay_values_follow_each_versions_type() {
    let with = |v: SoapVersion, attributes: &str| {
        envelope(
            v,
            "",
            &format!("<e:Header><m:h {attributes}/></e:Header>{BODY}"),
        )
    };
    for v in [V11, V12] {
        for value in ["1", "0", "true", "false", " true "] {
            run(v, &with(v, &format!("e:mustUnderstand=\"{value}\""))).unwrap();
        }
        for value in ["yes", "TRUE", "2", ""] {
            let section = if v == V11 { "§4.2.3)" } else { "§5.2.3)" };
            refused(
                v,
                &with(v, &format!("e:mustUnderstand=\"{value}\"")),
                &[
                    &format!("mustUnderstand value '{value}'"),
                    "'{urn:m}h'",
                    section,
                ],
            );
        }
        // Elsewhere the attribute is ignored, whatever its value.
        let deep =
            format!("<e:Header><m:h><m:x e:mustUnderstand=\"maybe\"/></m:h></e:Header>{BODY}");
        run(v, &envelope(v, "", &deep)).unwrap();
        // An unqualified mustUnderstand is not SOAP's.
        run(v, &with(v, "mustUnderstand=\"maybe\"")).unwrap();
    }
    run(V12, &with(V12, "e:relay=\"1\"")).unwrap();
    refused(
        V12,
        &with(V12, "e:relay=\"perhaps\""),
        &["relay value 'perhaps'", "§5.2.4)"],
    );
    // SOAP 1.1 has no relay attribute.
    run(V11, &with(V11, "e:relay=\"perhaps\"")).unwrap();
}

#[test]
fn names_in_reasons_are_capped() {
    let long = "a".repeat(500);
    let fault = run(V12, &envelope(V12, &format!("{long}=\"1\""), BODY)).unwrap_err();
    assert!(fault.reason.len() < 300, "{}", fault.reason);
    assert!(fault.reason.contains('…'));
}
