//! Two instances on one database (issue 8, docs/design.md §7): two servers (`spawn_on` over the same
//! database, each with its own pool and queue worker) take conflicting requests at once,
//! alternating between them; each effect happens exactly once.
//!
//! PostgreSQL only. On one SQLite file two processes' pools contend for the single write
//! lock: some calls then get the vendor's "unavailable, retry" answer (busy timeout) instead
//! of their turn, so the exact reply counts below do not hold (RELIABILITY.md). The tests
//! are therefore ignored, with that reason, unless run with `--include-ignored` (CI's
//! PostgreSQL step does), and fail rather than pass if that is done on SQLite.

use std::collections::BTreeSet;

use futures_util::future::join_all;

use super::targets::{Target, Vendor};
use crate::helpers::{require_postgres, spawn_app, spawn_on, TestApp};

const CALLS: usize = 8;

async fn two_instances() -> (TestApp, TestApp) {
    let a = spawn_app().await;
    require_postgres(&a.db);
    let b = spawn_on(a.db.clone(), |_| {}).await;
    (a, b)
}

/// Sends `body` through `target` CALLS times at once, alternating between the instances.
async fn at_once(
    apps: [&TestApp; 2],
    target: &Target,
    method: reqwest::Method,
    path: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> Vec<(u16, String)> {
    let calls = (0..CALLS).map(|i| {
        let app = apps[i % 2];
        let mut request = app
            .client
            .request(method.clone(), app.url(path))
            .header("Content-Type", "application/json")
            .body(body.to_owned());
        for (name, value) in &target.headers {
            request = request.header(*name, value);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        async move {
            let reply = request.send().await.unwrap();
            (reply.status().as_u16(), reply.text().await.unwrap())
        }
    });
    join_all(calls).await
}

async fn count(app: &TestApp, query: &str) -> i64 {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let row = sqlx::query(query).fetch_one(&mut conn).await.unwrap();
    row.try_get::<i64, _>(0).unwrap()
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn the_same_idempotency_key_through_two_instances_attaches_once_and_replays_one_reply() {
    let (a, b) = two_instances().await;
    let target = Target::new(&a, Vendor::Flolive).await;
    let (_, body) = target.ordinary();
    let replies = at_once(
        [&a, &b],
        &target,
        reqwest::Method::POST,
        &target.path,
        &[("Idempotency-Key", "two-instances-1")],
        &body,
    )
    .await;
    let distinct: BTreeSet<_> = replies.iter().collect();
    assert_eq!(distinct.len(), 1, "{replies:#?}");
    assert!(
        target.is_success(replies[0].0, &replies[0].1),
        "{replies:#?}"
    );
    assert_eq!(
        count(&a, "SELECT COUNT(*) FROM operation_requests").await,
        1
    );
    assert_eq!(count(&a, "SELECT COUNT(*) FROM idempotency_keys").await, 1);
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn the_same_bundle_cancel_through_two_instances_succeeds_once() {
    let (a, b) = two_instances().await;
    let target = Target::new(&a, Vendor::BillingCare).await;
    let (_, body) = target.ordinary();
    let before = count(&a, "SELECT COUNT(*) FROM audit_events").await;
    let replies = at_once(
        [&a, &b],
        &target,
        reqwest::Method::POST,
        &target.path,
        &[],
        &body,
    )
    .await;
    let won: Vec<_> = replies
        .iter()
        .filter(|(s, b)| *s == 200 && b.trim() == "true")
        .collect();
    assert_eq!(won.len(), 1, "{replies:#?}");
    assert_eq!(
        replies
            .iter()
            .filter(|(s, b)| *s == 409 && b.contains("ALREADY_CANCELLED"))
            .count(),
        CALLS - 1,
        "{replies:#?}"
    );
    // One audited change (refusals are audited as refusals, not as cancels).
    assert!(count(&a, "SELECT COUNT(*) FROM audit_events").await > before);
    assert_eq!(
        count(
            &a,
            "SELECT COUNT(*) FROM bundles WHERE poid = '0.0.0.1+-purchased_bundle+5001' \
             AND cancel_effective_at IS NOT NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn the_same_detach_through_two_instances_is_accepted_once() {
    let (a, b) = two_instances().await;
    let target = Target::new(&a, Vendor::Flolive).await;
    let path = "/api/v2/customer/c0000000-0000-4000-8000-000000000002/detach-product/\
                f0000000-0000-4000-8000-000000000001";
    let replies = at_once([&a, &b], &target, reqwest::Method::DELETE, path, &[], "").await;
    let accepted = replies.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(accepted, 1, "{replies:#?}");
    assert!(
        replies
            .iter()
            .all(|(s, b)| *s == 200 || b.contains("CUSTOMER_1049")),
        "{replies:#?}"
    );
    assert_eq!(
        count(&a, "SELECT COUNT(*) FROM operation_requests").await,
        1
    );
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn crmcom_numbers_from_two_instances_are_distinct_and_consecutive() {
    let (a, b) = two_instances().await;
    let target = Target::new(&a, Vendor::Crmcom).await;
    let (_, body) = target.ordinary();
    let replies = at_once(
        [&a, &b],
        &target,
        reqwest::Method::POST,
        &target.path,
        &[],
        &body,
    )
    .await;
    let numbers: BTreeSet<String> = replies
        .iter()
        .map(|(status, reply)| {
            let value: serde_json::Value = serde_json::from_str(reply).unwrap();
            assert_eq!(
                (*status, &value["status"]["code"]),
                (200, &"OK".into()),
                "{reply}"
            );
            value["data"]["number"].as_str().unwrap().to_owned()
        })
        .collect();
    let expected: BTreeSet<String> = (1..=CALLS).map(|n| format!("PR{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn the_same_disconnect_acknowledgement_through_two_instances_enqueues_one_disconnect() {
    let (a, b) = two_instances().await;
    let target = Target::new(&a, Vendor::Verizon).await;
    // Both charge items of order 9001: the answer that completes it and enqueues the disconnect.
    let body = r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"},{"id":"CI-2","acceptanceIndicator":"accepted"}]}"#;
    let jobs = "SELECT COUNT(*) FROM jobs WHERE kind = 'verizon.disconnect'";
    let before = count(&a, jobs).await;
    let replies = at_once(
        [&a, &b],
        &target,
        reqwest::Method::POST,
        &target.path,
        &[],
        body,
    )
    .await;
    assert!(replies.iter().all(|(s, _)| *s == 204), "{replies:#?}");
    assert_eq!(count(&a, jobs).await, before + 1);
}
