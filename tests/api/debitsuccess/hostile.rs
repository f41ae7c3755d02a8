//! Hostile XML (docs/design.md §7): any DOCTYPE (so any entity: external ones, billion laughs),
//! 10 000-deep nesting, too many elements and an oversized body are refused with a fault,
//! change nothing, and leave the server serving.

use super::faults::send;
use super::support::client::{
    account, call, json_call, post_soap, Channel, Request, ADJUST, SOAP11, SOAP12,
};
use crate::helpers::{spawn_app, TestApp};

fn attacks(soap: &str) -> Vec<(&'static str, String, &'static str)> {
    let good = Request::adjust("DS1000001", "2031-12-31").envelope(soap);
    let laughs: String = (1..10)
        .map(|i| {
            format!(
                "<!ENTITY l{i} \"&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};\">",
                p = i - 1
            )
        })
        .collect();
    let deep = format!(
        "{}{}",
        "<deb1:x>".repeat(10_000),
        "</deb1:x>".repeat(10_000)
    );
    let many = "<deb1:x/>".repeat(10_001);
    vec![
        (
            "doctype",
            format!("<!DOCTYPE soapenv:Envelope>{good}"),
            "DOCTYPE",
        ),
        (
            "external entity",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}",
                good.replace(">ds-gym<", ">&x;<")
            ),
            "DOCTYPE",
        ),
        (
            "billion laughs",
            format!(
                "<!DOCTYPE d [<!ENTITY l0 \"lol\">{laughs}]>{}",
                good.replace(">ds-gym<", ">&l9;<")
            ),
            "DOCTYPE",
        ),
        (
            "deep nesting",
            good.replace("<deb:request>", &format!("<deb:request>{deep}")),
            "nest deeper than",
        ),
        (
            "too many elements",
            good.replace("<deb:request>", &format!("<deb:request>{many}")),
            "more than 10000 elements",
        ),
    ]
}

async fn still_serving(app: &TestApp) {
    assert_eq!(
        account(app, "acme", "DS1000001").await.termination_date,
        None,
        "changed"
    );
    let ok = call(app, Channel::Soap11, &Request::get_account("DS1000001")).await;
    assert_eq!(ok.codes(), ["00"]);
}

#[tokio::test]
async fn hostile_xml_is_a_sender_fault_that_changes_nothing() {
    let app = spawn_app().await;
    for soap in [SOAP11, SOAP12] {
        for (name, envelope, reason) in attacks(soap) {
            let f = send(&app, soap, envelope).await;
            let expected = if soap == SOAP11 {
                (500, "Client")
            } else {
                (400, "Sender")
            };
            assert_eq!((f.http, f.code.as_str()), expected, "{name}");
            assert!(f.reason.contains(reason), "{name}: {}", f.reason);
            assert!(!f.reason.contains("root:"), "{name} leaked a file");
            still_serving(&app).await;
        }
    }
}

#[tokio::test]
async fn hostile_xml_in_the_json_forms_xml_variant_is_refused_too() {
    let app = spawn_app().await;
    for (name, envelope, _) in attacks(SOAP11) {
        let outcome = json_call(&app, ADJUST, &envelope, "application/xml", None).await;
        assert_eq!(outcome.http, 400, "{name}");
        assert_eq!(outcome.notes[0].code, "100");
        still_serving(&app).await;
    }
}

#[tokio::test]
async fn an_oversized_body_is_a_fault_with_413_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let padding = "x".repeat(1024 * 1024);
    for (soap, content_type) in [(SOAP11, "text/xml"), (SOAP12, "application/soap+xml")] {
        let envelope = Request::adjust("DS1000001", "2031-12-31")
            .envelope(soap)
            .replace(
                "<soapenv:Header/>",
                &format!("<soapenv:Header/><!--{padding}-->"),
            );
        let (http, ct, body) = post_soap(&app, content_type, None, envelope).await;
        let f = super::faults::fault(soap, http, &ct, &body);
        assert_eq!(f.http, 413);
        assert_eq!(f.code, if soap == SOAP11 { "Client" } else { "Sender" });
        assert!(
            f.reason.contains("larger than the 1048576 bytes allowed"),
            "{}",
            f.reason
        );
        still_serving(&app).await;
    }
    let json = format!("{{\"pad\":\"{padding}\"}}");
    let outcome = json_call(&app, ADJUST, &json, "application/json", None).await;
    assert_eq!(outcome.http, 413);
    still_serving(&app).await;
}
