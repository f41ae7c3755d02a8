//! The SOAP envelope rules of each version, enforced exactly (issue 17; docs/debitsuccess.md
//! "SOAP envelope rules"): a violation is the version's sender fault (`soap:Client` with
//! HTTP 500, `env:Sender` with HTTP 400) whose reason names the problem, and it changes
//! nothing; what SOAP 1.1 allows stays accepted for legacy clients.

use super::faults::{send, Fault};
use super::support::client::{account, post_soap, soap_outcome, Request, ADJUST, SOAP11, SOAP12};
use crate::helpers::{spawn_app, TestApp};

const REFERENCE: &str = "DS1000001";

/// A valid adjust request of `soap`'s version: `<soapenv:Header/>` then the Body.
fn good(soap: &str, date: &str) -> String {
    Request::adjust(REFERENCE, date).envelope(soap)
}

fn expected_sender(soap: &str) -> (u16, &'static str) {
    if soap == SOAP11 {
        (500, "Client")
    } else {
        (400, "Sender")
    }
}

/// Sends each envelope, asserting the version's sender fault (status, content type and
/// code: `send` checks the content type), a reason containing the words given, and that
/// the account read back has not changed.
async fn refused(app: &TestApp, soap: &str, cases: Vec<(String, Vec<&str>)>) {
    let before = account(app, "acme", REFERENCE).await;
    for (envelope, words) in cases {
        let Fault { http, code, reason } = send(app, soap, envelope.clone()).await;
        assert_eq!((http, code.as_str()), expected_sender(soap), "{envelope}");
        for word in words {
            assert!(
                reason.contains(word),
                "{word:?} not in {reason:?} for {envelope}"
            );
        }
        assert_eq!(account(app, "acme", REFERENCE).await, before, "{envelope}");
    }
}

/// Rules that hold in both versions, with a different date per case so that a request
/// processed by mistake would show in the account.
fn common_violations(soap: &str) -> Vec<(String, Vec<&'static str>)> {
    let section = |v11: &'static str, v12: &'static str| if soap == SOAP11 { v11 } else { v12 };
    let env = |day: u32| good(soap, &format!("2031-11-{day:02}"));
    let header = |day: u32, inside: &str| {
        env(day).replace(
            "<soapenv:Header/>",
            &format!("<soapenv:Header>{inside}</soapenv:Header>"),
        )
    };
    let pi = vec![
        "processing instruction",
        section("SOAP 1.1 §3", "SOAP 1.2 Part 1 §5"),
    ];
    let with = |mut words: Vec<&'static str>, more: &'static str| {
        words.push(more);
        words
    };
    vec![
        (
            format!(
                "<?xml version=\"1.0\"?><?xml-stylesheet href=\"s.xsl\"?>{}",
                env(1)
            ),
            with(pi.clone(), "before the Envelope"),
        ),
        (
            env(2).replace("<soapenv:Body>", "<soapenv:Body><?php echo 1; ?>"),
            with(pi.clone(), "Body'"),
        ),
        (header(3, "<?trace on?>"), with(pi.clone(), "Header'")),
        (
            format!("{}<?done?>", env(4)),
            with(pi, "after the Envelope"),
        ),
        (
            env(5).replace("<soapenv:Header/>", "<soapenv:Header/><soapenv:Header/>"),
            vec!["a second Header", section("§4)", "§5.1)")],
        ),
        (
            env(6).replace("</soapenv:Body>", "</soapenv:Body><soapenv:Body/>"),
            vec!["a second Body"],
        ),
        (
            env(7)
                .replace("<soapenv:Header/>", "")
                .replace("</soapenv:Body>", "</soapenv:Body><soapenv:Header/>"),
            vec!["a Header after the Body"],
        ),
        (
            env(8).replace("<soapenv:Header/>", "<deb:Extra/><soapenv:Header/>"),
            vec!["'{Debitsuccess.WebServices.WCF}Extra' comes before the Body"],
        ),
        (
            env(9).replace("</soapenv:Body>", "</soapenv:Body><Trailer/>"),
            vec![section(
                "'Trailer' after the Body has no namespace",
                "'Trailer' follows the Body",
            )],
        ),
        (
            env(10).replace("<soapenv:Header/>", "hello<soapenv:Header/>"),
            vec!["the Envelope holds text"],
        ),
        (header(11, "oops"), vec!["the Header holds text"]),
        (
            env(12).replace("<soapenv:Body>", "<soapenv:Body>text "),
            vec!["the Body holds text"],
        ),
        (
            env(13).replace("<soapenv:Envelope ", "<soapenv:Envelope version=\"1\" "),
            vec![
                "'version' on the Envelope has no namespace",
                section("§4)", "§5.1)"),
            ],
        ),
        (
            header(14, "<Token>x</Token>"),
            vec![
                "header block 'Token' has no namespace",
                section("§4.2)", "§5.2.1)"),
            ],
        ),
        (
            header(
                15,
                "<t:Trace xmlns:t=\"urn:trace\" soapenv:mustUnderstand=\"yes\"/>",
            ),
            vec![
                "mustUnderstand value 'yes'",
                "{urn:trace}Trace",
                section("§4.2.3)", "§5.2.3)"),
            ],
        ),
    ]
}

#[tokio::test]
async fn soap11_envelopes_breaking_the_notes_rules_are_client_faults_that_change_nothing() {
    let app = spawn_app().await;
    refused(&app, SOAP11, common_violations(SOAP11)).await;
}

#[tokio::test]
async fn soap12_envelopes_breaking_part1_rules_are_sender_faults_that_change_nothing() {
    let app = spawn_app().await;
    refused(&app, SOAP12, common_violations(SOAP12)).await;
    let style = "soapenv:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"";
    let env = |day: u32| good(SOAP12, &format!("2031-10-{day:02}"));
    let only12 = vec![
        (
            env(1).replace("<soapenv:Envelope ", &format!("<soapenv:Envelope {style} ")),
            vec!["encodingStyle appears on the Envelope", "§5.1.1)"],
        ),
        (
            env(2).replace("<soapenv:Header/>", &format!("<soapenv:Header {style}/>")),
            vec!["encodingStyle appears on the Header"],
        ),
        (
            env(3).replace("<soapenv:Body>", &format!("<soapenv:Body {style}>")),
            vec!["encodingStyle appears on the Body"],
        ),
        (
            env(4).replace("</soapenv:Body>", "</soapenv:Body><deb:Trailer/>"),
            vec!["follows the Body", "§5.1)"],
        ),
        (
            env(5).replace("<soapenv:Body>", "<soapenv:Body id=\"b\">"),
            vec!["'id' on the Body has no namespace", "§5.3)"],
        ),
        (
            env(6).replace("<soapenv:Header/>", "<soapenv:Header id=\"h\"/>"),
            vec!["'id' on the Header has no namespace", "§5.2)"],
        ),
        (
            env(7).replace(
                "<soapenv:Header/>",
                "<soapenv:Header><t:Trace xmlns:t=\"urn:trace\" soapenv:relay=\"maybe\"/></soapenv:Header>",
            ),
            vec!["relay value 'maybe'", "§5.2.4)"],
        ),
    ];
    refused(&app, SOAP12, only12).await;
}

/// Posts `envelope` and asserts it was processed: result code 00 and the new date stored.
async fn processed(app: &TestApp, soap: &str, envelope: String, date: &str) {
    let content_type = if soap == SOAP11 {
        "text/xml; charset=utf-8"
    } else {
        "application/soap+xml; charset=utf-8"
    };
    let (http, ct, body) = post_soap(app, content_type, None, envelope.clone()).await;
    assert_eq!(
        soap_outcome(http, ct, body, soap).codes(),
        ["00"],
        "{envelope}"
    );
    let stored = account(app, "acme", REFERENCE).await;
    assert_eq!(
        stored.termination_date.map(|d| d.to_string()).as_deref(),
        Some(date),
        "{envelope}"
    );
}

#[tokio::test]
async fn what_soap11_allows_is_still_accepted_for_legacy_clients() {
    let app = spawn_app().await;
    let style = "soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"";
    let envelope = |date: &str| good(SOAP11, date);
    let cases = [
        // §4: namespace-qualified elements after the Body (ignored).
        (
            "2031-09-01",
            envelope("2031-09-01").replace(
                "</soapenv:Body>",
                "</soapenv:Body><deb:Trailer>x</deb:Trailer><soapenv:Extension/>",
            ),
        ),
        // §4.1.1: encodingStyle on any element, the Envelope, Header and Body included.
        (
            "2031-09-02",
            envelope("2031-09-02")
                .replace("<soapenv:Envelope ", &format!("<soapenv:Envelope {style} "))
                .replace("<soapenv:Header/>", &format!("<soapenv:Header {style}/>"))
                .replace("<soapenv:Body>", &format!("<soapenv:Body {style}>")),
        ),
        // §4.2, §4.3 put no rule on the attributes of Header and Body.
        (
            "2031-09-03",
            envelope("2031-09-03")
                .replace("<soapenv:Header/>", "<soapenv:Header id=\"h\"/>")
                .replace("<soapenv:Body>", "<soapenv:Body id=\"b\">"),
        ),
        // §4.2.3 says "1" or "0"; true/false from legacy toolkits are accepted too.
        (
            "2031-09-04",
            envelope("2031-09-04").replace(
                "<soapenv:Header/>",
                "<soapenv:Header><t:Trace xmlns:t=\"urn:trace\" soapenv:mustUnderstand=\"false\"/>\
                 <t:Hop xmlns:t=\"urn:trace\" soapenv:mustUnderstand=\"0\"/></soapenv:Header>",
            ),
        ),
    ];
    for (date, envelope) in cases {
        processed(&app, SOAP11, envelope, date).await;
    }
}

#[tokio::test]
async fn what_soap12_allows_is_accepted() {
    let app = spawn_app().await;
    let style = "soapenv:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"";
    // §5.1.1: encodingStyle on header blocks and body children; §5.2.3/§5.2.4: any
    // xs:boolean spelling; §5.1: qualified attributes; white space and comments anywhere.
    let envelope = good(SOAP12, "2031-08-01")
        .replace(
            "<soapenv:Envelope ",
            "<soapenv:Envelope xml:lang=\"en\" soapenv:extra=\"1\" ",
        )
        .replace(
            "<soapenv:Header/>",
            &format!(
                "\n <!-- c --><soapenv:Header>\n  <t:Trace xmlns:t=\"urn:trace\" {style} \
                 soapenv:mustUnderstand=\" 0 \" soapenv:relay=\"true\"/>\n </soapenv:Header>\n "
            ),
        )
        .replace(
            &format!("<deb:{ADJUST}>"),
            &format!("<deb:{ADJUST} {style}>"),
        );
    processed(&app, SOAP12, envelope, "2031-08-01").await;
}
