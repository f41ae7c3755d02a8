//! Token life: idle expiry that each use slides, release, and the distinct codes of unusable
//! tokens on every method that takes one.

use std::time::Duration;

use serde_json::json;

use super::{assert_error, assert_ok, get, login, post, sports_on_sub_0001, CANCEL, LIST};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const RELEASE: &str = "/crmapi/rest/v2/authentication/token/release";

async fn list_with(app: &TestApp, token: &str) -> (u16, serde_json::Value) {
    get(app, &format!("{LIST}?token={token}")).await
}

#[tokio::test]
async fn a_token_expires_after_its_idle_time_and_says_so() {
    let app = spawn_app_with(|s| s.vendors.crmcom_token_idle = Duration::from_secs(2)).await;
    let token = login(&app).await;
    assert_ok(list_with(&app, &token).await);
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let expired = "the token has expired after its idle time; log in again";
    assert_error(
        &list_with(&app, &token).await,
        "ExpiredTokenException",
        expired,
    );
    assert_error(
        &post(&app, CANCEL, &sports_on_sub_0001(&token)).await,
        "ExpiredTokenException",
        expired,
    );
    assert_error(
        &post(&app, RELEASE, &json!({ "token": token })).await,
        "ExpiredTokenException",
        expired,
    );
}

#[tokio::test]
async fn each_use_slides_the_idle_expiry() {
    let app = spawn_app_with(|s| s.vendors.crmcom_token_idle = Duration::from_secs(3)).await;
    let token = login(&app).await;
    // Four uses 1.5 s apart: 6 s in all, twice the idle time, never 3 s idle.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_ok(list_with(&app, &token).await);
    }
    tokio::time::sleep(Duration::from_millis(3300)).await;
    assert_error(
        &list_with(&app, &token).await,
        "ExpiredTokenException",
        "the token has expired after its idle time; log in again",
    );
}

#[tokio::test]
async fn a_released_token_is_refused_everywhere_with_its_own_code() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let other = login(&app).await;
    let data = assert_ok(post(&app, RELEASE, &json!({ "token": token })).await);
    assert_eq!(data, json!({}));
    let released = "the token has been released";
    assert_error(
        &list_with(&app, &token).await,
        "ReleasedTokenException",
        released,
    );
    assert_error(
        &post(&app, CANCEL, &sports_on_sub_0001(&token)).await,
        "ReleasedTokenException",
        released,
    );
    assert_error(
        &post(&app, RELEASE, &json!({ "token": token })).await,
        "ReleasedTokenException",
        released,
    );
    // Releasing one token leaves the user's other tokens alone.
    assert_ok(list_with(&app, &other).await);
}

#[tokio::test]
async fn missing_and_unknown_tokens_are_invalid_tokens() {
    let app = spawn_app().await;
    let unknown = "0".repeat(64);
    for body in [
        json!({}),
        json!({ "token": "" }),
        json!({ "token": unknown }),
    ] {
        let expected = if body.get("token").is_some_and(|t| t == &json!(unknown)) {
            "the token is not valid"
        } else {
            "token is mandatory"
        };
        assert_error(
            &post(&app, RELEASE, &body).await,
            "InvalidTokenException",
            expected,
        );
        let mut cancel = sports_on_sub_0001("");
        match body.get("token") {
            Some(t) => cancel["token"] = t.clone(),
            None => {
                cancel.as_object_mut().unwrap().remove("token");
            }
        }
        assert_error(
            &post(&app, CANCEL, &cancel).await,
            "InvalidTokenException",
            expected,
        );
    }
    assert_error(
        &get(&app, LIST).await,
        "InvalidTokenException",
        "token is mandatory",
    );
    assert_error(
        &list_with(&app, &unknown).await,
        "InvalidTokenException",
        "the token is not valid",
    );
}

#[tokio::test]
async fn the_token_is_checked_before_anything_else() {
    let app = spawn_app().await;
    // Every identifier is missing, but the token problem is what is reported.
    assert_error(
        &post(&app, CANCEL, &json!({ "token": "nope" })).await,
        "InvalidTokenException",
        "the token is not valid",
    );
}

#[tokio::test]
async fn a_token_stops_working_when_its_user_loses_crmcom() {
    let app = spawn_app().await;
    let token = login(&app).await;
    assert_ok(list_with(&app, &token).await);
    // No API changes a user's APIs: an operator does it in the database.
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    sqlx::query("UPDATE api_users SET apis = 'debitsuccess' WHERE username = 'crm-agent'")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_error(
        &list_with(&app, &token).await,
        "InvalidTokenException",
        "the token is not valid",
    );
}

#[tokio::test]
async fn release_works_in_xml() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let response = app
        .client
        .post(app.url(RELEASE))
        .header("Content-Type", "application/xml")
        .body(format!("<request><token>{token}</token></request>"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><data/><status><code>OK</code>\
         <message/><description/></status></response>"
    );
    assert_error(
        &list_with(&app, &token).await,
        "ReleasedTokenException",
        "the token has been released",
    );
}
