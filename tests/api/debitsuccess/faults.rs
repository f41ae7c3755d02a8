//! SOAP faults, only for protocol problems (docs/design.md §6.1): VersionMismatch, MustUnderstand,
//! Client/Sender and Server/Receiver, with each version's HTTP status and content type.
//! A fault never changes anything.

use super::support::client::{
    account, json_call, post_soap, soap_outcome, Request, ADJUST, SOAP11, SOAP12, WCF,
};
use super::support::tree;
use crate::helpers::{spawn_app, TestApp};

#[derive(Debug, PartialEq, Eq)]
pub struct Fault {
    pub http: u16,
    /// The code's local part (`Client`, `Sender`, `VersionMismatch`, …).
    pub code: String,
    pub reason: String,
}

/// Reads a fault reply of `soap`'s version, checking its content type and that the code's
/// prefix is bound to the envelope namespace.
pub fn fault(soap: &str, http: u16, content_type: &str, body: &str) -> Fault {
    let expected_type = if soap == SOAP11 {
        "text/xml; charset=utf-8"
    } else {
        "application/soap+xml; charset=utf-8"
    };
    assert_eq!(content_type, expected_type, "{body}");
    let envelope = tree::parse(body);
    assert!(envelope.is(soap, "Envelope"), "{body}");
    let fault = envelope.child("Body").child("Fault");
    assert!(fault.is(soap, "Fault"));
    let (code, reason) = if soap == SOAP11 {
        (
            fault.child("faultcode").text.clone(),
            fault.child("faultstring").text.clone(),
        )
    } else {
        let value = fault.child("Code").child("Value");
        (
            value.text.clone(),
            fault.child("Reason").child("Text").text.clone(),
        )
    };
    let (prefix, local) = code.split_once(':').expect("a prefixed QName");
    assert!(
        body.contains(&format!("xmlns:{prefix}=\"{soap}\"")),
        "{body}"
    );
    Fault {
        http,
        code: local.to_owned(),
        reason,
    }
}

pub async fn send(app: &TestApp, soap: &str, envelope: String) -> Fault {
    let content_type = if soap == SOAP11 {
        "text/xml; charset=utf-8"
    } else {
        "application/soap+xml; charset=utf-8"
    };
    let (http, ct, body) = post_soap(app, content_type, None, envelope).await;
    fault(soap, http, &ct, &body)
}

fn sender_code(soap: &str) -> (&'static str, u16) {
    if soap == SOAP11 {
        ("Client", 500)
    } else {
        ("Sender", 400)
    }
}

#[tokio::test]
async fn an_envelope_of_the_other_version_or_namespace_is_a_version_mismatch() {
    let app = spawn_app().await;
    let request = Request::adjust("DS1000001", "2031-12-31");
    let f = send(&app, SOAP11, request.envelope(SOAP12)).await;
    assert_eq!((f.http, f.code.as_str()), (500, "VersionMismatch"));
    assert!(
        f.reason.contains("send it as application/soap+xml"),
        "{}",
        f.reason
    );
    let (http, ct, body) =
        post_soap(&app, "application/soap+xml", None, request.envelope(SOAP11)).await;
    let f = fault(SOAP12, http, &ct, &body);
    assert_eq!((f.http, f.code.as_str()), (500, "VersionMismatch"));
    let upgrade = tree::parse(&body).child("Header").child("Upgrade").clone();
    assert_eq!(upgrade.children_named("SupportedEnvelope").len(), 2);
    let f = send(&app, SOAP11, request.envelope("urn:not-soap")).await;
    assert_eq!(f.code, "VersionMismatch");
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
}

#[tokio::test]
async fn a_mandatory_header_we_do_not_understand_is_a_must_understand_fault() {
    let app = spawn_app().await;
    let with_header = |soap: &str, attributes: &str| {
        Request::adjust("DS1000001", "2031-12-31").envelope(soap).replace(
            "<soapenv:Header/>",
            &format!("<soapenv:Header><w:Security xmlns:w=\"urn:wsse\" {attributes}>x</w:Security></soapenv:Header>"),
        )
    };
    for (soap, flag) in [
        (SOAP11, "1"),
        (SOAP11, "true"),
        (SOAP12, "true"),
        (SOAP12, "1"),
    ] {
        let f = send(
            &app,
            soap,
            with_header(soap, &format!("soapenv:mustUnderstand=\"{flag}\"")),
        )
        .await;
        assert_eq!(
            (f.http, f.code.as_str()),
            (500, "MustUnderstand"),
            "{soap} {flag}"
        );
        assert!(f.reason.contains("{urn:wsse}Security"));
    }
    let (http, _, body) = post_soap(
        &app,
        "application/soap+xml",
        None,
        with_header(SOAP12, "soapenv:mustUnderstand=\"true\""),
    )
    .await;
    assert_eq!(http, 500);
    let not_understood = tree::parse(&body)
        .child("Header")
        .child("NotUnderstood")
        .clone();
    let qname = not_understood.attr(None, "qname").unwrap().to_owned();
    let (prefix, local) = qname.split_once(':').unwrap();
    assert_eq!(local, "Security");
    assert!(body.contains(&format!("xmlns:{prefix}=\"urn:wsse\"")));
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
    // Not mandatory, or addressed to another node: ignored.
    for (soap, content_type, attributes) in [
        (SOAP11, "text/xml", "soapenv:mustUnderstand=\"0\""),
        (SOAP11, "text/xml", "soapenv:mustUnderstand=\"1\" soapenv:actor=\"http://example.com/other\""),
        (SOAP12, "application/soap+xml", "soapenv:mustUnderstand=\"false\""),
        (SOAP12, "application/soap+xml", "soapenv:mustUnderstand=\"true\" soapenv:role=\"http://www.w3.org/2003/05/soap-envelope/role/none\""),
    ] {
        let (http, ct, body) = post_soap(&app, content_type, None, with_header(soap, attributes)).await;
        assert_eq!(soap_outcome(http, ct, body, soap).codes(), ["00"], "{attributes}");
    }
}

#[tokio::test]
async fn messages_that_are_not_a_known_operation_are_sender_faults() {
    let app = spawn_app().await;
    for soap in [SOAP11, SOAP12] {
        let (code, http) = sender_code(soap);
        let good = Request::adjust("DS1000001", "2031-12-31").envelope(soap);
        let cases = [
            ("<foo/>".to_owned(), "not a SOAP envelope"),
            (
                format!("<e:Envelope xmlns:e=\"{soap}\"><e:Header/></e:Envelope>"),
                "has no Body",
            ),
            (
                format!("<e:Envelope xmlns:e=\"{soap}\"><e:Body>  </e:Body></e:Envelope>"),
                "Body is empty",
            ),
            (
                good.replace(&format!("deb:{ADJUST}"), "deb:CancelAccount"),
                "not an operation of IDSServices",
            ),
            (
                good.replace(
                    &format!("xmlns:deb=\"{WCF}\""),
                    "xmlns:deb=\"http://tempuri.org/\"",
                ),
                "not an operation",
            ),
            (good.replace("</soapenv:Body>", ""), "could not be read"),
            (
                good.replace("deb1:Username>ds-gym", "deb1:Username>ds&nbsp;gym"),
                "is not defined",
            ),
            (
                good.replace("xmlns:deb1=", "xmlns:other="),
                "could not be read",
            ),
            (String::new(), "empty"),
        ];
        for (envelope, reason) in cases {
            let f = send(&app, soap, envelope).await;
            assert_eq!((f.http, f.code.as_str()), (http, code), "{reason}");
            assert!(f.reason.contains(reason), "{reason}: {}", f.reason);
        }
    }
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
}

#[tokio::test]
async fn a_content_type_that_names_no_soap_version_is_refused_with_415() {
    let app = spawn_app().await;
    let envelope = Request::adjust("DS1000001", "2031-12-31").envelope(SOAP11);
    for content_type in ["application/json", "text/plain", ""] {
        let (http, ct, body) = post_soap(&app, content_type, None, envelope.clone()).await;
        let f = fault(SOAP11, http, &ct, &body);
        assert_eq!((f.http, f.code.as_str()), (415, "Client"), "{content_type}");
        assert!(f.reason.contains("was not the expected type"));
    }
}

/// A broken row is an internal error: a Server/Receiver fault (SOAP) or 500 with code 06
/// (JSON), and never its cause.
#[tokio::test]
async fn an_internal_error_is_a_server_fault_without_its_cause() {
    let app = spawn_app().await;
    {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut db = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
        sqlx::query(
            "UPDATE accounts SET start_date = 'not-a-date' WHERE reference_no = 'DS1000003'",
        )
        .execute(&mut db)
        .await
        .unwrap();
    }
    let request = Request::adjust("DS1000003", "2031-12-31");
    let f = send(&app, SOAP11, request.envelope(SOAP11)).await;
    assert_eq!((f.http, f.code.as_str()), (500, "Server"));
    assert_eq!(
        f.reason,
        "The server was unable to process the request due to an internal error."
    );
    let f = send(&app, SOAP12, request.envelope(SOAP12)).await;
    assert_eq!((f.http, f.code.as_str()), (500, "Receiver"));
    let outcome = json_call(
        &app,
        ADJUST,
        &request.json().to_string(),
        "application/json",
        None,
    )
    .await;
    assert_eq!(outcome.http, 500);
    assert_eq!(outcome.only_note(), ("06", "Unknown exception", "Error"));
    assert!(!outcome.body.contains("not-a-date"));
}
