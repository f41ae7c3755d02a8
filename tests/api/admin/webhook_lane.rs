//! Webhook delivery's own lane (docs/operations.md "Background work and fairness"): a
//! receiver that never answers holds up no tenant's job, and an endpoint with nothing to
//! deliver is held by the worker — woken by a commit, its lease kept — instead of writing
//! its job row at every look.

use std::time::Duration;

use serde_json::json;

use super::receiver::{Receiver, Reply};
use super::support::{adjust, operator_app};
use super::webhooks::{get, quick, register, WEBHOOKS};
use crate::flolive::{completed, count, detach, NORTH, ON_NORTH, PARENT_KEY};
use crate::helpers::TestApp;

const DELIVERY_JOB: &str = "kind = 'webhooks.deliver' AND status = 'running'";

/// The delivery job's lease end and attempts, as the database has them.
async fn lease(app: &TestApp) -> (String, i64) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let sql = format!(
        "SELECT CAST(locked_until AS TEXT), CAST(attempts AS BIGINT) FROM jobs WHERE {DELIVERY_JOB}"
    );
    sqlx::query_as::<_, (String, i64)>(&sql)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

async fn held(app: &TestApp) {
    let sql = format!("SELECT COUNT(*) FROM jobs WHERE {DELIVERY_JOB}");
    for _ in 0..200 {
        if count(app, &sql).await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the delivery job was never claimed");
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_up_no_tenant_job() {
    let app = operator_app(|settings| {
        quick(settings);
        settings.service.webhooks.timeout = Duration::from_secs(60);
    })
    .await;
    let receiver = Receiver::start([Reply::Hold]).await;
    let id = register(&app, &receiver.url, json!({})).await;
    adjust(&app, "DS1000001", "2031-01-31").await;
    // The event's POST is in flight and will not be answered for a minute.
    receiver.wait_for(1).await;

    let accepted = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    // floLIVE's job runs (within `completed`'s 10 s) while the delivery still waits.
    let item = completed(&app, PARENT_KEY, &accepted.request_id()).await;
    assert_eq!(item["status"], "SUCCESS", "{item}");
    let attempts = get(&app, &format!("{WEBHOOKS}/{id}/deliveries")).await;
    assert_eq!(attempts.json["deliveries"], json!([]), "{}", attempts.json);
}

#[tokio::test]
async fn an_idle_endpoint_writes_nothing_and_a_commit_wakes_it() {
    let app = operator_app(|settings| {
        quick(settings);
        // Only a commit can wake the endpoint in time: its own look comes after a minute.
        settings.service.webhooks.idle_poll = Duration::from_secs(60);
    })
    .await;
    let receiver = Receiver::start([]).await;
    register(&app, &receiver.url, json!({})).await;
    held(&app).await;
    let before = lease(&app).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(lease(&app).await, before, "an idle endpoint wrote its job");

    let started = std::time::Instant::now();
    adjust(&app, "DS1000001", "2031-01-31").await;
    receiver.wait_for(1).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_held_endpoint_keeps_its_lease_without_being_claimed_again() {
    let app = operator_app(|settings| {
        quick(settings);
        settings.worker.lease = Duration::from_secs(2);
    })
    .await;
    let receiver = Receiver::start([]).await;
    register(&app, &receiver.url, json!({})).await;
    held(&app).await;
    let (until, attempts) = lease(&app).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (later, attempts_later) = lease(&app).await;
    assert_ne!(later, until, "the lease was not kept");
    assert_eq!(attempts_later, attempts, "the job was claimed again");
    // Still delivering.
    adjust(&app, "DS1000001", "2031-01-31").await;
    receiver.wait_for(1).await;
}
