//! Calls and look-ups the Verizon tests share.

use std::sync::Arc;

use billing_compat::domain::account::{Account, AccountReferenceNo};
use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::clock::Clock;
use billing_compat::domain::disconnect::{DisconnectOrder, ExternalId};
use billing_compat::domain::ids::{ProductInstanceId, TenantId};
use billing_compat::domain::store::Store;
use billing_compat::domain::tenant::TenantCode;
use chrono::{DateTime, Utc};
use reqwest::Response;
use serde_json::Value;

use crate::helpers::TestApp;

pub const PATH: &str = "/proquest/disconnectCustomerConfirmation";
/// The page every `referenceError` points into, one anchor per code (docs/verizon.md).
pub const ERROR_PAGE: &str = "/docs/verizon/errors";
/// The demo instances order 9001 (account DS1000008) takes down.
pub const INSTANCES_9001: [&str; 2] = [
    "f0000000-0000-4000-8000-000000000020",
    "f0000000-0000-4000-8000-000000000021",
];

#[derive(Clone, Copy, Debug)]
pub enum Auth {
    /// acme's `acme-verizon-key` as a Bearer token.
    Key,
    /// `vz-partner` / `Vz-Pass-2024` over HTTP Basic.
    Basic,
    /// globex's `globex-all-key`.
    Globex,
    None,
    Header(&'static str),
}

/// `{"acknowledgementRequest":[{"id","acceptanceIndicator"}…]}`.
pub fn answers(items: &[(&str, &str)]) -> String {
    let items: Vec<Value> = items
        .iter()
        .map(|(id, answer)| serde_json::json!({ "id": id, "acceptanceIndicator": answer }))
        .collect();
    serde_json::json!({ "acknowledgementRequest": items }).to_string()
}

/// POSTs `body` as `content_type` to the operation with `query` (e.g. `externalId=9001`).
pub async fn post(
    app: &TestApp,
    query: &str,
    auth: Auth,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> Response {
    let url = match query {
        "" => app.url(PATH),
        q => app.url(&format!("{PATH}?{q}")),
    };
    let request = app
        .client
        .post(url)
        .header("Content-Type", content_type)
        .body(body);
    let request = match auth {
        Auth::Key => request.bearer_auth("acme-verizon-key"),
        Auth::Basic => request.basic_auth("vz-partner", Some("Vz-Pass-2024")),
        Auth::Globex => request.bearer_auth("globex-all-key"),
        Auth::None => request,
        Auth::Header(value) => request.header("Authorization", value),
    };
    request.send().await.expect("request sent")
}

/// Answers order `external_id` with JSON over the API key.
pub async fn confirm(app: &TestApp, external_id: i64, items: &[(&str, &str)]) -> Response {
    post(
        app,
        &format!("externalId={external_id}"),
        Auth::Key,
        "application/json",
        answers(items),
    )
    .await
}

/// Asserts a 204 with an empty body.
pub async fn assert_no_content(response: Response) {
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.headers().get("content-type").is_none());
    assert_eq!(response.bytes().await.unwrap().len(), 0);
}

/// Asserts a JSON MEF error with exactly `code`, `reason`, `message`, `referenceError`,
/// and returns its reason.
pub async fn assert_mef(response: Response, status: u16, code: &str) -> String {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: Value = response.json().await.unwrap();
    let object = body.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "message", "reason", "referenceError"],
        "{body}"
    );
    assert_eq!(body["code"], code, "{body}");
    assert_reference_error(body["referenceError"].as_str().unwrap(), code);
    let reason = body["reason"].as_str().unwrap().to_owned();
    assert!(!reason.is_empty() && reason.chars().count() <= 255);
    assert!(!body["message"].as_str().unwrap().is_empty());
    reason
}

/// `referenceError` is this server's error page with `code` as its fragment, absolute.
pub fn assert_reference_error(reference: &str, code: &str) {
    assert!(reference.starts_with("http://127.0.0.1:"), "{reference}");
    assert!(
        reference.ends_with(&format!("{ERROR_PAGE}#{code}")),
        "{reference}"
    );
}

pub async fn tenant(store: &dyn Store, code: &str) -> TenantId {
    store
        .read()
        .await
        .unwrap()
        .tenant_by_code(&TenantCode::parse(code).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn order(app: &TestApp, code: &str, external_id: i64) -> DisconnectOrder {
    let tenant = tenant(app.store().as_ref(), code).await;
    app.store()
        .read()
        .await
        .unwrap()
        .disconnect_order_by_external_id(tenant, ExternalId::new(external_id).unwrap())
        .await
        .unwrap()
        .unwrap()
}

/// `(state, [(item, acceptance)…])` of an order, for compact assertions.
pub async fn order_view(
    app: &TestApp,
    code: &str,
    external_id: i64,
) -> (String, Vec<(String, String)>) {
    let order = order(app, code, external_id).await;
    (
        order.state.as_str().to_owned(),
        order
            .charge_items
            .iter()
            .map(|i| (i.id.clone(), i.acceptance.as_str().to_owned()))
            .collect(),
    )
}

pub async fn account(app: &TestApp, code: &str, reference: &str) -> Account {
    let tenant = tenant(app.store().as_ref(), code).await;
    app.store()
        .read()
        .await
        .unwrap()
        .account_by_reference(tenant, &AccountReferenceNo::parse(reference).unwrap())
        .await
        .unwrap()
        .unwrap()
}

pub async fn instance_status(app: &TestApp, code: &str, id: &str) -> InstanceStatus {
    let tenant = tenant(app.store().as_ref(), code).await;
    app.store()
        .read()
        .await
        .unwrap()
        .product_instance(tenant, ProductInstanceId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap()
        .status
}

/// Rows of the jobs table of the disconnect kind (any status).
pub async fn disconnect_jobs(app: &TestApp) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE kind = 'verizon.disconnect'")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// Audit rows of a tenant.
pub async fn audit_count(app: &TestApp, code: &str) -> usize {
    let tenant = tenant(app.store().as_ref(), code).await;
    app.store()
        .read()
        .await
        .unwrap()
        .recent_audit(tenant, 1000)
        .await
        .unwrap()
        .len()
}

/// Waits for the worker to finish order `external_id`.
pub async fn completed(app: &TestApp, code: &str, external_id: i64) -> bool {
    crate::helpers::eventually(10, || async {
        order(app, code, external_id).await.state.as_str() == "completed"
    })
    .await
}

/// A clock stopped at one instant.
pub struct Fixed(pub DateTime<Utc>);

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub fn fixed(at: DateTime<Utc>) -> Arc<dyn Clock> {
    Arc::new(Fixed(at))
}
