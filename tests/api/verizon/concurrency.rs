//! Two calls on one order at once: they run one after the other on the order's lock, so
//! the order never stays stuck with every item answered, the disconnect is enqueued exactly
//! once, and contradicting answers cannot both win. Run on SQLite and on PostgreSQL.

use billing_compat::domain::disconnect::{
    Acceptance, ChargeItem, DisconnectOrder, ExternalId, OrderState,
};
use billing_compat::domain::ids::DisconnectOrderId;
use billing_compat::domain::money::Money;
use futures_util::future::join_all;

use super::support::*;
use crate::helpers::{spawn_app_with, TestApp};

const ORDERS: i64 = 12;

/// Orders 7001…7000+ORDERS on DS1000008, each with CI-1 and CI-2 awaiting answers.
async fn two_item_orders(app: &TestApp) -> Vec<i64> {
    let acme = tenant(app.store().as_ref(), "acme").await;
    let account = account(app, "acme", "DS1000008").await.id;
    let ids: Vec<i64> = (7001..7001 + ORDERS).collect();
    let orders = ids.clone();
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            for external_id in orders {
                let item = |id: &str| ChargeItem {
                    id: id.into(),
                    description: "fee".into(),
                    amount: Money::from_cents(1000),
                    acceptance: Acceptance::AwaitingResponse,
                };
                tx.insert_disconnect_order(&DisconnectOrder {
                    id: DisconnectOrderId::new(),
                    tenant: acme,
                    external_id: ExternalId::new(external_id).unwrap(),
                    account,
                    state: OrderState::Acknowledged,
                    charge_items: vec![item("CI-1"), item("CI-2")],
                })
                .await?;
            }
            Ok(())
        })
    })
    .await;
    ids
}

#[tokio::test]
async fn items_accepted_by_two_simultaneous_calls_move_the_order_on_exactly_once() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let orders = two_item_orders(&app).await;

    let calls = orders.iter().flat_map(|&id| {
        [
            confirm(&app, id, &[("CI-1", "accepted")]),
            confirm(&app, id, &[("CI-2", "accepted")]),
        ]
    });
    let statuses: Vec<u16> = join_all(calls)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();

    assert!(statuses.iter().all(|&s| s == 204), "{statuses:?}");
    for &id in &orders {
        assert_eq!(
            order_view(&app, "acme", id).await.0,
            "inProgress",
            "order {id}"
        );
    }
    assert_eq!(disconnect_jobs(&app).await, ORDERS);
}

#[tokio::test]
async fn the_same_full_acceptance_sent_twice_at_once_enqueues_one_disconnect() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let orders = two_item_orders(&app).await;
    let both = [("CI-1", "accepted"), ("CI-2", "accepted")];

    let calls = orders
        .iter()
        .flat_map(|&id| [confirm(&app, id, &both), confirm(&app, id, &both)]);
    let statuses: Vec<u16> = join_all(calls)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();

    assert!(statuses.iter().all(|&s| s == 204), "{statuses:?}");
    assert_eq!(disconnect_jobs(&app).await, ORDERS);
}

#[tokio::test]
async fn an_acceptance_and_a_rejection_at_once_cannot_both_win() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let orders = two_item_orders(&app).await;

    let app = &app;
    let calls = orders.iter().map(|&id| async move {
        let (accept, reject) = tokio::join!(
            confirm(app, id, &[("CI-1", "accepted"), ("CI-2", "accepted")]),
            confirm(app, id, &[("CI-1", "rejected")]),
        );
        (id, accept.status().as_u16(), reject.status().as_u16())
    });
    let outcomes = join_all(calls).await;

    let mut proceeding = 0;
    for (id, accept, reject) in outcomes {
        let (state, items) = order_view(app, "acme", id).await;
        match (accept, reject) {
            (204, 409) => {
                proceeding += 1;
                assert_eq!(state, "inProgress", "order {id}");
                assert_eq!(items[0].1, "accepted");
            }
            (409, 204) => {
                assert_eq!(state, "cancelled", "order {id}");
                assert_eq!(
                    items,
                    [
                        ("CI-1".into(), "rejected".into()),
                        ("CI-2".into(), "awaitingResponse".into())
                    ]
                );
            }
            other => panic!("order {id}: {other:?}"),
        }
    }
    assert_eq!(disconnect_jobs(app).await, proceeding);
}
