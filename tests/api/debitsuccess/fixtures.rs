//! The request envelopes in `fixtures/debitsuccess/`, written the way real clients write
//! them (.NET/WCF, PHP SoapClient, SoapUI, Java JAX-WS, generic SOAP 1.2), sent with the
//! headers their README lists: each one succeeds, and the reply comes in its SOAP version.

use super::support::client::{
    account, post_soap, soap_outcome, Outcome, ADJUST, CORE, GET_ACCOUNT, SOAP11, SOAP12, WCF,
};
use super::support::tree;
use super::support::xsd::Schema;
use crate::helpers::{spawn_app, TestApp};

const SOAP11_TYPE: &str = "text/xml; charset=utf-8";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/fixtures/debitsuccess/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn adjust_action() -> String {
    format!("\"{WCF}/IDSServices/{ADJUST}\"")
}

async fn send(
    app: &TestApp,
    name: &str,
    content_type: &str,
    action: Option<&str>,
    soap: &str,
) -> Outcome {
    let (http, ct, body) = post_soap(app, content_type, action, fixture(name)).await;
    soap_outcome(http, ct, body, soap)
}

/// Each fixture resets DS1000001's date to 2031-12-31; start elsewhere so the change shows.
async fn reset(app: &TestApp) {
    let acme = super::support::client::account(app, "acme", "DS1000001").await;
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move { tx.set_termination_date(acme.tenant, acme.id, None).await })
    })
    .await;
}

async fn expect_adjusted(app: &TestApp, outcome: &Outcome) {
    assert_eq!(outcome.status, "Succeed", "{}", outcome.body);
    assert_eq!(outcome.codes(), ["00"], "{}", outcome.body);
    let stored = account(app, "acme", "DS1000001").await;
    assert_eq!(stored.termination_date.unwrap().to_string(), "2031-12-31");
    reset(app).await;
}

#[tokio::test]
async fn every_client_style_fixture_is_understood() {
    let app = spawn_app().await;
    reset(&app).await;
    let action = adjust_action();
    let soap12_action =
        format!("application/soap+xml; charset=utf-8; action=\"{WCF}/IDSServices/{ADJUST}\"");
    let cases: [(&str, &str, Option<&str>, &str); 6] = [
        ("wcf-soap11.xml", SOAP11_TYPE, Some(&action), SOAP11),
        (
            "wcf-soap12.xml",
            "application/soap+xml; charset=utf-8",
            None,
            SOAP12,
        ),
        ("php-soapclient.xml", SOAP11_TYPE, Some(&action), SOAP11),
        (
            "soapui.xml",
            "text/xml;charset=UTF-8",
            Some(&action),
            SOAP11,
        ),
        (
            "java-jaxws.xml",
            "text/xml; charset=UTF-8",
            Some(&action),
            SOAP11,
        ),
        ("soap12-action-param.xml", &soap12_action, None, SOAP12),
    ];
    for (name, content_type, action, soap) in cases {
        let outcome = send(&app, name, content_type, action, soap).await;
        expect_adjusted(&app, &outcome).await;
    }
}

#[tokio::test]
async fn the_soapui_get_account_fixture_returns_the_account_with_its_products() {
    let app = spawn_app().await;
    let action = format!("\"{WCF}/IDSServices/{GET_ACCOUNT}\"");
    let outcome = send(
        &app,
        "get-account-soapui.xml",
        "text/xml;charset=UTF-8",
        Some(&action),
        SOAP11,
    )
    .await;
    assert_eq!(outcome.codes(), ["00"]);
    let account = outcome.result.unwrap().child("Account").clone();
    assert_eq!(account.child("AccountReferenceNo").text, "DS1000001");
    assert_eq!(
        account.child("ExternalAccountReferenceNo").text,
        "EXT-ALPHA-1"
    );
    assert!(!account.child("Products").children.is_empty());
}

/// The fixtures README says which envelopes the schema accepts: the validator agrees, so
/// both the README and the validator's strictness are checked.
#[tokio::test]
async fn only_the_schema_conformant_fixtures_validate_against_the_xsd() {
    let schema = Schema::contract();
    let body_child = |name: &str| {
        let envelope = tree::parse(&fixture(name));
        let body = envelope.child("Body").clone();
        body.children[0].clone()
    };
    for valid in ["wcf-soap11.xml", "wcf-soap12.xml", "get-account-soapui.xml"] {
        assert_eq!(schema.validate(&body_child(valid)), Ok(()), "{valid}");
    }
    for invalid in [
        "php-soapclient.xml",
        "java-jaxws.xml",
        "soapui.xml",
        "soap12-action-param.xml",
    ] {
        assert!(
            schema.validate(&body_child(invalid)).is_err(),
            "{invalid} validated"
        );
    }
    // The data members of the valid ones are in the Core namespace, whatever the prefixes.
    let wcf = body_child("wcf-soap12.xml");
    assert!(wcf
        .child("request")
        .children
        .iter()
        .all(|c| c.ns.as_deref() == Some(CORE)));
}
