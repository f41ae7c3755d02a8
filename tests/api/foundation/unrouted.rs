//! No empty answers (issue 14 item 5): every 404 and 405 has a body — the vendor's error
//! shape under a vendor's base path, RFC 9457 problem details elsewhere — and a 405 keeps
//! its `Allow` header.

use reqwest::{Method, Response};
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp};

const REQUEST_ID: &str = "/api/v2/request/00000000-0000-4000-8000-000000000000";

async fn call(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = app.client.request(method, app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request sent")
}

fn content_type(response: &Response) -> String {
    response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned()
}

fn allow(response: &Response) -> String {
    response.headers()["allow"].to_str().unwrap().to_owned()
}

/// The status, and the body, which must not be empty.
async fn answered(response: Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let body = response.text().await.unwrap();
    assert!(!body.is_empty());
    body
}

async fn json(response: Response, status: u16) -> Value {
    serde_json::from_str(&answered(response, status).await).unwrap()
}

#[tokio::test]
async fn unknown_paths_elsewhere_are_problem_json_or_xml_per_accept() {
    let app = spawn_app().await;
    let response = call(&app, Method::GET, "/no/such/path", &[]).await;
    assert_eq!(content_type(&response), "application/problem+json");
    let problem = json(response, 404).await;
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], "Not Found");
    assert_eq!(problem["status"], 404);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("/no/such/path"));

    let accept = [("Accept", "application/problem+xml")];
    let response = call(&app, Method::GET, "/no/such/path", &accept).await;
    assert_eq!(content_type(&response), "application/problem+xml");
    let xml = answered(response, 404).await;
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><problem xmlns=\"urn:ietf:rfc:7807\">\
             <type>about:blank</type><title>Not Found</title><status>404</status><detail>"
        ),
        "{xml}"
    );
    assert!(xml.ends_with("</detail></problem>"), "{xml}");
}

#[tokio::test]
async fn wrong_methods_elsewhere_are_problems_that_keep_allow() {
    let app = spawn_app().await;
    let response = call(&app, Method::DELETE, "/healthz", &[]).await;
    assert_eq!(allow(&response), "GET");
    assert_eq!(content_type(&response), "application/problem+json");
    let problem = json(response, 405).await;
    assert_eq!(problem["title"], "Method Not Allowed");
    assert_eq!(
        problem["detail"],
        "/healthz does not take DELETE; it takes GET."
    );

    let accept = [("Accept", "application/problem+xml")];
    let response = call(&app, Method::POST, "/openapi.json", &accept).await;
    assert_eq!(allow(&response), "GET");
    assert_eq!(content_type(&response), "application/problem+xml");
    assert!(answered(response, 405)
        .await
        .contains("<status>405</status>"));
}

#[tokio::test]
async fn flolive_misses_are_naks() {
    let app = spawn_app().await;
    let response = call(&app, Method::GET, "/api/v2/customer", &[]).await;
    assert_eq!(content_type(&response), "application/json");
    let nak = json(response, 404).await;
    assert_eq!(nak["errorCode"], "GLOBAL_1002");
    assert_eq!(nak["errorMessage"], "Resource not found");
    assert_eq!(nak["content"], "");
    assert_eq!(nak["pageable"], Value::Null);
    assert!(!nak["errorDetails"].as_str().unwrap().is_empty());

    let accept = [("Accept", "application/xml")];
    let response = call(&app, Method::POST, REQUEST_ID, &accept).await;
    assert_eq!(allow(&response), "GET");
    let xml = answered(response, 405).await;
    assert!(
        xml.contains("<response><errorCode>GLOBAL_1003</errorCode><errorMessage>Method not allowed</errorMessage>"),
        "{xml}"
    );
}

#[tokio::test]
async fn crmcom_misses_are_envelopes() {
    let app = spawn_app().await;
    let response = call(&app, Method::POST, "/crmapi/rest/v2/nothing/here", &[]).await;
    let envelope = json(response, 404).await;
    assert_eq!(envelope["data"], Value::Null);
    assert_eq!(envelope["status"]["code"], "MethodNotFoundException");
    assert!(!envelope["status"]["message"].as_str().unwrap().is_empty());

    let path = "/crmapi/rest/v2/authentication/token";
    let response = call(&app, Method::GET, path, &[]).await;
    assert_eq!(allow(&response), "POST");
    let envelope = json(response, 405).await;
    assert_eq!(envelope["status"]["code"], "HttpMethodNotAllowedException");
}

#[tokio::test]
async fn billing_care_misses_are_oracle_errors() {
    let app = spawn_app().await;
    let response = call(&app, Method::GET, "/bcws/webresources/v1.0/nope", &[]).await;
    let error = json(response, 404).await;
    assert_eq!(error["o:errorCode"], "NOT_FOUND");
    assert_eq!(error["status"], 404);
    assert_eq!(error["title"], "Not Found");

    let path = "/bcws/webresources/v1.0/authentication/queryAccessToken";
    let accept = [("Accept", "application/xml")];
    let response = call(&app, Method::POST, path, &accept).await;
    assert_eq!(allow(&response), "GET");
    let xml = answered(response, 405).await;
    assert!(
        xml.contains(
            "<type>http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.6</type>"
        ),
        "{xml}"
    );
    assert!(
        xml.ends_with("<o:errorCode>METHOD_NOT_ALLOWED</o:errorCode></error>"),
        "{xml}"
    );
}

#[tokio::test]
async fn verizon_misses_are_mef_errors() {
    use crate::verizon::support::assert_mef;
    let app = spawn_app().await;
    let response = call(&app, Method::POST, "/proquest/nothing", &[]).await;
    assert_mef(response, 404, "notFound").await;

    let path = "/proquest/disconnectCustomerConfirmation";
    let response = call(&app, Method::GET, path, &[]).await;
    assert_eq!(allow(&response), "POST");
    let reason = assert_mef(response, 405, "methodNotAllowed").await;
    assert_eq!(reason, format!("{path} does not take GET; it takes POST."));
}

#[tokio::test]
async fn debitsuccess_misses_are_soap_faults_of_the_callers_version() {
    let app = spawn_app().await;
    let soap11 = [("Content-Type", "text/xml; charset=utf-8")];
    let response = call(&app, Method::POST, "/DSWebService/Other.svc", &soap11).await;
    assert_eq!(content_type(&response), "text/xml; charset=utf-8");
    let fault = answered(response, 404).await;
    assert!(fault.contains("<faultcode>s:Client</faultcode>"), "{fault}");
    assert!(fault.contains("/DSWebService/Other.svc"), "{fault}");

    let soap12 = [("Content-Type", "application/soap+xml; charset=utf-8")];
    let response = call(&app, Method::POST, "/DSWebService/Other.svc", &soap12).await;
    assert_eq!(
        content_type(&response),
        "application/soap+xml; charset=utf-8"
    );
    let fault = answered(response, 404).await;
    assert!(fault.contains("<s:Value>s:Sender</s:Value>"), "{fault}");

    let path = "/DSWebService/DSServices.svc";
    let response = call(&app, Method::PUT, path, &soap11).await;
    let allowed = allow(&response);
    assert!(
        allowed.contains("POST") && allowed.contains("GET"),
        "{allowed}"
    );
    let fault = answered(response, 405).await;
    assert!(fault.contains("<faultcode>s:Client</faultcode>"), "{fault}");
    // The JSON form's operations are POST only; a GET is a fault too.
    let json_form = "/DSWebService/DSServices.svc/json/AdjustAccountTerminationDate";
    let response = call(&app, Method::GET, json_form, &[]).await;
    assert_eq!(allow(&response), "POST");
    answered(response, 405).await;
}

#[tokio::test]
async fn head_requests_to_missing_paths_are_404_without_a_body() {
    let app = spawn_app().await;
    let response = call(&app, Method::HEAD, "/no/such/path", &[]).await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(content_type(&response), "application/problem+json");
    assert!(response.bytes().await.unwrap().is_empty());
}
