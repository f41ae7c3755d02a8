//! Attach Customer Product: `{customerId, productId}` → `{requestId, productInstanceId}`,
//! same eligibility and planType rules as the detach; the queue creates the instance.

use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::ids::{CustomerId, ProductId};
use serde_json::json;

use super::*;
use crate::helpers::spawn_app;

fn body(customer: &str, product: &str) -> Value {
    json!({ "customerId": customer, "productId": product })
}

#[tokio::test]
async fn a_parent_attaches_an_account_product_and_the_queue_creates_the_instance() {
    let app = spawn_app().await;
    let reply = attach(&app, PARENT_KEY, SOUTH, body(SOUTH, DATA_1GB)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let item = reply.item();
    let request_id = item["requestId"].as_str().unwrap().to_owned();
    let instance_id = item["productInstanceId"].as_str().unwrap().to_owned();
    assert_eq!(
        reply.body,
        format!(
            r#"{{"errorCode":"","errorMessage":"","content":[{{"requestId":"{request_id}","productInstanceId":"{instance_id}"}}],"pageable":{{"page":0,"size":10,"totalPages":1,"totalElements":1}}}}"#
        )
    );
    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(done["productInstanceId"], instance_id.as_str());
    let created = instance(&app, "acme", &instance_id).await.expect("created");
    assert_eq!(created.status, InstanceStatus::Active);
    assert_eq!(created.customer, CustomerId::parse(SOUTH).unwrap());
    assert_eq!(created.product, ProductId::parse(DATA_1GB).unwrap());
    assert!(created.effective_from.is_some());

    // The new instance is an attached one like any other: it can be detached.
    let reply = detach(&app, PARENT_KEY, SOUTH, &instance_id).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done = completed(&app, PARENT_KEY, &reply.request_id()).await;
    assert_eq!(done["status"], "SUCCESS");
}

#[tokio::test]
async fn the_same_product_may_be_attached_several_times() {
    let app = spawn_app().await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let reply = attach(&app, PARENT_KEY, NORTH, body(NORTH, DATA_1GB)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        completed(&app, PARENT_KEY, &reply.request_id()).await;
        instances.push(
            reply.item()["productInstanceId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_ne!(instances[0], instances[1]);
    for id in &instances {
        assert_eq!(instance_status(&app, id).await, InstanceStatus::Active);
    }
}

#[tokio::test]
async fn the_body_customer_may_be_left_out_but_may_not_differ_from_the_path() {
    let app = spawn_app().await;
    let reply = attach(&app, PARENT_KEY, NORTH, json!({ "productId": DATA_1GB })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = attach(&app, PARENT_KEY, NORTH, body(SOUTH, DATA_1GB)).await;
    assert_attach_nak(
        &reply,
        400,
        &format!("the body's customerId {SOUTH} differs from the path's customer {NORTH}"),
    );
}

#[tokio::test]
async fn products_other_than_account_products_are_refused() {
    let app = spawn_app().await;
    let reply = attach(&app, PARENT_KEY, NORTH, body(NORTH, SIM_PLAN)).await;
    assert_attach_nak(
        &reply,
        400,
        "has planType SIM_PRODUCT; only ACCOUNT_PRODUCT",
    );
    // A product without a planType is no ACCOUNT_PRODUCT either (TV-SPORTS).
    let reply = attach(
        &app,
        PARENT_KEY,
        NORTH,
        body(NORTH, "b0000000-0000-4000-8000-000000000003"),
    )
    .await;
    assert_attach_nak(&reply, 400, "has planType (none)");
}

#[tokio::test]
async fn unknown_and_other_tenants_products_are_not_found() {
    let app = spawn_app().await;
    for product in [GLOBEX_DATA_1GB, "b0000000-0000-4000-8000-0000000000ff"] {
        let reply = attach(&app, PARENT_KEY, NORTH, body(NORTH, product)).await;
        assert_attach_nak(&reply, 404, "product not found");
    }
}

#[tokio::test]
async fn only_direct_sub_customers_in_the_tenant_are_eligible() {
    let app = spawn_app().await;
    for customer in [HOLDINGS, NORTH_GYM] {
        let reply = attach(&app, PARENT_KEY, customer, body(customer, DATA_1GB)).await;
        assert_nak(
            &reply,
            403,
            "AUTH_1003",
            "Access denied",
            "not a direct sub-customer",
        );
    }
    let reply = attach(
        &app,
        PARENT_KEY,
        GLOBEX_RETAIL,
        body(GLOBEX_RETAIL, DATA_1GB),
    )
    .await;
    assert_attach_nak(&reply, 404, "customer not found");
    let reply = attach(&app, GLOBEX_KEY, NORTH, body(NORTH, DATA_1GB)).await;
    assert_attach_nak(&reply, 404, "customer not found");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM operation_requests").await,
        0,
        "nothing was accepted"
    );
}

#[tokio::test]
async fn malformed_bodies_are_refused_in_the_vendor_format() {
    let app = spawn_app().await;
    let path = attach_path(NORTH);
    let cases: [(&str, &str, u16, &str); 6] = [
        ("application/json", "{\"productId\":", 400, "the body is not valid JSON"),
        ("application/json", "{}", 400, "invalid productId: is required"),
        ("application/json", r#"{"productId":"gold"}"#, 400, "invalid product id: 'gold' is not a UUID"),
        ("application/json", r#"{"productId":7}"#, 400, "the body is not valid JSON"),
        ("text/plain", "productId=x", 415, "unsupported Content-Type 'text/plain'"),
        (
            "application/xml",
            "<!DOCTYPE a [<!ENTITY x \"y\">]><attachProduct><productId>&x;</productId></attachProduct>",
            400,
            "unsafe XML refused",
        ),
    ];
    for (content_type, text, status, details) in cases {
        let request = app
            .client
            .post(app.url(&path))
            .header("Content-Type", content_type)
            .header("Accept", "application/json")
            .body(text);
        let reply = send(authorize(request, PARENT_KEY)).await;
        assert_attach_nak(&reply, status, details);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM operation_requests").await,
        0
    );
}

#[tokio::test]
async fn credentials_are_checked_before_the_body() {
    let app = spawn_app().await;
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "text/plain")
        .body("garbage");
    let reply = send(request).await;
    assert_nak(&reply, 401, "AUTH_1001", "Authentication failed", "Basic");
}

#[tokio::test]
async fn xml_bodies_get_xml_replies_unless_accept_says_otherwise() {
    let app = spawn_app().await;
    let xml = format!(
        "<attachProduct><customerId>{NORTH}</customerId><productId>{DATA_1GB}</productId></attachProduct>"
    );
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/xml")
        .body(xml.clone());
    let reply = send(authorize(request, PARENT_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    let request_id = between(&reply.body, "<requestId>", "</requestId>");
    let instance_id = between(&reply.body, "<productInstanceId>", "</productInstanceId>");
    assert_eq!(
        reply.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><errorCode/><errorMessage/>\
             <content><requestId>{request_id}</requestId><productInstanceId>{instance_id}</productInstanceId></content>\
             <pageable><page>0</page><size>10</size><totalPages>1</totalPages><totalElements>1</totalElements></pageable></response>"
        )
    );
    // XML in, JSON out.
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/xml")
        .header("Accept", "application/json")
        .body(xml);
    let reply = send(authorize(request, PARENT_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, "application/json");
    assert!(reply.json()["content"][0]["productInstanceId"].is_string());
}

#[tokio::test]
async fn xml_refusals_are_xml_naks() {
    let app = spawn_app().await;
    let xml = format!("<attachProduct><productId>{SIM_PLAN}</productId></attachProduct>");
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/xml")
        .body(xml);
    let reply = send(authorize(request, PARENT_KEY)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    let details = between(&reply.body, "<errorDetails>", "</errorDetails>");
    assert_eq!(
        reply.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><errorCode>CUSTOMER_1048</errorCode>\
             <errorMessage>Failed to attach product</errorMessage><content/><pageable/>\
             <errorDetails>{details}</errorDetails></response>"
        )
    );
    assert!(details.contains("planType SIM_PRODUCT"), "{details}");
}

pub fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let to = from + text[from..].find(end).unwrap();
    text[from..to].to_owned()
}
