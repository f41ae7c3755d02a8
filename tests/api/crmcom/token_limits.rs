//! Issue 13, item 4: a user's live tokens are capped (the least recently used released) and
//! logins mint at a bounded rate (CRM.COM's ServiceUnavailableException, HTTP 200).

use serde_json::json;

use super::{assert_error, assert_ok, get, login, login_as, post, BASE, LIST};
use crate::helpers::{spawn_app_with, TestApp};

async fn list_with(app: &TestApp, token: &str) -> (u16, serde_json::Value) {
    get(app, &format!("{LIST}?token={token}")).await
}

#[tokio::test]
async fn past_the_live_token_cap_the_least_recently_used_token_is_released() {
    let app = spawn_app_with(|s| s.vendors.crmcom_tokens_per_user = 2).await;
    let first = login(&app).await;
    let second = login(&app).await;
    // Using the first slides its expiry past the second's: the second is now the least
    // recently used, and the third login releases it, not the first.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_ok(list_with(&app, &first).await);
    let third = login(&app).await;
    assert_error(
        &list_with(&app, &second).await,
        "ReleasedTokenException",
        "the token has been released",
    );
    assert_ok(list_with(&app, &first).await);
    assert_ok(list_with(&app, &third).await);
    // Another user of the same organisation keeps its own allowance.
    let other = login_as(&app, "ds-readonly", "NoSoap-2024", "acme").await;
    assert_ok(list_with(&app, &other).await);
    assert_ok(list_with(&app, &first).await);
}

#[tokio::test]
async fn logging_in_faster_than_the_mint_rate_is_refused_and_writes_nothing() {
    let app = spawn_app_with(|s| {
        s.service.token_mints_per_sec = 1;
        s.service.token_mint_burst = 2;
    })
    .await;
    login(&app).await;
    login(&app).await;
    let body =
        json!({"username": "crm-agent", "password": "Crm-Pass-2024", "organisation": "acme"});
    let refused = post(&app, &format!("{BASE}/authentication/token"), &body).await;
    assert_error(
        &refused,
        "ServiceUnavailableException",
        "tokens are being requested too fast for this user; retry in 1 s",
    );
    let tenant = app
        .store()
        .read()
        .await
        .unwrap()
        .tenant_by_code(&billing_compat::domain::tenant::TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let logins = app
        .store()
        .read()
        .await
        .unwrap()
        .recent_audit(tenant, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.operation == "crmcom.authentication.token")
        .count();
    assert_eq!(
        logins, 2,
        "the refused login wrote no token and no audit row"
    );
    // Another user is not held back; the first is served again after the refill.
    login_as(&app, "ds-readonly", "NoSoap-2024", "acme").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    login(&app).await;
}
