//! Envelopes of both versions: independent of prefixes, default namespaces, where the
//! declarations sit and field order; the action may be absent, empty or quoted, and the
//! reply is always in the request's SOAP version (docs/design.md §6.1).

use super::support::client::{
    account, action, post_soap, soap_outcome, Request, ADJUST, CORE, CORE_REQ, SOAP11, SOAP12, WCF,
};
use super::support::tree::{self, Node};
use crate::helpers::spawn_app;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The same request written five ways.
fn spellings(soap: &str, date: &str) -> Vec<String> {
    let fields = |p: &str| {
        format!(
            "<{p}User><{p}Password>Gym-Pass-2024</{p}Password><{p}Username>ds-gym</{p}Username></{p}User>\
             <{p}AccountReferenceNo>DS1000001</{p}AccountReferenceNo><{p}TerminationDate>{date}</{p}TerminationDate>"
        )
    };
    let reversed = format!(
        "<c:TerminationDate>{date}</c:TerminationDate><c:AccountReferenceNo>DS1000001</c:AccountReferenceNo>\
         <c:User><c:Username>ds-gym</c:Username><c:Password>Gym-Pass-2024</c:Password></c:User>"
    );
    vec![
        // prefixes everywhere, declared on the envelope
        format!(
            "<e:Envelope xmlns:e=\"{soap}\" xmlns:w=\"{WCF}\" xmlns:c=\"{CORE}\"><e:Body><w:{ADJUST}><w:request>{}</w:request></w:{ADJUST}></e:Body></e:Envelope>",
            fields("c:")
        ),
        // default namespaces switching on the way down
        format!(
            "<Envelope xmlns=\"{soap}\"><Body><{ADJUST} xmlns=\"{WCF}\"><request><User xmlns=\"{CORE}\"><Password>Gym-Pass-2024</Password><Username>ds-gym</Username></User>\
             <AccountReferenceNo xmlns=\"{CORE}\">DS1000001</AccountReferenceNo><TerminationDate xmlns=\"{CORE_REQ}\">{date}</TerminationDate></request></{ADJUST}></Body></Envelope>"
        ),
        // the same prefix rebound to different namespaces at different depths
        format!(
            "<x:Envelope xmlns:x=\"{soap}\"><x:Body><x:{ADJUST} xmlns:x=\"{WCF}\"><x:request xmlns:y=\"{CORE}\">{}</x:request></x:{ADJUST}></x:Body></x:Envelope>",
            fields("y:")
        ),
        // reversed field order, an XML declaration, comments and whitespace
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- a client --><s:Envelope xmlns:s=\"{soap}\">\n  <s:Header/>\n  <s:Body>\n    <m:{ADJUST} xmlns:m=\"{WCF}\">\n      <m:request xmlns:c=\"{CORE}\">\n        <!-- fields -->{reversed}\n      </m:request>\n    </m:{ADJUST}>\n  </s:Body>\n</s:Envelope>\n"
        ),
        // nil optional fields, unknown extra elements (ignored like WCF's ExtensionData)
        format!(
            "<s:Envelope xmlns:s=\"{soap}\"><s:Body><{ADJUST} xmlns=\"{WCF}\"><request xmlns:a=\"{CORE}\" xmlns:i=\"{XSI}\">\
             <a:DateCreated>0001-01-01T00:00:00</a:DateCreated><a:Id i:nil=\"true\"/><a:Unknown>x</a:Unknown><z:Other xmlns:z=\"urn:z\"/>{}\
             <a:ExternalAccountReferenceNo i:nil=\"true\"/></request></{ADJUST}></s:Body></s:Envelope>",
            fields("a:")
        ),
    ]
}

fn comparable(result: &Node) -> Node {
    result.without(&["DateCreated", "Id"])
}

#[tokio::test]
async fn replies_do_not_depend_on_prefixes_namespace_placement_or_field_order() {
    let app = spawn_app().await;
    for (soap, content_type) in [
        (SOAP11, "text/xml; charset=utf-8"),
        (SOAP12, "application/soap+xml; charset=utf-8"),
    ] {
        let mut replies = vec![];
        for i in 0..spellings(soap, "").len() {
            // A different date each time: every spelling really took effect.
            let date = format!("2031-12-{:02}", 20 + i);
            let envelope = spellings(soap, &date).swap_remove(i);
            let (http, ct, body) = post_soap(&app, content_type, None, envelope).await;
            let outcome = soap_outcome(http, ct, body, soap);
            assert_eq!(outcome.codes(), ["00"], "spelling {i}: {}", outcome.body);
            let stored = account(&app, "acme", "DS1000001").await;
            assert_eq!(
                stored.termination_date.unwrap().to_string(),
                date,
                "spelling {i}"
            );
            replies.push(comparable(outcome.result.as_ref().unwrap()));
        }
        assert!(replies.windows(2).all(|w| w[0] == w[1]));
    }
}

#[tokio::test]
async fn soap_actions_may_be_absent_empty_quoted_or_bare_but_not_another_operation() {
    let app = spawn_app().await;
    let request = Request::adjust("DS1000001", "2031-12-31");
    let adjust = action(ADJUST);
    for soap_action in [
        None,
        Some("\"\"".to_owned()),
        Some(String::new()),
        Some(format!("\"{adjust}\"")),
        Some(adjust.clone()),
    ] {
        let (http, ct, body) = post_soap(
            &app,
            "text/xml; charset=utf-8",
            soap_action.as_deref(),
            request.envelope(SOAP11),
        )
        .await;
        assert_eq!(
            soap_outcome(http, ct, body, SOAP11).codes(),
            ["00"],
            "{soap_action:?}"
        );
    }
    // SOAP 1.2: the action parameter, and zeep's habit of sending a SOAPAction header too.
    for content_type in [
        "application/soap+xml".to_owned(),
        "application/soap+xml; charset=utf-8; action=\"\"".to_owned(),
        format!("application/soap+xml;action={adjust};charset=utf-8"),
        format!("application/soap+xml; charset=utf-8; action=\"{adjust}\""),
    ] {
        let (http, ct, body) = post_soap(
            &app,
            &content_type,
            Some(&format!("\"{adjust}\"")),
            request.envelope(SOAP12),
        )
        .await;
        assert_eq!(
            soap_outcome(http, ct, body, SOAP12).codes(),
            ["00"],
            "{content_type}"
        );
    }
    let other = format!("\"{}\"", action("GetCustomerAccountByAccountId"));
    let before = account(&app, "acme", "DS1000002").await;
    let wrong = Request::adjust("DS1000002", "2031-12-31").envelope(SOAP11);
    let (http, ct, body) = post_soap(&app, "text/xml; charset=utf-8", Some(&other), wrong).await;
    assert_eq!((http, ct.as_str()), (500, "text/xml; charset=utf-8"));
    let fault = tree::parse(&body);
    let fault = fault.child("Body").child("Fault");
    assert_eq!(fault.child("faultcode").text, "s:Client");
    assert!(fault
        .child("faultstring")
        .text
        .contains("does not match the body element"));
    let contradiction = format!("application/soap+xml; action=\"{}\"", action("Nope"));
    let (http, _, body) = post_soap(&app, &contradiction, None, request.envelope(SOAP12)).await;
    assert_eq!(http, 400);
    assert!(body.contains("<s:Value>s:Sender</s:Value>"));
    assert_eq!(account(&app, "acme", "DS1000002").await, before);
}

#[tokio::test]
async fn a_ws_addressing_action_header_is_understood_and_checked() {
    let app = spawn_app().await;
    let wsa = "http://www.w3.org/2005/08/addressing";
    let envelope = |act: &str| {
        Request::adjust("DS1000001", "2031-12-31").envelope(SOAP12).replace(
            "<soapenv:Header/>",
            &format!("<soapenv:Header><a:Action soapenv:mustUnderstand=\"1\" xmlns:a=\"{wsa}\">{act}</a:Action>\
                      <a:To soapenv:mustUnderstand=\"true\" xmlns:a=\"{wsa}\">http://x/</a:To></soapenv:Header>"),
        )
    };
    let (http, ct, body) = post_soap(
        &app,
        "application/soap+xml",
        None,
        envelope(&action(ADJUST)),
    )
    .await;
    assert_eq!(soap_outcome(http, ct, body, SOAP12).codes(), ["00"]);
    let (http, _, body) =
        post_soap(&app, "application/soap+xml", None, envelope("urn:other")).await;
    assert_eq!(http, 400, "{body}");
}

#[tokio::test]
async fn the_reply_is_in_the_requests_soap_version() {
    let app = spawn_app().await;
    let request = Request::adjust("DS1000001", "2031-12-31");
    let (_, ct11, body11) = post_soap(&app, "text/xml", None, request.envelope(SOAP11)).await;
    let (_, ct12, body12) =
        post_soap(&app, "application/soap+xml", None, request.envelope(SOAP12)).await;
    assert_eq!(ct11, "text/xml; charset=utf-8");
    assert_eq!(ct12, "application/soap+xml; charset=utf-8");
    let (e11, e12) = (tree::parse(&body11), tree::parse(&body12));
    assert!(e11.is(SOAP11, "Envelope") && e12.is(SOAP12, "Envelope"));
    // Apart from the envelope, the two replies are the same document.
    let result = |e: &Node| comparable(&e.child("Body").children[0]);
    assert_eq!(result(&e11), result(&e12));
}

#[tokio::test]
async fn the_ds_web_service_spelling_of_one_php_client_reaches_the_same_service() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/DsWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(Request::adjust("DS1000001", "2031-12-31").envelope(SOAP11))
        .send()
        .await
        .unwrap();
    let ct = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let outcome = soap_outcome(
        response.status().as_u16(),
        ct,
        response.text().await.unwrap(),
        SOAP11,
    );
    assert_eq!(outcome.codes(), ["00"]);
    let wsdl = app
        .client
        .get(app.url("/DsWebService/DSServices.svc?wsdl"))
        .send()
        .await
        .unwrap();
    let wsdl = wsdl.text().await.unwrap();
    // The WSDL still names the canonical address.
    assert!(wsdl.contains(&format!(
        "location=\"{}\"",
        app.url(super::support::client::PATH)
    )));
}
