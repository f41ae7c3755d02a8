//! `Idempotency-Key` on attach and detach (docs/design.md §7): the first reply is replayed, the
//! effect happens once, a key reused with another request is refused with 422.

use serde_json::json;

use super::*;
use crate::helpers::spawn_app;

async fn detach_with_key(app: &TestApp, key: &str, customer: &str, instance: &str) -> Reply {
    let request = app
        .client
        .delete(app.url(&detach_path(customer, instance)))
        .header("Idempotency-Key", key);
    send(authorize(request, PARENT_KEY)).await
}

async fn attach_with_key(app: &TestApp, key: &str, body: Value) -> Reply {
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(body.to_string());
    send(authorize(request, PARENT_KEY)).await
}

#[tokio::test]
async fn a_repeated_detach_with_its_key_replays_the_ack_and_detaches_once() {
    let app = spawn_app().await;
    let first = detach_with_key(&app, "detach-1", NORTH, ON_NORTH).await;
    assert_eq!(first.status, 200, "{}", first.body);
    completed(&app, PARENT_KEY, &first.request_id()).await;
    // Even after completion the retry gets the same ACK, not "already detached".
    let again = detach_with_key(&app, "detach-1", NORTH, ON_NORTH).await;
    assert_eq!((again.status, &again.body), (200, &first.body));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM operation_requests").await,
        1
    );
    // Without the key the same call is a second detach, refused.
    let plain = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_detach_nak(&plain, 400, "was already detached by request");
}

#[tokio::test]
async fn a_repeated_attach_with_its_key_creates_one_instance() {
    let app = spawn_app().await;
    let body = json!({ "customerId": NORTH, "productId": DATA_1GB });
    let on_north = format!("SELECT COUNT(*) FROM product_instances WHERE customer_id = '{NORTH}'");
    let before = count(&app, &on_north).await;
    let first = attach_with_key(&app, "attach-1", body.clone()).await;
    let again = attach_with_key(&app, "attach-1", body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        again.body, first.body,
        "same requestId and productInstanceId"
    );
    completed(&app, PARENT_KEY, &first.request_id()).await;
    assert_eq!(
        count(&app, &on_north).await,
        before + 1,
        "one instance created"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM operation_requests").await,
        1
    );
}

#[tokio::test]
async fn a_key_reused_with_another_request_is_refused_with_422() {
    let app = spawn_app().await;
    let first = attach_with_key(&app, "shared", json!({ "productId": DATA_1GB })).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let other = attach_with_key(&app, "shared", json!({ "productId": SIM_PLAN })).await;
    assert_attach_nak(&other, 422, "already used with a different request");
    let detach = detach_with_key(&app, "shared", NORTH, ON_NORTH).await;
    assert_detach_nak(&detach, 422, "already used with a different request");
}

#[tokio::test]
async fn refusals_are_not_stored_so_a_corrected_retry_is_judged_afresh() {
    let app = spawn_app().await;
    let refused = attach_with_key(&app, "retry", json!({ "productId": SIM_PLAN })).await;
    assert_attach_nak(&refused, 400, "SIM_PRODUCT");
    let again = attach_with_key(&app, "retry", json!({ "productId": SIM_PLAN })).await;
    assert_attach_nak(&again, 400, "SIM_PRODUCT");
}

#[tokio::test]
async fn a_malformed_key_is_refused() {
    let app = spawn_app().await;
    let reply = detach_with_key(&app, "has space", NORTH, ON_NORTH).await;
    assert_detach_nak(
        &reply,
        400,
        "invalid Idempotency-Key: must be 1-255 visible ASCII characters",
    );
    let reply = attach_with_key(&app, &"k".repeat(256), json!({ "productId": DATA_1GB })).await;
    assert_attach_nak(&reply, 400, "invalid Idempotency-Key");
}
