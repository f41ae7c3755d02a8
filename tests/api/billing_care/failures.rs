//! Refusals before any rule runs: credentials, media types, size, store outages.

use std::time::Duration;

use super::support::*;
use crate::helpers::{hold_writes, spawn_app, spawn_app_with};

const HINT: &str = "get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken";

#[tokio::test]
async fn without_a_token_the_cancel_is_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let response = cancel(&app, None, "application/json", SEED_BODY).await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"billing_care\""
    );
    expect_json_problem(
        response,
        401,
        "MISSING_TOKEN",
        &format!("a bearer token is required: send Authorization: Bearer <token>; {HINT}"),
    )
    .await;
    // Basic credentials do not replace the token while tokens are required.
    let response = cancel(
        &app,
        Some(&basic("bc-client", "Bc-Secret-2024")),
        "application/xml",
        SEED_XML,
    )
    .await;
    expect_xml_problem(
        response,
        401,
        "MISSING_TOKEN",
        &format!("a bearer token is required: send Authorization: Bearer <token>; {HINT}"),
    )
    .await;
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn unknown_or_unreadable_tokens_are_401_invalid_token() {
    let app = spawn_app().await;
    for authorization in ["Bearer not-a-token", "Bearer", "Token abc"] {
        let response = cancel(&app, Some(authorization), "application/json", SEED_BODY).await;
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer realm=\"billing_care\", error=\"invalid_token\", error_description=\"The access token is invalid or has expired\"",
        );
        expect_json_problem(
            response,
            401,
            "INVALID_TOKEN",
            &format!("the access token is invalid or has expired; {HINT}"),
        )
        .await;
    }
}

#[tokio::test]
async fn credentials_are_checked_before_the_body() {
    let app = spawn_app().await;
    let response = cancel(&app, Some("Bearer nope"), "application/json", "{not json").await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn unsupported_media_types_are_415_and_unacceptable_accepts_406() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let auth = format!("Bearer {token}");
    expect_json_problem(
        cancel(&app, Some(&auth), "text/plain", SEED_BODY).await,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "unsupported Content-Type 'text/plain': send application/json or application/xml",
    )
    .await;
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .header("Accept", "text/html")
        .body(SEED_BODY)
        .send()
        .await
        .unwrap();
    expect_json_problem(
        response,
        406,
        "NOT_ACCEPTABLE",
        "none of the Accept types can be produced: ask for application/json or application/xml",
    )
    .await;
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(|s| s.body_limit = 1024).await;
    let token = acme_token(&app).await;
    let body = format!(
        "<cancelBundle><description>{}</description></cancelBundle>",
        "x".repeat(2000)
    );
    expect_xml_problem(
        cancel_xml(&app, &token, &body).await,
        413,
        "PAYLOAD_TOO_LARGE",
        "the body is larger than 1024 bytes",
    )
    .await;
}

#[tokio::test]
async fn other_methods_on_the_cancel_path_are_405_with_allow() {
    let app = spawn_app().await;
    let response = app.client.get(app.url(CANCEL)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn the_cancel_answers_503_when_the_store_is_unavailable() {
    let app = spawn_app_with(|s| {
        s.pool.max_connections = 1;
        s.pool.acquire_timeout = Duration::from_millis(300);
        s.run_worker = false;
    })
    .await;
    let token = acme_token(&app).await;
    let writes = hold_writes(&app).await;
    let response = cancel_xml(&app, &token, SEED_XML).await;
    expect_xml_problem(
        response,
        503,
        "SERVICE_UNAVAILABLE",
        "the service is temporarily unavailable; try again later",
    )
    .await;
    writes.release().await;
    // Once the store answers again, the same call goes through.
    assert_eq!(cancel_xml(&app, &token, SEED_XML).await.status(), 200);
}
