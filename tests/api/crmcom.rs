//! CRM.COM (docs/design.md §6.3, the CRM.COM *cancel_subscriptions* page): token login and release, Conax provisioning requests.
//! Helpers shared by the files below.

mod authentication;
mod availability;
mod concurrency;
mod idempotency;
mod provisioning;
mod queries;
mod rules;
mod token_limits;
mod tokens;

use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const BASE: &str = "/crmapi/rest/v2";
pub const CANCEL: &str = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/cancel_subscriptions";
pub const ADD: &str = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/add_subscriptions";
pub const SHOW: &str = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/show";
pub const LIST: &str = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/list";

/// Demo ids (fixtures/demo.yaml).
pub const SUB_0001: &str = "d0000000-0000-4000-8000-000000000001";
pub const TV_SPORTS: &str = "b0000000-0000-4000-8000-000000000003";
pub const SC_000111: &str = "e0000000-0000-4000-8000-000000000001";
pub const GLOBEX_SUB_0001: &str = "d0000000-0000-4000-8000-000000000101";

/// POSTs `body` as JSON; returns the HTTP status and the parsed reply.
pub async fn post(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// GETs `path_and_query`; returns the HTTP status and the parsed reply.
pub async fn get(app: &TestApp, path_and_query: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path_and_query))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Logs in and returns the token.
pub async fn login_as(app: &TestApp, username: &str, password: &str, organisation: &str) -> String {
    let (status, reply) = post(
        app,
        &format!("{BASE}/authentication/token"),
        &json!({"username": username, "password": password, "organisation": organisation}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    reply["data"]["token"].as_str().unwrap().to_owned()
}

/// crm-agent of acme.
pub async fn login(app: &TestApp) -> String {
    login_as(app, "crm-agent", "Crm-Pass-2024", "acme").await
}

/// The seed's request against the demo data: SUB-0001, TV-SPORTS, smartcard SC-000111.
pub fn sports_on_sub_0001(token: &str) -> Value {
    json!({
        "token": token,
        "subscription_identifier": {"number": "SUB-0001"},
        "service_identifier": {"code": "TV-SPORTS"},
        "smartcard_identifier": {"serial_number": "SC-000111"},
    })
}

/// Asserts an error reply: HTTP 200, `data` null, the code, and the message.
#[track_caller]
pub fn assert_error(reply: &(u16, Value), code: &str, message: &str) {
    let (status, body) = reply;
    assert_eq!(*status, 200, "{body}");
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(body["status"]["code"], code, "{body}");
    assert_eq!(body["status"]["message"], message, "{body}");
    assert!(
        !body["status"]["description"]
            .as_str()
            .unwrap_or("")
            .is_empty(),
        "{body}"
    );
}

/// Asserts a success reply and returns its `data`.
#[track_caller]
pub fn assert_ok(reply: (u16, Value)) -> Value {
    let (status, body) = reply;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["status"],
        json!({"code": "OK", "message": "", "description": ""}),
        "{body}"
    );
    body["data"].clone()
}
