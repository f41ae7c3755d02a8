//! One product-instance lifecycle under concurrency (issue 16, docs/design.md §3 "Product
//! instance lifecycle"): a Verizon disconnect reads an account's instances, a floLIVE detach
//! of one of them commits, then the disconnect writes. The guarded transition
//! (`end_instance`: `… WHERE status = 'ACTIVE'`) must see the detach and leave the instance
//! DETACHED; an unconditional write would overwrite it with CANCELLED and audit a change
//! that never happened ("before: ACTIVE").
//!
//! PostgreSQL only: SQLite has one writer, so the disconnect's read and write cannot be
//! split by another commit there. The interleaving is forced, not hoped for: a separate
//! connection holds the instance's row lock while the detach's completion and then the
//! disconnect queue behind it (each run by its own worker), in that order; the lock is
//! released and PostgreSQL grants the row to the detach first, then re-checks the
//! disconnect's condition on the row the detach left.

use std::sync::Arc;
use std::time::Duration;

use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::ids::ProductInstanceId;
use billing_compat::service::jobs::{Worker, WorkerSettings};
use serde_json::json;
use sqlx::{Connection, Executor, Row};

use billing_compat::domain::instance_lifecycle::{InstanceEnd, Transition};
use chrono::{Duration as Span, SubsecRound, Utc};

use crate::billing_care::support::{acme_token, cancel_json, INSTANCE_5001, SEED_BODY};
use crate::flolive::{completed, detach, PARENT_KEY, SOUTH};
use crate::helpers::{demo_store, require_postgres, spawn_app, spawn_app_with, write, TestApp};
use crate::verizon::support::{confirm, order, tenant};

/// Acme South's FLO-DATA-1GB on account DS1000005, the account of disconnect order 9002.
const ON_SOUTH: &str = "f0000000-0000-4000-8000-000000000002";

/// One batch, one job: each worker runs exactly the job it claimed.
fn single_job_worker(app: &TestApp) -> Worker {
    let settings = WorkerSettings {
        batch: 1,
        ..WorkerSettings::default()
    };
    Worker::new(
        app.services.clone(),
        billing_compat::service::job_registry(),
        settings,
    )
}

/// How many of this database's sessions wait for a lock.
async fn lock_waiters(app: &TestApp) -> i64 {
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let row = conn
        .fetch_one(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .await
        .unwrap();
    let n: i64 = row.get("n");
    conn.close().await.unwrap();
    n
}

async fn until_lock_waiters(app: &TestApp, n: i64) {
    for _ in 0..200 {
        if lock_waiters(app).await >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{n} sessions never queued for the instance's row lock");
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and --include-ignored"]
async fn a_disconnect_never_overwrites_a_detach_committed_after_its_read() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    require_postgres(&app.db);
    let acme = tenant(app.store().as_ref(), "acme").await;
    let instance = ProductInstanceId::parse(ON_SOUTH).unwrap();

    // The row lock the two completions will queue behind.
    sqlx::any::install_default_drivers();
    let mut holder = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    holder.execute("BEGIN").await.unwrap();
    holder
        .execute(
            format!("SELECT id FROM product_instances WHERE id = '{ON_SOUTH}' FOR UPDATE").as_str(),
        )
        .await
        .unwrap();

    // 1. The detach is accepted, and its completion reads the instance (ACTIVE) and
    //    queues for the row.
    let request_id = detach(&app, PARENT_KEY, SOUTH, ON_SOUTH).await.request_id();
    let detacher = Arc::new(single_job_worker(&app));
    let detaching = tokio::spawn({
        let w = detacher.clone();
        async move { w.run_once().await }
    });
    until_lock_waiters(&app, 1).await;

    // 2. The disconnect is confirmed; its job reads the account's instances (the detach
    //    is not committed: ACTIVE) and queues for the row behind the detach.
    let answered = confirm(&app, 9002, &[("CI-1", "accepted")]).await;
    assert!(answered.status().is_success(), "{}", answered.status());
    let disconnector = Arc::new(single_job_worker(&app));
    let disconnecting = tokio::spawn({
        let w = disconnector.clone();
        async move { w.run_once().await }
    });
    until_lock_waiters(&app, 2).await;

    // 3. The detach commits first; the disconnect's write comes after it.
    holder.execute("ROLLBACK").await.unwrap();
    assert_eq!(detaching.await.unwrap().unwrap(), 1);
    assert_eq!(disconnecting.await.unwrap().unwrap(), 1);

    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(order(&app, "acme", 9002).await.state.as_str(), "completed");
    let mut tx = app.store().read().await.unwrap();
    let after = tx.product_instance(acme, instance).await.unwrap().unwrap();
    assert_eq!(
        after.status,
        InstanceStatus::Detached,
        "the disconnect overwrote the detach committed after its read"
    );
    // The audit holds the detach's completion and no cancel of this instance: the
    // disconnect's guard saw DETACHED and changed nothing.
    let cancels: Vec<_> = tx
        .recent_audit(acme, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity_type == "product_instance" && e.entity_id == ON_SOUTH)
        .filter(|e| e.operation == "verizon.disconnect")
        .collect();
    assert!(cancels.is_empty(), "{cancels:?}");
    let detach = completion_audit(&mut *tx, acme, "flolive.detach_product.completed").await;
    assert_eq!(
        (
            &detach.before.unwrap()["instanceStatus"],
            &detach.after.unwrap()["instanceStatus"]
        ),
        (&json!("ACTIVE"), &json!("DETACHED"))
    );
}

/// The instance as stored (not as the APIs read it through its bundle).
async fn stored_instance(
    store: &dyn billing_compat::domain::store::Store,
    tenant: billing_compat::domain::ids::TenantId,
    id: ProductInstanceId,
) -> billing_compat::domain::catalog::ProductInstance {
    let mut tx = store.read().await.unwrap();
    tx.product_instance(tenant, id).await.unwrap().unwrap()
}

/// The floLIVE completion's audit row for this instance.
async fn completion_audit(
    tx: &mut dyn billing_compat::domain::store::Tx,
    tenant: billing_compat::domain::ids::TenantId,
    operation: &str,
) -> billing_compat::domain::audit::AuditEvent {
    tx.recent_audit(tenant, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.operation == operation && e.entity_id == ON_SOUTH)
        .expect("the completion is audited")
}

/// A detach whose instance was cancelled after it was accepted fails, and its audit row
/// says what the completion found: CANCELLED, left as it was.
#[tokio::test]
async fn a_refused_detach_is_audited_with_the_status_it_found() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let acme = tenant(app.store().as_ref(), "acme").await;
    let request_id = detach(&app, PARENT_KEY, SOUTH, ON_SOUTH).await.request_id();
    crate::flolive::end_instance(&app, ON_SOUTH, InstanceEnd::Cancelled).await;
    assert_eq!(single_job_worker(&app).run_once().await.unwrap(), 1);
    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    let mut tx = app.store().read().await.unwrap();
    let audit = completion_audit(&mut *tx, acme, "flolive.detach_product.completed").await;
    assert_eq!(
        (
            &audit.before.unwrap()["instanceStatus"],
            &audit.after.unwrap()["instanceStatus"]
        ),
        (&json!("CANCELLED"), &json!("CANCELLED"))
    );
}

#[tokio::test]
async fn the_guard_ends_an_active_instance_once_and_reports_what_it_saw() {
    let (_db, store) = demo_store().await;
    let acme = tenant(store.as_ref(), "acme").await;
    let instance = ProductInstanceId::parse(ON_SOUTH).unwrap();
    let at = Utc::now().trunc_subsecs(6);
    let end = |end: InstanceEnd, id: ProductInstanceId| {
        write(store.as_ref(), move |tx| {
            Box::pin(async move { tx.end_instance(acme, id, end, at).await })
        })
    };

    assert_eq!(
        end(InstanceEnd::Detached, instance).await,
        Transition::Applied { at }
    );
    // Final: neither a second detach nor a cancel changes it, and each hears what it was.
    for second in [InstanceEnd::Detached, InstanceEnd::Cancelled] {
        assert_eq!(
            end(second, instance).await,
            Transition::Refused {
                seen: InstanceStatus::Detached
            }
        );
    }
    assert_eq!(
        end(InstanceEnd::Cancelled, ProductInstanceId::new()).await,
        Transition::Missing
    );
    let stored = stored_instance(store.as_ref(), acme, instance).await;
    assert_eq!(
        (stored.status, stored.effective_to),
        (InstanceStatus::Detached, Some(at))
    );
}

/// An immediate Billing Care cancel ends the bundle's instances through the same guard
/// (stored CANCELLED with its time); a scheduled one leaves them ACTIVE, read as
/// CANCELLED from its time on (docs/design.md §3).
#[tokio::test]
async fn an_immediate_bundle_cancel_ends_its_instances_a_scheduled_one_does_not() {
    let app = spawn_app().await;
    let acme = tenant(app.store().as_ref(), "acme").await;
    let token = acme_token(&app).await;
    let before = Utc::now();
    let response = cancel_json(&app, &token, SEED_BODY).await;
    assert_eq!(response.status(), 200);
    let id = ProductInstanceId::parse(INSTANCE_5001).unwrap();
    let stored = stored_instance(app.store().as_ref(), acme, id).await;
    assert_eq!(stored.status, InstanceStatus::Cancelled);
    let ended = stored.effective_to.expect("the end is dated");
    assert!(
        ended >= before - Span::seconds(1) && ended <= Utc::now(),
        "{ended}"
    );

    let scheduled = spawn_app().await;
    let token = acme_token(&scheduled).await;
    let tomorrow = (Utc::now() + Span::days(1)).to_rfc3339();
    let mut body: serde_json::Value = serde_json::from_str(SEED_BODY).unwrap();
    body["effective"] = serde_json::json!(tomorrow);
    let response = cancel_json(&scheduled, &token, &body.to_string()).await;
    assert_eq!(response.status(), 200);
    let acme = tenant(scheduled.store().as_ref(), "acme").await;
    let stored = stored_instance(scheduled.store().as_ref(), acme, id).await;
    assert_eq!(
        (stored.status, stored.effective_to),
        (InstanceStatus::Active, None)
    );
}
