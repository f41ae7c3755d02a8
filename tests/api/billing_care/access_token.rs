//! `GET …/authentication/queryAccessToken`: Basic client credentials → bearer token.

use std::time::Duration;

use billing_compat::domain::token::TokenKind;
use billing_compat::service::auth::hash_api_key;

use super::support::*;
use crate::helpers::{hold_writes, spawn_app, spawn_app_with};

#[tokio::test]
async fn basic_client_credentials_get_a_bearer_token_for_an_hour() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields.len(), 3, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    // 256 random bits, base64url without padding.
    assert_eq!(token.len(), 43);
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
}

#[tokio::test]
async fn the_token_reply_is_xml_when_accept_asks_for_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let prefix = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><accessToken><access_token>";
    let suffix =
        "</access_token><token_type>Bearer</token_type><expires_in>3600</expires_in></accessToken>";
    assert!(text.starts_with(prefix) && text.ends_with(suffix), "{text}");
    assert_eq!(text.len(), prefix.len() + 43 + suffix.len());
}

#[tokio::test]
async fn tokens_are_stored_only_as_their_hash_and_bound_to_the_user() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let mut tx = app.store().read().await.unwrap();
    let grant = tx
        .token(TokenKind::BillingCare, &hash_api_key(&token))
        .await
        .unwrap()
        .unwrap();
    let user = tx.api_user(grant.user).await.unwrap().unwrap();
    assert_eq!(user.username.as_str(), "bc-client");
    assert_eq!(grant.tenant, tenant(&app, "acme").await);
    assert!(tx
        .token(TokenKind::BillingCare, &token)
        .await
        .unwrap()
        .is_none());
    // Each call issues a new token.
    assert_ne!(acme_token(&app).await, token);
}

#[tokio::test]
async fn issuing_a_token_is_audited_without_the_token() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let events = recent_audit(&app, "acme", 1).await;
    let event = &events[0];
    assert_eq!(event.operation, "billing_care.queryAccessToken");
    assert_eq!(event.entity_type, "api_user");
    assert!(event.after.as_ref().unwrap()["token_expires_at"].is_string());
    assert!(!event.after.as_ref().unwrap().to_string().contains(&token));
}

#[tokio::test]
async fn expiry_follows_the_setting_and_expired_tokens_are_refused_then_purged() {
    let app = spawn_app_with(|s| s.vendors.billing_care_token_ttl = Duration::from_secs(1)).await;
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    expect_json_problem(
        cancel_json(&app, &token, SEED_BODY).await,
        401,
        "INVALID_TOKEN",
        "the access token is invalid or has expired; get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken",
    )
    .await;
    // The user's next token drops the expired one from the table.
    acme_token(&app).await;
    let mut tx = app.store().read().await.unwrap();
    assert!(tx
        .token(TokenKind::BillingCare, &hash_api_key(&token))
        .await
        .unwrap()
        .is_none());
}

const BAD_CREDENTIALS: &str = "invalid client credentials: send HTTP Basic client_id:client_secret of an API user allowed the billing_care API";

#[tokio::test]
async fn wrong_unknown_or_unentitled_credentials_get_one_undifferentiated_401() {
    let app = spawn_app().await;
    for authorization in [
        Some(basic("bc-client", "wrong")),
        Some(basic("nobody", "Bc-Secret-2024")),
        // ds-gym exists but is not allowed billing_care.
        Some(basic("ds-gym", "Gym-Pass-2024")),
        Some("Bearer something".to_owned()),
        Some("Digest x".to_owned()),
        None,
    ] {
        let mut request = app.client.get(app.url(TOKEN));
        if let Some(value) = &authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.headers()["www-authenticate"],
            "Basic realm=\"billing_care\"",
            "{authorization:?}"
        );
        expect_json_problem(response, 401, "INVALID_CREDENTIALS", BAD_CREDENTIALS).await;
    }
}

#[tokio::test]
async fn refusals_follow_accept_and_unknown_accept_is_406() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    expect_xml_problem(response, 401, "INVALID_CREDENTIALS", BAD_CREDENTIALS).await;
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .header("Accept", "text/html")
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
}

#[tokio::test]
async fn other_methods_on_the_token_path_are_405_with_allow() {
    let app = spawn_app().await;
    let response = app.client.post(app.url(TOKEN)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
}

#[tokio::test]
async fn the_token_endpoint_answers_503_when_the_store_is_unavailable() {
    let app = spawn_app_with(|s| {
        s.pool.max_connections = 1;
        s.pool.acquire_timeout = Duration::from_millis(300);
        s.run_worker = false;
    })
    .await;
    let store = app.store();
    let writes = hold_writes(&app).await;
    let reader = match app.db.is_postgres() {
        true => None,
        false => Some(store.read().await.unwrap()),
    };
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .send()
        .await
        .unwrap();
    expect_json_problem(
        response,
        503,
        "SERVICE_UNAVAILABLE",
        "the service is temporarily unavailable; try again later",
    )
    .await;
    drop(reader);
    writes.release().await;
}

#[tokio::test]
async fn a_token_dies_with_its_users_billing_care_access() {
    use sqlx::Executor;
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    // An operator withdraws the API (no API does this; the table is the operator's tool).
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(app.db.url())
        .await
        .unwrap();
    conn.execute("UPDATE api_users SET apis = 'debitsuccess' WHERE username = 'bc-client'")
        .await
        .unwrap();
    expect_json_problem(
        cancel_json(&app, &token, SEED_BODY).await,
        401,
        "INVALID_TOKEN",
        "the access token is invalid or has expired; get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken",
    )
    .await;
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
}
