//! Calls the tests of tenants, users, accounts and audit share (docs/operations.md "Admin
//! API"): the admin API as the demo operator, and the vendor calls that show whether a
//! user's credentials work.

use serde_json::Value;

use super::support::{answer, Answer, OPERATOR};
use crate::helpers::TestApp;

pub const ADMIN: &str = "/admin/v1";

/// `METHOD /admin/v1<path>` as the demo operator, with an optional JSON body.
pub async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app
        .client
        .request(method, app.url(&format!("{ADMIN}{path}")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1));
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    answer(request.send().await.unwrap()).await
}

pub async fn get(app: &TestApp, path: &str) -> Answer {
    admin(app, "GET", path, None).await
}

pub async fn post(app: &TestApp, path: &str, body: Value) -> Answer {
    admin(app, "POST", path, Some(body)).await
}

/// `POST` without a body (the state-changing verbs: disable, rotate, issue).
pub async fn act(app: &TestApp, path: &str) -> Answer {
    admin(app, "POST", path, None).await
}

/// `method path` with a raw body as the demo operator (bad JSON and the like).
pub async fn raw(app: &TestApp, method: &str, path: &str, body: &str) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = app
        .client
        .request(method, app.url(&format!("{ADMIN}{path}")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    answer(request.send().await.unwrap()).await
}

/// A 400 problem whose detail mentions `field`.
pub fn assert_bad_request(answer: &Answer, field: &str) {
    assert_eq!(answer.status, 400, "{}", answer.json);
    assert_eq!(answer.content_type, "application/problem+json");
    let detail = answer.json["detail"].as_str().unwrap();
    assert!(detail.contains(field), "{field}: {detail}");
}

/// Creates tenant `code` and returns the reply.
pub async fn create_tenant(app: &TestApp, code: &str) -> Answer {
    let created = post(
        app,
        "/tenants",
        serde_json::json!({ "code": code, "name": format!("{code} Ltd"), "timezone": "Europe/London" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    created
}

/// Creates `username` in `tenant` allowed `apis`, with a generated password (returned).
pub async fn create_user(
    app: &TestApp,
    tenant: &str,
    username: &str,
    apis: &[&str],
) -> (Value, String) {
    let created = post(
        app,
        &format!("/tenants/{tenant}/users"),
        serde_json::json!({ "username": username, "apis": apis }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let password = created.json["password"].as_str().unwrap().to_owned();
    (created.json, password)
}

/// Billing Care's token request with Basic credentials: its HTTP status (200 signed in,
/// 401 refused). The cheapest vendor call that says whether a password works.
pub async fn billing_care_sign_in(app: &TestApp, username: &str, password: &str) -> u16 {
    app.client
        .get(app.url("/bcws/webresources/v1.0/authentication/queryAccessToken"))
        .basic_auth(username, Some(password))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A Billing Care bearer token for the user (who must be allowed Billing Care).
pub async fn billing_care_token(app: &TestApp, username: &str, password: &str) -> String {
    let reply: Value = app
        .client
        .get(app.url("/bcws/webresources/v1.0/authentication/queryAccessToken"))
        .basic_auth(username, Some(password))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["access_token"].as_str().unwrap().to_owned()
}

/// Billing Care's cancel-bundle with `token` and an empty request: 401 when the token is
/// refused, 400 (the request is incomplete) when it is accepted.
pub async fn billing_care_with_token(app: &TestApp, token: &str) -> u16 {
    app.client
        .post(app.url("/bcws/webresources/v1.0/subscriptions/cancel/bundle"))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// floLIVE's request status for an unknown request, with `key` as the bearer: 401 when the
/// key is refused, 404 (a NAK) when it is accepted.
pub async fn flolive_with_key(app: &TestApp, key: &str) -> u16 {
    app.client
        .get(app.url("/api/v2/request/00000000-0000-4000-8000-000000000999"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// floLIVE's request status with Basic credentials (see [`flolive_with_key`]).
pub async fn flolive_with_password(app: &TestApp, username: &str, password: &str) -> u16 {
    app.client
        .get(app.url("/api/v2/request/00000000-0000-4000-8000-000000000999"))
        .basic_auth(username, Some(password))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The audit history of `entity` (`TYPE:ID`), every page.
pub async fn history(app: &TestApp, entity: &str) -> Vec<Value> {
    let (mut found, mut after) = (Vec::new(), "0".to_owned());
    loop {
        let page = get(
            app,
            &format!("/audit?entity={}&after={after}&limit=2", urlencode(entity)),
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.json);
        let entries = page.json["entries"].as_array().unwrap().clone();
        if entries.is_empty() {
            assert_eq!(
                page.json["next"],
                after.as_str(),
                "an empty page keeps the cursor"
            );
            return found;
        }
        after = page.json["next"].as_str().unwrap().to_owned();
        found.extend(entries);
    }
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
