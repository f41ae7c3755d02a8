//! Asynchronous completion through the durable queue (docs/design.md §6.2): accepted requests
//! survive a restart, and a state change between accept and completion fails the request
//! with its reason instead of applying it.

use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::store::{Job, Tx};
use billing_compat::service::jobs::{JobError, JobHandler, Registry, Worker, WorkerSettings};
use billing_compat::service::Services;
use serde_json::json;
use std::sync::Arc;

use super::*;
use crate::helpers::{spawn_app_with, spawn_on};

/// A server that accepts but does not complete (its worker is off).
async fn accepting_only() -> TestApp {
    spawn_app_with(|s| s.run_worker = false).await
}

/// Stops `app` and serves its database again, worker on.
async fn restart(app: TestApp) -> TestApp {
    let db = app.stop().await;
    spawn_on(db, |_| {}).await
}

#[tokio::test]
async fn a_detach_accepted_before_a_restart_completes_after_it() {
    let app = accepting_only().await;
    let reply = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let request_id = reply.request_id();
    let pending = request_status(&app, PARENT_KEY, &request_id).await;
    assert_eq!(
        pending.body,
        format!(
            r#"{{"errorCode":"","errorMessage":"","content":[{{"requestId":"{request_id}","status":"IN_PROGRESS","productInstanceId":"{ON_NORTH}","errorCode":"","errorMessage":""}}],"pageable":{{"page":0,"size":10,"totalPages":1,"totalElements":1}}}}"#
        )
    );
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );

    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Detached
    );
    assert_eq!(
        app.store()
            .read()
            .await
            .unwrap()
            .pending_jobs()
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_attach_accepted_before_a_restart_completes_after_it() {
    let app = accepting_only().await;
    let reply = attach(&app, PARENT_KEY, SOUTH, json!({ "productId": DATA_1GB })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let instance_id = reply.item()["productInstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(instance(&app, "acme", &instance_id).await.is_none());

    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &reply.request_id()).await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(
        instance_status(&app, &instance_id).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn a_detach_fails_with_its_reason_when_the_instance_changed_meanwhile() {
    let app = accepting_only().await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    // Another API cancels the instance before the queue gets to it.
    end_instance(&app, ON_NORTH, InstanceEnd::Cancelled).await;

    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(
        done,
        json!({
            "requestId": request_id,
            "status": "FAILED",
            "productInstanceId": ON_NORTH,
            "errorCode": "CUSTOMER_1049",
            "errorMessage": "Failed to detach product instance",
            "errorDetails": format!(
                "product instance {ON_NORTH} became CANCELLED before the detach completed"
            ),
        })
    );
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Cancelled
    );
    // A FAILED detach does not hold the instance: a new call is judged on its state.
    let again = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_detach_nak(&again, 400, "is CANCELLED, not attached");
}

#[tokio::test]
async fn a_detach_fails_when_the_instance_s_bundle_cancel_takes_effect_meanwhile() {
    let app = accepting_only().await;
    let request_id = detach(&app, PARENT_KEY, NORTH, EMAIL_IN_BUNDLE)
        .await
        .request_id();
    sql(
        &app,
        "UPDATE bundles SET cancel_effective_at = '2025-01-01T00:00:00.000000Z' \
         WHERE poid = '0.0.0.1+-purchased_bundle+5001' AND account_id IN \
         (SELECT id FROM accounts WHERE reference_no = 'DS1000001')",
    )
    .await;
    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["errorCode"], "CUSTOMER_1049");
    assert_eq!(
        done["errorDetails"],
        format!("product instance {EMAIL_IN_BUNDLE} became CANCELLED before the detach completed")
    );
    // The stored status stays ACTIVE; every API reads it CANCELLED through its bundle.
    assert_eq!(
        instance_status(&app, EMAIL_IN_BUNDLE).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn an_attach_fails_when_the_product_stopped_being_an_account_product_meanwhile() {
    let app = accepting_only().await;
    let reply = attach(&app, PARENT_KEY, NORTH, json!({ "productId": DATA_1GB })).await;
    let instance_id = reply.item()["productInstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    sql(
        &app,
        &format!("UPDATE products SET plan_type = 'SIM_PRODUCT' WHERE id = '{DATA_1GB}'"),
    )
    .await;
    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &reply.request_id()).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["errorCode"], "CUSTOMER_1048");
    assert_eq!(done["errorMessage"], "Failed to attach product");
    assert!(
        done["errorDetails"]
            .as_str()
            .unwrap()
            .contains("has planType SIM_PRODUCT"),
        "{done}"
    );
    assert!(instance(&app, "acme", &instance_id).await.is_none());
}

#[tokio::test]
async fn an_attach_fails_when_the_customer_left_the_requestor_meanwhile() {
    let app = accepting_only().await;
    let reply = attach(&app, PARENT_KEY, SOUTH, json!({ "productId": DATA_1GB })).await;
    let instance_id = reply.item()["productInstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    sql(
        &app,
        &format!("UPDATE customers SET parent_id = '{NORTH}' WHERE id = '{SOUTH}'"),
    )
    .await;
    let app = restart(app).await;
    let done = completed(&app, PARENT_KEY, &reply.request_id()).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(
        done["errorDetails"],
        format!(
            "customer {SOUTH} is not a direct sub-customer of the requestor {HOLDINGS}; \
             only direct sub-customers are eligible"
        )
    );
    assert!(instance(&app, "acme", &instance_id).await.is_none());
}

/// The real floLIVE handler, but every attempt finds the store down: the worker's
/// "failed for good" path, reached here without waiting out eight backoffs.
struct StoreDown(std::sync::Arc<dyn JobHandler>);

#[async_trait::async_trait]
impl JobHandler for StoreDown {
    async fn run(&self, _tx: &mut dyn Tx, _job: &Job, _s: &Services) -> Result<(), JobError> {
        Err(JobError::Permanent("store down on every attempt".into()))
    }

    async fn give_up(
        &self,
        tx: &mut dyn Tx,
        job: &Job,
        services: &Services,
        reason: &str,
    ) -> Result<(), billing_compat::domain::DomainError> {
        self.0.give_up(tx, job, services, reason).await
    }
}

#[tokio::test]
async fn a_detach_whose_job_gives_up_is_failed_not_left_in_progress() {
    let app = accepting_only().await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    let registry = Registry::default().with(
        billing_compat::service::flolive::job_handlers()
            .into_iter()
            .map(|(kind, real)| (kind, Arc::new(StoreDown(real)) as Arc<dyn JobHandler>)),
    );
    let worker = Worker::new(app.services.clone(), registry, WorkerSettings::default());
    assert_eq!(worker.run_once().await.unwrap(), 1);

    let done = request_status(&app, PARENT_KEY, &request_id).await.item();
    assert_eq!(
        done,
        json!({
            "requestId": request_id,
            "status": "FAILED",
            "productInstanceId": ON_NORTH,
            "errorCode": "CUSTOMER_1049",
            "errorMessage": "Failed to detach product instance",
            "errorDetails": "the request could not be completed; it may be sent again",
        })
    );
    // Nothing changed, the job is off the queue, and the instance can be detached anew.
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );
    let store = app.store();
    assert_eq!(store.read().await.unwrap().pending_jobs().await.unwrap(), 0);
    let again = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_eq!(again.status, 200, "{}", again.body);
}
