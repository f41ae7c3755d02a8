//! The disconnect the queue carries out once every charge item is accepted: instances
//! cancelled, the account's termination set (today in the tenant's zone) and visible to the
//! Debitsuccess side, the order completed, each change audited; in one job transaction.

use std::sync::Arc;

use billing_compat::domain::account::AccountStatus;
use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::ids::DisconnectOrderId;
use billing_compat::domain::store::{Job, JobId};
use billing_compat::service::jobs::{JobHandler, Worker, WorkerSettings};
use billing_compat::service::verizon::{DisconnectJob, DISCONNECT_JOB};
use billing_compat::service::{job_registry, ServiceSettings, Services};
use chrono::{NaiveDate, TimeZone, Utc};

use super::support::*;
use crate::helpers::{discard, spawn_app_with, write, TestApp};

/// Runs the queue once with the clock stopped at `at`.
async fn run_worker_at(app: &TestApp, at: chrono::DateTime<Utc>) -> usize {
    let services = Services::with_clock(app.store(), ServiceSettings::default(), fixed(at));
    let worker = Worker::new(
        Arc::new(services),
        job_registry(),
        WorkerSettings::default(),
    );
    worker.run_once().await.unwrap()
}

async fn accepted_9001(app: &TestApp) {
    assert_no_content(confirm(app, 9001, &[("CI-1", "accepted"), ("CI-2", "accepted")]).await)
        .await;
}

#[tokio::test]
async fn nothing_is_disconnected_until_the_queue_runs_the_job() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    accepted_9001(&app).await;

    assert_eq!(order_view(&app, "acme", 9001).await.0, "inProgress");
    for id in INSTANCES_9001 {
        assert_eq!(
            instance_status(&app, "acme", id).await,
            InstanceStatus::Active
        );
    }
    assert_eq!(
        account(&app, "acme", "DS1000008").await.status,
        AccountStatus::Active
    );
    let mut read = app.store().read().await.unwrap();
    assert_eq!(read.pending_jobs().await.unwrap(), 1);
}

#[tokio::test]
async fn the_job_terminates_the_account_today_in_the_tenants_zone() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    accepted_9001(&app).await;
    let before = account(&app, "acme", "DS1000008").await;

    // 11:30 UTC on 1 March 2031 is already 2 March in Auckland (+13:00).
    let ran = run_worker_at(&app, Utc.with_ymd_and_hms(2031, 3, 1, 11, 30, 0).unwrap()).await;

    assert_eq!(ran, 1);
    let after = account(&app, "acme", "DS1000008").await;
    assert_eq!(after.termination_date, NaiveDate::from_ymd_opt(2031, 3, 2));
    assert_eq!(after.status, AccountStatus::Cancelled);
    // Setting the termination never changes the contract value (docs/design.md §3).
    assert_eq!(after.total_contract_value, before.total_contract_value);
    assert_eq!(after.final_bill_date, before.final_bill_date);
    for id in INSTANCES_9001 {
        assert_eq!(
            instance_status(&app, "acme", id).await,
            InstanceStatus::Cancelled
        );
    }
    assert_eq!(order_view(&app, "acme", 9001).await.0, "completed");
    let mut read = app.store().read().await.unwrap();
    assert_eq!(read.pending_jobs().await.unwrap(), 0);
}

#[tokio::test]
async fn the_job_audits_every_change_on_the_worker_channel() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    accepted_9001(&app).await;
    run_worker_at(&app, Utc.with_ymd_and_hms(2031, 3, 1, 11, 30, 0).unwrap()).await;

    let tenant = tenant(app.store().as_ref(), "acme").await;
    let events = app
        .store()
        .read()
        .await
        .unwrap()
        .recent_audit(tenant, 10)
        .await
        .unwrap();
    let mut worker: Vec<(String, String, serde_json::Value)> = events
        .iter()
        .filter(|e| e.channel.as_str() == "worker")
        .map(|e| {
            (
                e.entity_type.clone(),
                e.entity_id.clone(),
                e.after.clone().unwrap(),
            )
        })
        .collect();
    worker.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let cancelled = serde_json::json!({ "status": "CANCELLED" });
    assert_eq!(
        worker,
        [
            (
                "account".into(),
                "DS1000008".into(),
                serde_json::json!({ "status": "Cancelled", "terminationDate": "2031-03-02" })
            ),
            (
                "disconnect_order".into(),
                "9001".into(),
                serde_json::json!({
                    "externalId": 9001,
                    "state": "completed",
                    "chargeItems": [
                        { "id": "CI-1", "acceptanceIndicator": "accepted" },
                        { "id": "CI-2", "acceptanceIndicator": "accepted" }
                    ]
                })
            ),
            (
                "product_instance".into(),
                INSTANCES_9001[0].into(),
                cancelled.clone()
            ),
            (
                "product_instance".into(),
                INSTANCES_9001[1].into(),
                cancelled
            ),
        ]
    );
}

#[tokio::test]
async fn an_earlier_termination_date_is_kept_by_the_disconnect() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let acme = tenant(app.store().as_ref(), "acme").await;
    let account_id = account(&app, "acme", "DS1000008").await.id;
    let earlier = NaiveDate::from_ymd_opt(2031, 1, 15);
    write(app.store().as_ref(), move |tx| {
        Box::pin(async move { tx.set_termination_date(acme, account_id, earlier).await })
    })
    .await;

    accepted_9001(&app).await;
    run_worker_at(&app, Utc.with_ymd_and_hms(2031, 3, 1, 11, 30, 0).unwrap()).await;

    assert_eq!(
        account(&app, "acme", "DS1000008").await.termination_date,
        earlier
    );
}

#[tokio::test]
async fn running_the_job_again_changes_nothing() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    accepted_9001(&app).await;
    run_worker_at(&app, Utc.with_ymd_and_hms(2031, 3, 1, 11, 30, 0).unwrap()).await;
    let audit = audit_count(&app, "acme").await;
    let acme = tenant(app.store().as_ref(), "acme").await;
    let order_id: DisconnectOrderId = order(&app, "acme", 9001).await.id;

    // As if a lost lease made a second worker run the same job.
    let services = Services::with_clock(
        app.store(),
        ServiceSettings::default(),
        fixed(Utc.with_ymd_and_hms(2031, 6, 1, 0, 0, 0).unwrap()),
    );
    let job = Job {
        id: JobId(uuid::Uuid::new_v4()),
        tenant: acme,
        kind: DISCONNECT_JOB.into(),
        payload: serde_json::json!({ "order": order_id }),
        attempts: 2,
        max_attempts: 10,
    };
    let ran = write(app.store().as_ref(), move |tx| {
        Box::pin(async move { Ok(DisconnectJob.run(tx, &job, &services).await) })
    })
    .await;
    ran.unwrap();

    assert_eq!(audit_count(&app, "acme").await, audit);
    assert_eq!(
        account(&app, "acme", "DS1000008").await.termination_date,
        NaiveDate::from_ymd_opt(2031, 3, 2)
    );
}

#[tokio::test]
async fn a_job_for_another_tenants_order_finds_nothing() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let globex = tenant(app.store().as_ref(), "globex").await;
    let acme_order = order(&app, "acme", 9001).await.id;
    let services = Services::new(app.store(), ServiceSettings::default());
    let job = Job {
        id: JobId(uuid::Uuid::new_v4()),
        tenant: globex,
        kind: DISCONNECT_JOB.into(),
        payload: serde_json::json!({ "order": acme_order }),
        attempts: 1,
        max_attempts: 10,
    };
    // Run in a unit that is then rolled back, as the transaction was dropped before.
    let ran = discard(app.store().as_ref(), move |tx| {
        Box::pin(async move { Ok(DisconnectJob.run(tx, &job, &services).await) })
    })
    .await;
    assert!(ran.is_err());
    assert_eq!(order_view(&app, "acme", 9001).await.0, "acknowledged");
}
