//! Wire details: negotiation (406, XML by Accept), methods (405), the OpenAPI entries.

use super::*;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_detach_answers_in_xml_when_accept_asks_for_it() {
    let app = spawn_app().await;
    let request = app
        .client
        .delete(app.url(&detach_path(NORTH, ON_NORTH)))
        .header("Accept", "application/xml");
    let reply = send(authorize(request, PARENT_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    let request_id = super::attach::between(&reply.body, "<requestId>", "</requestId>");
    assert!(uuid::Uuid::parse_str(&request_id).is_ok());
    assert_eq!(
        reply.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><errorCode/><errorMessage/>\
             <content><requestId>{request_id}</requestId></content>\
             <pageable><page>0</page><size>10</size><totalPages>1</totalPages><totalElements>1</totalElements></pageable></response>"
        )
    );
}

#[tokio::test]
async fn an_unacceptable_accept_gets_406_in_json() {
    let app = spawn_app().await;
    let detach = app
        .client
        .delete(app.url(&detach_path(NORTH, ON_NORTH)))
        .header("Accept", "text/html");
    assert_detach_nak(&send(authorize(detach, PARENT_KEY)).await, 406, "Accept");
    let attach = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/json")
        .header("Accept", "text/html")
        .body(format!(r#"{{"productId":"{DATA_1GB}"}}"#));
    assert_attach_nak(&send(authorize(attach, PARENT_KEY)).await, 406, "Accept");
    // Answered before the credentials are looked at, as for the bodiless operations.
    let anonymous = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/json")
        .header("Accept", "text/html")
        .body("{}");
    assert_attach_nak(&send(anonymous).await, 406, "Accept");
    let status = app
        .client
        .get(app.url("/api/v2/request/ff74dca6-8e7f-4b85-a42b-13860913b370"))
        .header("Accept", "text/html");
    let reply = send(authorize(status, PARENT_KEY)).await;
    assert_nak(&reply, 406, STATUS_FAILED.0, STATUS_FAILED.1, "Accept");
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        billing_compat::domain::catalog::InstanceStatus::Active
    );
}

#[tokio::test]
async fn other_methods_on_known_paths_are_405_with_allow() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (reqwest::Method::GET, detach_path(NORTH, ON_NORTH), "DELETE"),
        (reqwest::Method::GET, attach_path(NORTH), "POST"),
        (
            reqwest::Method::DELETE,
            "/api/v2/request/x".to_owned(),
            "GET",
        ),
    ] {
        let request = app.client.request(method.clone(), app.url(&path));
        let reply = send(authorize(request, PARENT_KEY)).await;
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.headers["allow"], allow, "{method} {path}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_three_operations() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["flolive_basic"]["scheme"], "basic");
    assert_eq!(schemes["flolive_bearer"]["scheme"], "bearer");
    for (path, method, statuses) in [
        (
            "/api/v2/customer/{customerId}/detach-product/{productInstanceId}",
            "delete",
            &[
                "200", "400", "401", "403", "404", "406", "409", "422", "500", "503",
            ][..],
        ),
        (
            "/api/v2/customer/{customerId}/attach-product",
            "post",
            &[
                "200", "400", "401", "403", "404", "406", "409", "413", "415", "422", "500", "503",
            ][..],
        ),
        (
            "/api/v2/request/{requestId}",
            "get",
            &["200", "400", "401", "403", "404", "406", "500", "503"][..],
        ),
    ] {
        let operation = &doc["paths"][path][method];
        assert_eq!(operation["tags"], serde_json::json!(["flolive"]), "{path}");
        assert_eq!(
            operation["security"],
            serde_json::json!([{ "flolive_basic": [] }, { "flolive_bearer": [] }]),
            "{path}"
        );
        let documented: Vec<&str> = operation["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(documented, statuses, "{path}");
        if method != "get" {
            let key = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "Idempotency-Key")
                .unwrap_or_else(|| panic!("{path} documents Idempotency-Key"));
            assert_eq!(key["in"], "header");
            assert_eq!(key["required"], false);
            assert_eq!(key["schema"]["type"], "string", "a header is never null");
        }
        let ok = &operation["responses"]["200"]["content"];
        assert!(ok["application/json"].is_object() && ok["application/xml"].is_object());
    }
    let body = &doc["paths"]["/api/v2/customer/{customerId}/attach-product"]["post"]["requestBody"]
        ["content"];
    assert!(body["application/json"].is_object() && body["application/xml"].is_object());
}
