//! Issue 13, item 4: a user's live access tokens are capped (the oldest revoked) and minting
//! is rate-limited (429 in Oracle's error shape, with `Retry-After`).

use billing_compat::domain::token::TokenKind;
use billing_compat::service::auth::hash_api_key;

use super::support::*;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn past_the_live_token_cap_the_oldest_token_is_revoked() {
    let app = spawn_app_with(|s| s.vendors.billing_care_tokens_per_user = 2).await;
    let first = acme_token(&app).await;
    let second = acme_token(&app).await;
    let third = acme_token(&app).await;
    expect_json_problem(
        cancel_json(&app, &first, SEED_BODY).await,
        401,
        "INVALID_TOKEN",
        "the access token is invalid or has expired; get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken",
    )
    .await;
    let mut tx = app.store().read().await.unwrap();
    assert!(tx
        .token(TokenKind::BillingCare, &hash_api_key(&first))
        .await
        .unwrap()
        .is_none());
    for kept in [&second, &third] {
        assert!(tx
            .token(TokenKind::BillingCare, &hash_api_key(kept))
            .await
            .unwrap()
            .is_some());
    }
    drop(tx);
    // Another user's tokens are not counted against this one.
    let globex = globex_token(&app).await;
    assert_ne!(
        cancel_json(&app, &globex, SEED_BODY)
            .await
            .status()
            .as_u16(),
        401
    );
    let events = recent_audit(&app, "acme", 1).await;
    assert_eq!(events[0].after.as_ref().unwrap()["revoked_over_cap"], 1);
}

#[tokio::test]
async fn minting_faster_than_the_rate_is_refused_with_429_and_retry_after() {
    let app = spawn_app_with(|s| {
        s.service.token_mints_per_sec = 1;
        s.service.token_mint_burst = 2;
    })
    .await;
    acme_token(&app).await;
    acme_token(&app).await;
    let tokens_before = recent_audit(&app, "acme", 10_000).await.len();
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic("bc-client", "Bc-Secret-2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    expect_json_problem(
        response,
        429,
        "TOO_MANY_REQUESTS",
        "tokens are being requested too fast for this user; retry in 1 s",
    )
    .await;
    // Nothing was written: no token, no audit row.
    assert_eq!(
        recent_audit(&app, "acme", 10_000).await.len(),
        tokens_before
    );
    // Another user has a bucket of its own.
    globex_token(&app).await;
    // After the refill a token is issued again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    acme_token(&app).await;
}
