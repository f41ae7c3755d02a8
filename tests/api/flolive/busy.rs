//! Issue 13, item 3: a tenant's queue of asynchronous operations is capped. Past the cap an
//! attach or a detach is refused as floLIVE's own "try later" (`GLOBAL_1001`, 503) with
//! `Retry-After`, and changes nothing; other tenants are not held back.

use billing_compat::domain::catalog::InstanceStatus;
use serde_json::json;

use super::*;
use crate::helpers::spawn_app_with;

const BUSY: (&str, &str) = ("GLOBAL_1001", "Service unavailable. Please try again");

#[tokio::test]
async fn past_the_tenants_queue_cap_attach_and_detach_are_refused_and_change_nothing() {
    let app = spawn_app_with(|s| {
        s.run_worker = false;
        s.service.max_queued_jobs_per_tenant = 2;
    })
    .await;
    // Two accepted attaches fill acme's queue; no worker drains it.
    for _ in 0..2 {
        let reply = attach(&app, PARENT_KEY, NORTH, json!({ "productId": DATA_1GB })).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let audits = acme_audit(&app).await;
    let details =
        "this tenant already has 2 asynchronous operations waiting to complete; retry in 5 s";

    let reply = attach(&app, PARENT_KEY, NORTH, json!({ "productId": DATA_1GB })).await;
    assert_nak(&reply, 503, BUSY.0, BUSY.1, details);
    assert_eq!(reply.headers["retry-after"], "5");
    let reply = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_nak(&reply, 503, BUSY.0, BUSY.1, details);
    assert_eq!(reply.headers["retry-after"], "5");

    // Nothing changed: no operation, job or audit row; the instance is still attached (and
    // so can be detached later: no live detach was left behind).
    assert_eq!(acme_audit(&app).await, audits);
    let mut tx = app.store().read().await.unwrap();
    assert_eq!(tx.pending_jobs().await.unwrap(), 2);
    drop(tx);
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );

    // Another tenant's queue is its own.
    let reply = attach(
        &app,
        GLOBEX_KEY,
        GLOBEX_RETAIL,
        json!({ "productId": GLOBEX_DATA_1GB }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn acme_audit(app: &crate::helpers::TestApp) -> usize {
    let mut tx = app.store().read().await.unwrap();
    let tenant = tx
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    tx.recent_audit(tenant, 10_000).await.unwrap().len()
}
