//! floLIVE customer products (docs/design.md §6.2, the floLIVE *Detach Customer Product* page) against the demo data: detach, attach,
//! request status, their rules and error paths, and completion by the durable queue.

mod attach;
mod auth;
mod busy;
mod completion;
mod concurrency;
mod detach;
mod idempotency;
mod request_status;
mod samples;
mod wire;

use billing_compat::domain::catalog::{InstanceStatus, ProductInstance};
use billing_compat::domain::ids::ProductInstanceId;
pub use billing_compat::domain::instance_lifecycle::InstanceEnd;
use billing_compat::domain::tenant::TenantCode;
use chrono::Utc;
use serde_json::Value;

use crate::helpers::TestApp;

// Demo data (fixtures/demo.yaml), tenant acme unless noted.
pub const HOLDINGS: &str = "c0000000-0000-4000-8000-000000000001";
pub const NORTH: &str = "c0000000-0000-4000-8000-000000000002";
pub const SOUTH: &str = "c0000000-0000-4000-8000-000000000003";
pub const NORTH_GYM: &str = "c0000000-0000-4000-8000-000000000004";
pub const GLOBEX_RETAIL: &str = "c0000000-0000-4000-8000-000000000102";
pub const DATA_1GB: &str = "b0000000-0000-4000-8000-000000000001";
pub const SIM_PLAN: &str = "b0000000-0000-4000-8000-000000000002";
pub const GLOBEX_DATA_1GB: &str = "b0000000-0000-4000-8000-000000000101";
/// FLO-DATA-1GB on Acme North, ACTIVE.
pub const ON_NORTH: &str = "f0000000-0000-4000-8000-000000000001";
/// FLO-DATA-1GB on Acme South, ACTIVE.
pub const ON_SOUTH: &str = "f0000000-0000-4000-8000-000000000002";
/// FLO-DATA-1GB on Acme North Gym (a grandchild of Holdings), ACTIVE.
pub const ON_GYM: &str = "f0000000-0000-4000-8000-000000000003";
/// FLO-SIM-PLAN (SIM_PRODUCT) on Acme North.
pub const SIM_ON_NORTH: &str = "f0000000-0000-4000-8000-000000000004";
/// FLO-DATA-1GB on Acme North, already DETACHED.
pub const DETACHED_ON_NORTH: &str = "f0000000-0000-4000-8000-000000000005";
/// EMAIL-1 (ACCOUNT_PRODUCT) on Acme North, in Billing Care bundle 5001.
pub const EMAIL_IN_BUNDLE: &str = "f0000000-0000-4000-8000-000000000006";
/// FLO-DATA-1GB on Globex Retail (tenant globex).
pub const GLOBEX_INSTANCE: &str = "f0000000-0000-4000-8000-000000000101";

pub const PARENT_KEY: Auth = Auth::Bearer("acme-flolive-key");
pub const PARENT_BASIC: Auth = Auth::Basic("flo-parent", "Flo-Pass-2024");
pub const NORTH_BASIC: Auth = Auth::Basic("flo-north", "Flo-North-2024");
pub const GLOBEX_KEY: Auth = Auth::Bearer("globex-all-key");

#[derive(Clone, Copy, Debug)]
pub enum Auth {
    Bearer(&'static str),
    Basic(&'static str, &'static str),
    /// A raw `Authorization` header value.
    Header(&'static str),
    None,
}

/// A reply as the wire carried it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The first (only) content item of an ACK.
    pub fn item(&self) -> Value {
        self.json()["content"][0].clone()
    }

    pub fn request_id(&self) -> String {
        self.item()["requestId"].as_str().unwrap().to_owned()
    }
}

pub fn authorize(request: reqwest::RequestBuilder, auth: Auth) -> reqwest::RequestBuilder {
    match auth {
        Auth::Bearer(key) => request.bearer_auth(key),
        Auth::Basic(user, pass) => request.basic_auth(user, Some(pass)),
        Auth::Header(value) => request.header("Authorization", value),
        Auth::None => request,
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.text().await.unwrap();
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

pub fn detach_path(customer: &str, instance: &str) -> String {
    format!("/api/v2/customer/{customer}/detach-product/{instance}")
}

pub fn attach_path(customer: &str) -> String {
    format!("/api/v2/customer/{customer}/attach-product")
}

pub async fn detach(app: &TestApp, auth: Auth, customer: &str, instance: &str) -> Reply {
    let request = app.client.delete(app.url(&detach_path(customer, instance)));
    send(authorize(request, auth)).await
}

pub async fn attach(app: &TestApp, auth: Auth, customer: &str, body: Value) -> Reply {
    let request = app
        .client
        .post(app.url(&attach_path(customer)))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    send(authorize(request, auth)).await
}

pub async fn request_status(app: &TestApp, auth: Auth, request_id: &str) -> Reply {
    let request = app
        .client
        .get(app.url(&format!("/api/v2/request/{request_id}")));
    send(authorize(request, auth)).await
}

/// Asserts a JSON NAK: status, code, message, the seed's empty content and null pageable,
/// and details containing `details`.
#[track_caller]
pub fn assert_nak(reply: &Reply, status: u16, code: &str, message: &str, details: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type, "application/json", "{}", reply.body);
    let json = reply.json();
    let object = json.as_object().unwrap();
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        [
            "content",
            "errorCode",
            "errorDetails",
            "errorMessage",
            "pageable"
        ],
        "exactly the NAK fields: {}",
        reply.body
    );
    assert_eq!(json["errorCode"], code, "{}", reply.body);
    assert_eq!(json["errorMessage"], message, "{}", reply.body);
    assert_eq!(json["content"], "", "{}", reply.body);
    assert!(json["pageable"].is_null(), "{}", reply.body);
    let got = json["errorDetails"].as_str().unwrap();
    assert!(got.contains(details), "details {got:?} lack {details:?}");
}

pub const DETACH_FAILED: (&str, &str) = ("CUSTOMER_1049", "Failed to detach product instance");
pub const ATTACH_FAILED: (&str, &str) = ("CUSTOMER_1048", "Failed to attach product");
pub const STATUS_FAILED: (&str, &str) = ("REQUEST_1001", "Failed to get request status");

#[track_caller]
pub fn assert_detach_nak(reply: &Reply, status: u16, details: &str) {
    assert_nak(reply, status, DETACH_FAILED.0, DETACH_FAILED.1, details);
}

#[track_caller]
pub fn assert_attach_nak(reply: &Reply, status: u16, details: &str) {
    assert_nak(reply, status, ATTACH_FAILED.0, ATTACH_FAILED.1, details);
}

/// The ACK bytes of the floLIVE *Detach Customer Product* page with this request id.
pub fn detach_ack(request_id: &str) -> String {
    format!(
        r#"{{"errorCode":"","errorMessage":"","content":[{{"requestId":"{request_id}"}}],"pageable":{{"page":0,"size":10,"totalPages":1,"totalElements":1}}}}"#
    )
}

/// Polls the request until it leaves IN_PROGRESS; returns its content item.
pub async fn completed(app: &TestApp, auth: Auth, request_id: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let item = request_status(app, auth, request_id).await.item();
        if item["status"] != "IN_PROGRESS" {
            return item;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "request {request_id} still {item}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn instance(app: &TestApp, tenant: &str, id: &str) -> Option<ProductInstance> {
    let mut tx = app.store().read().await.unwrap();
    let tenant = tx
        .tenant_by_code(&TenantCode::parse(tenant).unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.product_instance(tenant.id, ProductInstanceId::parse(id).unwrap())
        .await
        .unwrap()
}

pub async fn instance_status(app: &TestApp, id: &str) -> InstanceStatus {
    instance(app, "acme", id)
        .await
        .expect("instance exists")
        .status
}

/// Ends acme's instance `id` through the store's lifecycle transition, in a unit of work of
/// its own (as another API would).
pub async fn end_instance(app: &TestApp, id: &str, end: InstanceEnd) {
    let id = ProductInstanceId::parse(id).unwrap();
    let acme = TenantCode::parse("acme").unwrap();
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            let acme = tx.tenant_by_code(&acme).await?.expect("acme exists");
            let transition = tx.end_instance(acme.id, id, end, Utc::now()).await?;
            assert!(transition.applied(), "{transition:?}");
            Ok(())
        })
    })
    .await;
}

/// Runs one SQL statement on the test database (to change state between accept and
/// completion, as another system would).
pub async fn sql(app: &TestApp, statement: &str) -> u64 {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let done = sqlx::query(statement).execute(&mut conn).await.unwrap();
    done.rows_affected()
}

/// One number from the test database.
pub async fn count(app: &TestApp, query: &str) -> i64 {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let row = sqlx::query(query).fetch_one(&mut conn).await.unwrap();
    row.try_get::<i64, _>(0).unwrap()
}
