//! `Idempotency-Key` on the CRM.COM mutations (docs/design.md §7): a repeat replays the first reply
//! and creates nothing; the key with another body is refused with its own code.

use serde_json::{json, Value};

use super::{assert_error, assert_ok, get, login, sports_on_sub_0001, CANCEL, LIST};
use crate::helpers::{spawn_app, TestApp};

const RELEASE: &str = "/crmapi/rest/v2/authentication/token/release";

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> (u16, String) {
    let response = app
        .client
        .post(app.url(path))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_repeated_key_replays_the_same_bytes_and_creates_one_request() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let body = sports_on_sub_0001(&token);
    let first = post_with_key(&app, CANCEL, "retry-1", &body).await;
    let second = post_with_key(&app, CANCEL, "retry-1", &body).await;
    assert_eq!(first.0, 200);
    assert_eq!(first, second);
    let data = assert_ok(get(&app, &format!("{LIST}?token={token}")).await);
    assert_eq!(data.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let body = sports_on_sub_0001(&token);
    post_with_key(&app, CANCEL, "retry-2", &body).await;
    let mut other = body.clone();
    other["service_identifier"] = json!({"code": "TV-MOVIES"});
    let (status, text) = post_with_key(&app, CANCEL, "retry-2", &other).await;
    assert_error(
        &(status, serde_json::from_str(&text).unwrap()),
        "IdempotencyKeyReusedException",
        "this Idempotency-Key was already used with a different request",
    );
}

#[tokio::test]
async fn refusals_are_not_stored_so_a_corrected_retry_with_the_key_succeeds() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let mut bad = sports_on_sub_0001(&token);
    bad["service_identifier"] = json!({"code": "STB-HD"});
    let (_, text) = post_with_key(&app, CANCEL, "retry-3", &bad).await;
    assert!(text.contains("ProductNotAServiceException"), "{text}");
    // Same key, same body: judged afresh, still refused (nothing stored).
    let (_, again) = post_with_key(&app, CANCEL, "retry-3", &bad).await;
    assert_eq!(text, again);
}

#[tokio::test]
async fn a_bad_key_is_an_invalid_parameter() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let (status, text) =
        post_with_key(&app, CANCEL, &"k".repeat(256), &sports_on_sub_0001(&token)).await;
    assert_error(
        &(status, serde_json::from_str(&text).unwrap()),
        "InvalidParameterException",
        "Idempotency-Key: must be 1-255 visible ASCII characters",
    );
}

#[tokio::test]
async fn a_release_retried_with_its_key_replays_ok() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let body = json!({ "token": token });
    let first = post_with_key(&app, RELEASE, "bye-1", &body).await;
    let second = post_with_key(&app, RELEASE, "bye-1", &body).await;
    assert_eq!(first, second);
    assert!(first.1.contains("\"code\":\"OK\""), "{}", first.1);
    // Without the key the token is reported released.
    let (_, text) = post_with_key(&app, RELEASE, "bye-2", &body).await;
    assert!(text.contains("ReleasedTokenException"), "{text}");
}
