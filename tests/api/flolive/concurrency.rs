//! One live detach per instance, enforced by the `uq_operation_requests_live_detach` index
//! (docs/design.md §4: races resolve through constraints), on SQLite and PostgreSQL alike.

use billing_compat::domain::catalog::InstanceStatus;
use billing_compat::domain::ids::{CustomerId, ProductId, ProductInstanceId, RequestId};
use billing_compat::domain::operation::{
    OperationKind, OperationRequest, OperationStatus, LIVE_DETACH_CONSTRAINT,
};
use billing_compat::domain::store::Store;
use billing_compat::domain::DomainError;

use super::*;
use crate::helpers::{demo_store, spawn_app, spawn_app_with, try_write, write};

async fn concurrent_detaches(app: &TestApp, n: usize) -> Vec<Reply> {
    let calls = (0..n).map(|_| detach(app, PARENT_KEY, NORTH, ON_NORTH));
    futures_util::future::join_all(calls).await
}

#[track_caller]
fn exactly_one_accepted(replies: &[Reply]) {
    let accepted = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(accepted, 1, "{replies:#?}");
    for refused in replies.iter().filter(|r| r.status != 200) {
        // In flight, or (worker on) already done: either way refused synchronously.
        assert_detach_nak(refused, 400, &format!("product instance {ON_NORTH}"));
        let details = refused.json()["errorDetails"].as_str().unwrap().to_owned();
        assert!(
            details.contains("already in progress") || details.contains("already detached"),
            "{details}"
        );
    }
}

#[tokio::test]
async fn concurrent_detaches_of_one_instance_accept_exactly_one() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let replies = concurrent_detaches(&app, 8).await;
    exactly_one_accepted(&replies);
    let live = format!("SELECT COUNT(*) FROM operation_requests WHERE instance_id = '{ON_NORTH}'");
    assert_eq!(count(&app, &live).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs").await, 1);
    // The refusal names the request in flight, so the client can follow it.
    let later = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    let request_id = replies
        .iter()
        .find(|r| r.status == 200)
        .unwrap()
        .request_id();
    assert_detach_nak(
        &later,
        400,
        &format!(
            "a detach of product instance {ON_NORTH} is already in progress (request {request_id})"
        ),
    );
}

#[tokio::test]
async fn concurrent_detaches_with_the_worker_running_still_accept_exactly_one() {
    let app = spawn_app().await;
    let replies = concurrent_detaches(&app, 8).await;
    exactly_one_accepted(&replies);
    let request_id = replies
        .iter()
        .find(|r| r.status == 200)
        .unwrap()
        .request_id();
    assert_eq!(
        completed(&app, PARENT_KEY, &request_id).await["status"],
        "SUCCESS"
    );
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Detached
    );
}

fn live_detach(
    tenant: billing_compat::domain::ids::TenantId,
    status: OperationStatus,
) -> OperationRequest {
    let now = chrono::Utc::now();
    OperationRequest {
        id: RequestId::new(),
        tenant,
        kind: OperationKind::DetachProduct,
        status,
        requestor: CustomerId::parse(HOLDINGS).unwrap(),
        customer: CustomerId::parse(NORTH).unwrap(),
        product: ProductId::parse(DATA_1GB).unwrap(),
        instance: ProductInstanceId::parse(ON_NORTH).unwrap(),
        user: None,
        error_code: None,
        error_message: None,
        created_at: now,
        updated_at: now,
    }
}

async fn insert(store: &dyn Store, op: &OperationRequest) -> Result<(), DomainError> {
    let op = op.clone();
    try_write(store, move |tx| {
        Box::pin(async move { tx.insert_operation(&op).await })
    })
    .await
}

#[tokio::test]
async fn the_index_allows_one_live_detach_per_instance_and_ignores_failed_ones() {
    let (_db, store) = demo_store().await;
    let acme = store
        .read()
        .await
        .unwrap()
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    insert(store.as_ref(), &live_detach(acme, OperationStatus::Failed))
        .await
        .unwrap();
    insert(store.as_ref(), &live_detach(acme, OperationStatus::Failed))
        .await
        .unwrap();
    let first = live_detach(acme, OperationStatus::InProgress);
    insert(store.as_ref(), &first).await.unwrap();
    for status in [OperationStatus::InProgress, OperationStatus::Success] {
        let err = insert(store.as_ref(), &live_detach(acme, status))
            .await
            .unwrap_err();
        assert!(err.is_conflict_on(LIVE_DETACH_CONSTRAINT), "{err:?}");
    }
    // Done counts as live too: a SUCCESS detach still blocks a second one.
    let first_id = first.id;
    assert!(
        write(store.as_ref(), move |tx| {
            Box::pin(async move {
                tx.finish_operation(
                    acme,
                    first_id,
                    OperationStatus::Success,
                    None,
                    chrono::Utc::now(),
                )
                .await
            })
        })
        .await
    );
    let err = insert(
        store.as_ref(),
        &live_detach(acme, OperationStatus::InProgress),
    )
    .await
    .unwrap_err();
    assert!(err.is_conflict_on(LIVE_DETACH_CONSTRAINT), "{err:?}");
    // Attaches are not limited: the same product may be attached several times.
    let mut attach = live_detach(acme, OperationStatus::InProgress);
    attach.kind = OperationKind::AttachProduct;
    insert(store.as_ref(), &attach).await.unwrap();
}
