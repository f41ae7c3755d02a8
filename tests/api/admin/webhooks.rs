//! `/admin/v1/webhooks` (docs/events.md "Webhooks"): registering, reading and deleting
//! webhooks; the secret shown once; bad input refused with a problem.

use std::time::Duration;

use serde_json::{json, Value};

use super::support::{answer, operator_app, Answer, OPERATOR};
use crate::helpers::TestApp;

pub const WEBHOOKS: &str = "/admin/v1/webhooks";
/// A known secret (Standard Webhooks' example key), so tests can verify signatures.
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Fast delivery for tests: short idle poll and backoff, a short time-out.
pub fn quick(settings: &mut billing_compat::config::Settings) {
    let hooks = &mut settings.service.webhooks;
    hooks.idle_poll = Duration::from_millis(50);
    hooks.retry_base = Duration::from_millis(50);
    hooks.retry_cap = Duration::from_millis(200);
    hooks.timeout = Duration::from_secs(2);
}

pub async fn create(app: &TestApp, body: Value) -> Answer {
    let response = app
        .client
        .post(app.url(WEBHOOKS))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .json(&body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

pub async fn get(app: &TestApp, path: &str) -> Answer {
    let response = app
        .client
        .get(app.url(path))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// Registers a webhook to `url` with the known secret; its id.
pub async fn register(app: &TestApp, url: &str, extra: Value) -> String {
    let mut body = json!({ "url": url, "secret": SECRET });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = create(app, body).await;
    assert_eq!(created.status, 201, "{}", created.json);
    created.json["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_webhook_is_created_read_listed_and_deleted_and_its_secret_shown_once() {
    let app = operator_app(|_| {}).await;
    let created = create(
        &app,
        json!({"url": "https://example.com/hook", "event_types": ["com.billing-compat.bundle.cancelled"], "tenants": ["acme"]}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let secret = created.json["secret"].as_str().unwrap();
    // whsec_ + base64 of 24 random bytes (32 characters).
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 32,
        "{secret}"
    );
    let id = created.json["id"].as_str().unwrap();
    assert_eq!(
        created.headers["location"].to_str().unwrap(),
        format!("{WEBHOOKS}/{id}")
    );

    let one = get(&app, &format!("{WEBHOOKS}/{id}")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json["url"], "https://example.com/hook");
    assert_eq!(one.json["tenants"], json!(["acme"]));
    assert_eq!(one.json["disabled"], false);
    assert!(one.json.get("secret").is_none(), "{}", one.json);
    let all = get(&app, WEBHOOKS).await;
    assert_eq!(all.json["webhooks"].as_array().unwrap().len(), 1);
    assert!(!all.json.to_string().contains(secret));

    let deleted = app
        .client
        .delete(app.url(&format!("{WEBHOOKS}/{id}")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    let body: serde_json::Value = deleted.json().await.unwrap();
    assert_eq!(body["deleted"], true);
    assert_eq!(body["id"], id);
    assert_eq!(get(&app, &format!("{WEBHOOKS}/{id}")).await.status, 404);
    assert_eq!(get(&app, &format!("{WEBHOOKS}/nope")).await.status, 404);
}

#[tokio::test]
async fn bad_webhooks_are_refused_with_a_problem_and_nothing_is_created() {
    let app = operator_app(|_| {}).await;
    let long = format!("https://example.com/{}", "a".repeat(2000));
    for body in [
        json!({"url": "ftp://example.com/"}),
        json!({"url": "not a url"}),
        json!({"url": long}),
        json!({"url": "https://example.com/", "event_types": ["com.billing-compat.nope"]}),
        json!({"url": "https://example.com/", "tenants": ["not a code"]}),
        json!({"url": "https://example.com/", "secret": "plain"}),
        json!({"url": "https://example.com/", "colour": "red"}),
        json!({"event_types": []}),
    ] {
        let refused = create(&app, body.clone()).await;
        assert_eq!(refused.status, 400, "{body}: {}", refused.json);
        assert_eq!(refused.content_type, "application/problem+json");
    }
    assert_eq!(get(&app, WEBHOOKS).await.json["webhooks"], json!([]));
}

#[tokio::test]
async fn no_more_webhooks_than_the_cap_may_exist() {
    let app = operator_app(|settings| settings.service.webhooks.max_webhooks = 2).await;
    for n in 0..2 {
        register(&app, &format!("https://example.com/{n}"), json!({})).await;
    }
    let refused = create(&app, json!({"url": "https://example.com/2"})).await;
    // Valid in itself, refused in this state: 409, as a schema-valid request must not be 400.
    assert_eq!(refused.status, 409, "{}", refused.json);
    assert!(
        refused.json.to_string().contains("at most 2 webhooks"),
        "{}",
        refused.json
    );
    assert_eq!(
        get(&app, WEBHOOKS).await.json["webhooks"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn webhooks_are_for_operators_only() {
    let app = operator_app(|_| {}).await;
    let anonymous = app.client.get(app.url(WEBHOOKS)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let vendor_user = app
        .client
        .post(app.url(WEBHOOKS))
        .basic_auth("ds-gym", Some("Gym-Pass-2024"))
        .json(&json!({"url": "https://example.com/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(vendor_user.status().as_u16(), 401);
}
