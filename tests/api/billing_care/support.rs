//! Requests, expected replies and store probes shared by the Billing Care tests.

use billing_compat::domain::audit::AuditEvent;
use billing_compat::domain::catalog::{Bundle, InstanceStatus};
use billing_compat::domain::ids::{ProductInstanceId, TenantId};
use billing_compat::domain::poid::Poid;
use billing_compat::domain::tenant::TenantCode;
use chrono::{DateTime, Utc};

use crate::helpers::TestApp;

pub const TOKEN: &str = "/bcws/webresources/v1.0/authentication/queryAccessToken";
pub const CANCEL: &str = "/bcws/webresources/v1.0/subscriptions/cancel/bundle";

/// The seed's example body, byte for byte (the Billing Care *Cancel a Bundle* page "Example of Request Body").
pub const SEED_BODY: &str = r#"{
"dealRef":{
"id":"0.0.0.1+-deal+41056",
"uri":null
},
"serviceRef":{
"id":"0.0.0.1+-service-email+175025",
"uri":null
},
"accountRef":{
"id":"0.0.0.1+-account+174257",
"uri":null
},
"description":"Charges monthly for 1 email account.",
"packageId":1
}"#;

/// The seed's example as XML (docs/design.md §6.4: children named as the JSON fields).
pub const SEED_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<cancelBundle>
  <dealRef><id>0.0.0.1+-deal+41056</id><uri/></dealRef>
  <serviceRef><id>0.0.0.1+-service-email+175025</id><uri/></serviceRef>
  <accountRef><id>0.0.0.1+-account+174257</id><uri/></accountRef>
  <description>Charges monthly for 1 email account.</description>
  <packageId>1</packageId>
</cancelBundle>"#;

/// Demo bundle 5001 (acme, and globex has the same POIDs) and 5002 (acme only).
pub const BUNDLE_5001: &str = "0.0.0.1+-purchased_bundle+5001";
pub const BUNDLE_5002: &str = "0.0.0.1+-purchased_bundle+5002";
/// The instance in bundle 5001 (f…0006) and in bundle 5002 (f…0020).
pub const INSTANCE_5001: &str = "f0000000-0000-4000-8000-000000000006";
pub const INSTANCE_5002: &str = "f0000000-0000-4000-8000-000000000020";

/// A JSON body for bundle 5002 on DS1000008, with extra fields merged in.
pub fn body_5002(extra: serde_json::Value) -> String {
    let mut body = serde_json::json!({
        "accountRef": {"id": "0.0.0.1+-account+174300", "uri": null},
        "serviceRef": {"id": "0.0.0.1+-service-ip+175026"},
        "dealRef": {"id": "0.0.0.1+-deal+41057"},
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            body.insert(k.clone(), v.clone());
        }
    }
    body.to_string()
}

/// Bundle 5002's body with members written as raw JSON text (their order kept).
pub fn body_5002_raw(members: &str) -> String {
    format!(
        r#"{{"accountRef":{{"id":"0.0.0.1+-account+174300","uri":null}},"serviceRef":{{"id":"0.0.0.1+-service-ip+175026"}},"dealRef":{{"id":"0.0.0.1+-deal+41057"}},{members}}}"#
    )
}

pub fn basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

/// A bearer token for `user`, through the API.
pub async fn token_for(app: &TestApp, user: &str, pass: &str) -> String {
    let response = app
        .client
        .get(app.url(TOKEN))
        .header("Authorization", basic(user, pass))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "token for {user}");
    let body: serde_json::Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

pub async fn acme_token(app: &TestApp) -> String {
    token_for(app, "bc-client", "Bc-Secret-2024").await
}

pub async fn globex_token(app: &TestApp) -> String {
    token_for(app, "gx-all", "Globex-Pass-2024").await
}

/// POSTs a cancel-bundle body with an `Authorization` value (if any).
pub async fn cancel(
    app: &TestApp,
    authorization: Option<&str>,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(CANCEL))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.send().await.unwrap()
}

pub async fn cancel_json(app: &TestApp, token: &str, body: &str) -> reqwest::Response {
    cancel(
        app,
        Some(&format!("Bearer {token}")),
        "application/json",
        body.to_owned(),
    )
    .await
}

pub async fn cancel_xml(app: &TestApp, token: &str, body: &str) -> reqwest::Response {
    cancel(
        app,
        Some(&format!("Bearer {token}")),
        "application/xml",
        body.to_owned(),
    )
    .await
}

fn type_uri(status: u16) -> String {
    let section = match status {
        400 => "10.4.1",
        401 => "10.4.2",
        404 => "10.4.5",
        406 => "10.4.7",
        409 => "10.4.10",
        413 => "10.4.14",
        415 => "10.4.16",
        500 => "10.5.1",
        503 => "10.5.4",
        429 => return "https://www.rfc-editor.org/rfc/rfc6585#section-4".to_owned(),
        other => panic!("no anchor for {other}"),
    };
    format!("http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec{section}")
}

fn title(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .unwrap()
        .canonical_reason()
        .unwrap()
}

/// Oracle's REST error, exactly as we send it in JSON (fields in Oracle's order).
pub fn json_problem(status: u16, code: &str, detail: &str) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap();
    format!(
        "{{\"type\":{},\"title\":{},\"status\":{status},\"detail\":{},\"o:errorCode\":{}}}",
        text(&type_uri(status)),
        text(title(status)),
        text(detail),
        text(code)
    )
}

/// The same error in XML.
pub fn xml_problem(status: u16, code: &str, detail: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><error xmlns:o=\"urn:billing-compat:oracle-rest-error\">\
         <type>{}</type><title>{}</title><status>{status}</status><detail>{}</detail>\
         <o:errorCode>{code}</o:errorCode></error>",
        type_uri(status),
        title(status),
        escape(detail),
    )
}

/// Asserts status, content type and the exact body.
pub async fn expect(response: reqwest::Response, status: u16, content_type: &str, body: &str) {
    assert_eq!(response.status().as_u16(), status);
    let got_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let got = response.text().await.unwrap();
    assert_eq!(got, body, "status {status}");
    assert!(
        got_type.starts_with(content_type),
        "{got_type} is not {content_type}"
    );
}

pub async fn expect_json_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
    detail: &str,
) {
    expect(
        response,
        status,
        "application/json",
        &json_problem(status, code, detail),
    )
    .await;
}

pub async fn expect_xml_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
    detail: &str,
) {
    expect(
        response,
        status,
        "application/xml",
        &xml_problem(status, code, detail),
    )
    .await;
}

pub async fn tenant(app: &TestApp, code: &str) -> TenantId {
    let mut tx = app.store().read().await.unwrap();
    tx.tenant_by_code(&TenantCode::parse(code).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn bundle(app: &TestApp, tenant_code: &str, poid: &str) -> Bundle {
    let tenant = tenant(app, tenant_code).await;
    let mut tx = app.store().read().await.unwrap();
    tx.bundle_by_poid(tenant, &Poid::parse(poid).unwrap())
        .await
        .unwrap()
        .unwrap()
}

/// An instance's status as every API reads it at `at` (docs/design.md §3: derived from dates).
pub async fn status_at(
    app: &TestApp,
    tenant_code: &str,
    instance: &str,
    at: DateTime<Utc>,
) -> InstanceStatus {
    let tenant = tenant(app, tenant_code).await;
    let mut tx = app.store().read().await.unwrap();
    let instance = tx
        .product_instance(tenant, ProductInstanceId::parse(instance).unwrap())
        .await
        .unwrap()
        .unwrap();
    let bundle = match instance.bundle {
        Some(id) => tx.bundle(tenant, id).await.unwrap(),
        None => None,
    };
    instance.effective_status(bundle.as_ref(), at)
}

pub async fn recent_audit(app: &TestApp, tenant_code: &str, limit: i64) -> Vec<AuditEvent> {
    let tenant = tenant(app, tenant_code).await;
    let mut tx = app.store().read().await.unwrap();
    tx.recent_audit(tenant, limit).await.unwrap()
}
