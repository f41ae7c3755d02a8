//! Issue 13, item 3: a tenant's queue of asynchronous work is capped. Answers that would
//! start a disconnect while the tenant's queue is full are refused as MEF 503
//! `serviceUnavailable` with `Retry-After`, and change nothing; answers that start no work
//! are not held back.

use billing_compat::domain::store::NewJob;
use chrono::Utc;

use super::support::*;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn answers_that_would_start_a_disconnect_on_a_full_queue_are_refused_and_change_nothing() {
    let app = spawn_app_with(|s| {
        s.run_worker = false;
        s.service.max_queued_jobs_per_tenant = 1;
    })
    .await;
    // Something else of acme's is waiting on the queue.
    let acme = tenant(app.store().as_ref(), "acme").await;
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            tx.enqueue(
                &NewJob {
                    tenant: acme,
                    kind: "test.filler".into(),
                    payload: serde_json::json!({}),
                    run_at: Utc::now(),
                    max_attempts: 1,
                },
                Utc::now(),
            )
            .await
        })
    })
    .await;

    // An answer that leaves an item open starts nothing: accepted as usual.
    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted")]).await).await;
    let before = order_view(&app, "acme", 9001).await;
    let audits = audit_count(&app, "acme").await;

    let response = confirm(&app, 9001, &[("CI-2", "accepted")]).await;
    assert_eq!(response.headers()["retry-after"], "5");
    let reason = assert_mef(response, 503, "serviceUnavailable").await;
    assert_eq!(
        reason,
        "The service is busy: this tenant already has 1 asynchronous operations waiting to complete"
    );
    assert_eq!(order_view(&app, "acme", 9001).await, before);
    assert_eq!(audit_count(&app, "acme").await, audits);
    assert_eq!(disconnect_jobs(&app).await, 0);
}
