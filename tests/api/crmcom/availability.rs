//! A database that cannot be reached is CRM.COM's `ServiceUnavailableException` (HTTP 200, as
//! every CRM.COM error), never a hang or a 500.

use std::time::Duration;

use serde_json::json;

use super::{assert_error, post, BASE};
use crate::helpers::{hold_writes, spawn_app_with};

#[tokio::test]
async fn a_store_that_times_out_answers_service_unavailable() {
    let app = spawn_app_with(|s| {
        s.pool.max_connections = 1;
        s.pool.acquire_timeout = Duration::from_millis(300);
        s.run_worker = false;
    })
    .await;
    // Keep the store from writing (SQLite: its file's write lock, taken from outside, so the
    // single writer cannot begin; PostgreSQL: every pooled connection).
    let held = hold_writes(&app).await;
    let reply = post(
        &app,
        &format!("{BASE}/authentication/token"),
        &json!({"username": "crm-agent", "password": "Crm-Pass-2024", "organisation": "acme"}),
    )
    .await;
    assert_error(
        &reply,
        "ServiceUnavailableException",
        "The service is temporarily unavailable; try again later",
    );
    held.release().await;
}
