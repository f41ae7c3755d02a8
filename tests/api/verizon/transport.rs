//! The negotiation layer's refusals (415, 406, 413) and XML replies, all in the MEF shape;
//! 405 for other methods.

use super::support::*;
use crate::helpers::spawn_app;

#[tokio::test]
async fn an_unsupported_content_type_is_415_in_the_mef_shape() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "externalId=9001",
        Auth::Key,
        "text/plain",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    let reason = assert_mef(response, 415, "unsupportedMediaType").await;
    assert_eq!(
        reason,
        "unsupported Content-Type 'text/plain': send application/json or application/xml"
    );
    assert_eq!(order_view(&app, "acme", 9001).await.0, "acknowledged");
}

#[tokio::test]
async fn an_unacceptable_accept_header_is_406_in_json() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(&format!("{PATH}?externalId=9001")))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/json")
        .header("Accept", "text/html")
        .body(answers(&[("CI-1", "accepted")]))
        .send()
        .await
        .unwrap();
    assert_mef(response, 406, "notAcceptable").await;
    assert_eq!(order_view(&app, "acme", 9001).await.0, "acknowledged");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let padding = "x".repeat(1024 * 1024 + 1);
    let body = format!(
        r#"{{"acknowledgementRequest":[{{"id":"{padding}","acceptanceIndicator":"accepted"}}]}}"#
    );
    let response = post(&app, "externalId=9001", Auth::Key, "application/json", body).await;
    assert_mef(response, 413, "payloadTooLarge").await;
}

/// The reply's `<error>`: exactly these four children (unknown ones are refused).
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct XmlError {
    code: String,
    reason: String,
    message: String,
    reference_error: String,
}

fn xml_error(text: &str) -> XmlError {
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><error><code>"),
        "{text}"
    );
    assert!(text.ends_with("</referenceError></error>"), "{text}");
    quick_xml::de::from_str(text).unwrap()
}

#[tokio::test]
async fn xml_requests_get_xml_errors() {
    let app = spawn_app().await;
    let body = "<disconnectCustomerConfirmation><acknowledgementRequest><id>CI-9</id>\
                <acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest>\
                </disconnectCustomerConfirmation>";
    let response = post(&app, "externalId=9001", Auth::Key, "application/xml", body).await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let error = xml_error(&response.text().await.unwrap());
    assert_eq!(error.code, "notFound");
    assert_eq!(
        error.reason,
        "Disconnect order 9001 has no charge item 'CI-9'"
    );
    assert_eq!(
        error.message,
        "Answer the order's charge items by their id."
    );
    assert_eq!(
        error.reference_error,
        app.url(&format!("{ERROR_PAGE}#notFound"))
    );
}

#[tokio::test]
async fn malformed_or_unsafe_xml_is_an_invalid_body_in_xml() {
    let app = spawn_app().await;
    for body in [
        "<disconnectCustomerConfirmation><acknowledgementRequest>",
        "<!DOCTYPE x [<!ENTITY e \"boom\">]><disconnectCustomerConfirmation/>",
    ] {
        let response = post(&app, "externalId=9001", Auth::Key, "application/xml", body).await;
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let error = xml_error(&response.text().await.unwrap());
        assert_eq!(error.code, "invalidBody", "{body}");
    }
    assert_eq!(order_view(&app, "acme", 9001).await.0, "acknowledged");
}

#[tokio::test]
async fn accept_may_ask_for_json_errors_to_an_xml_request() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(PATH))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/xml")
        .header("Accept", "application/json")
        .body("<disconnectCustomerConfirmation><acknowledgementRequest><id>CI-1</id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest></disconnectCustomerConfirmation>")
        .send()
        .await
        .unwrap();
    assert_mef(response, 400, "missingQueryParameter").await;
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url(&format!("{PATH}?externalId=9001")))
        .bearer_auth("acme-verizon-key")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

#[tokio::test]
async fn the_openapi_document_describes_the_operation_in_both_formats() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = &doc["paths"][PATH]["post"];
    assert_eq!(op["tags"], serde_json::json!(["verizon"]));
    assert_eq!(op["operationId"], "disconnectCustomerConfirmation");
    let mut statuses: Vec<&str> = op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        ["204", "400", "401", "404", "406", "408", "409", "413", "415", "422", "500", "503"]
    );
    let body = &op["requestBody"]["content"];
    assert!(body["application/json"].is_object() && body["application/xml"].is_object());
    assert!(op["responses"]["409"]["content"]["application/xml"].is_object());
    assert_eq!(
        op["security"],
        serde_json::json!([{ "verizon_basic": [] }, { "verizon_bearer": [] }])
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["verizon_basic"]["scheme"], "basic");
    assert_eq!(schemes["verizon_bearer"]["scheme"], "bearer");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["VerizonError"]["required"],
        serde_json::json!(["code", "reason", "message", "referenceError"])
    );
    assert_eq!(
        schemas["VerizonError"]["properties"]["reason"]["maxLength"],
        255
    );
    assert_eq!(
        schemas["VerizonAcceptanceIndicator"]["enum"],
        serde_json::json!(["accepted", "rejected"])
    );
    assert_eq!(
        schemas["VerizonDisconnectCustomerConfirmation"]["xml"]["name"],
        "disconnectCustomerConfirmation"
    );
}
