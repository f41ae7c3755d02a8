//! The storage contract: the same cases on whichever backend `TEST_DATABASE_URL` selects
//! (SQLite by default). CI runs this file on both.

use billing_compat::domain::account::{
    Account, AccountReferenceNo, AccountStatus, ExternalReferenceNo,
};
use billing_compat::domain::audit::{AuditEvent, Channel};
use billing_compat::domain::customer::Customer;
use billing_compat::domain::ids::{AccountId, CustomerId, TenantId};
use billing_compat::domain::money::Money;
use billing_compat::domain::rules::{DebitsuccessRule, Rule};
use billing_compat::domain::tenant::{Tenant, TenantCode, TimeZone};
use billing_compat::domain::DomainError;
use chrono::{NaiveDate, Utc};

use crate::helpers::{demo_store, discard, empty_store, try_write, write};

fn tenant(code: &str) -> Tenant {
    Tenant {
        id: TenantId::new(),
        code: TenantCode::parse(code).unwrap(),
        name: code.into(),
        time_zone: TimeZone::default(),
    }
}

fn account(
    tenant: TenantId,
    customer: CustomerId,
    reference: &str,
    external: Option<&str>,
) -> Account {
    Account {
        id: AccountId::new(),
        tenant,
        customer,
        reference_no: AccountReferenceNo::parse(reference).unwrap(),
        external_reference_no: external.map(|e| ExternalReferenceNo::parse(e).unwrap()),
        poid: None,
        status: AccountStatus::Active,
        start_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        termination_date: None,
        final_bill_date: None,
        total_contract_value: Some(Money::from_cents(120_000)),
    }
}

/// One tenant with one customer, committed.
async fn seeded(store: &dyn billing_compat::domain::store::Store) -> (Tenant, Customer) {
    let t = tenant("t1");
    let c = Customer {
        id: CustomerId::new(),
        tenant: t.id,
        parent: None,
        name: "C".into(),
    };
    let (tenant, customer) = (t.clone(), c.clone());
    write(store, move |tx| {
        Box::pin(async move {
            tx.insert_tenant(&tenant, Utc::now()).await?;
            tx.insert_customer(&customer).await
        })
    })
    .await;
    (t, c)
}

#[tokio::test]
async fn rows_round_trip_through_the_store() {
    let (_db, store) = empty_store().await;
    let (t, c) = seeded(store.as_ref()).await;
    let a = account(t.id, c.id, "R1", Some("EXT"));
    let inserted = a.clone();
    write(store.as_ref(), move |tx| {
        Box::pin(async move { tx.insert_account(&inserted).await })
    })
    .await;
    let mut read = store.read().await.unwrap();
    assert_eq!(read.account(t.id, a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(read.tenant_by_code(&t.code).await.unwrap(), Some(t));
    assert_eq!(read.customer(c.tenant, c.id).await.unwrap(), Some(c));
}

#[tokio::test]
async fn named_unique_constraints_become_conflicts() {
    let (_db, store) = empty_store().await;
    let (t, c) = seeded(store.as_ref()).await;
    // The second insert's own error, seen inside the unit (which then rolls back).
    let (first, second) = discard(store.as_ref(), move |tx| {
        Box::pin(async move {
            let first = tx.insert_account(&account(t.id, c.id, "R1", None)).await;
            let second = tx.insert_account(&account(t.id, c.id, "R1", None)).await;
            Ok((first, second))
        })
    })
    .await;
    first.unwrap();
    let err = second.unwrap_err();
    assert!(err.is_conflict_on("uq_accounts_reference_no"), "{err:?}");
    // PostgreSQL aborts a transaction at its first error: each check gets its own unit.
    // A unit that fails with the conflict answers with it.
    let err = try_write(store.as_ref(), |tx| {
        Box::pin(async move { tx.insert_tenant(&tenant("t1"), Utc::now()).await })
    })
    .await
    .unwrap_err();
    assert!(err.is_conflict_on("uq_tenants_code"), "{err:?}");
}

#[tokio::test]
async fn an_uncommitted_transaction_leaves_nothing() {
    let (_db, store) = empty_store().await;
    let (t, c) = seeded(store.as_ref()).await;
    let a = account(t.id, c.id, "R1", None);
    // A unit that discards its effects: rolled back, though it succeeded.
    let inserted = a.clone();
    let seen_inside = discard(store.as_ref(), move |tx| {
        Box::pin(async move {
            tx.insert_account(&inserted).await?;
            tx.account(inserted.tenant, inserted.id).await
        })
    })
    .await;
    assert_eq!(seen_inside, Some(a.clone()));
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .account(t.id, a.id)
            .await
            .unwrap(),
        None
    );
    // A unit that fails after writing: rolled back too, and its error comes out.
    let inserted = a.clone();
    let err = try_write(store.as_ref(), move |tx| {
        Box::pin(async move {
            tx.insert_account(&inserted).await?;
            Err::<(), _>(DomainError::rule(
                DebitsuccessRule::NotActive,
                "refused after the write",
            ))
        })
    })
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::Rule {
                rule: Rule::Debitsuccess(DebitsuccessRule::NotActive),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .account(t.id, a.id)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn queries_never_cross_tenants() {
    let (_db, store) = demo_store().await;
    let mut tx = store.read().await.unwrap();
    let acme = tx
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let globex = tx
        .tenant_by_code(&TenantCode::parse("globex").unwrap())
        .await
        .unwrap()
        .unwrap();
    // EXT-ALPHA-1 exists in both tenants: each sees only its own.
    let ext = ExternalReferenceNo::parse("EXT-ALPHA-1").unwrap();
    let mine = tx
        .find_accounts(acme.id, None, Some(&ext), 10)
        .await
        .unwrap();
    let theirs = tx
        .find_accounts(globex.id, None, Some(&ext), 10)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(theirs.len(), 1);
    assert_ne!(mine[0].id, theirs[0].id);
    assert_eq!(tx.account(acme.id, theirs[0].id).await.unwrap(), None);
}

#[tokio::test]
async fn find_accounts_requires_every_given_reference_to_match() {
    let (_db, store) = demo_store().await;
    let mut tx = store.read().await.unwrap();
    let acme = tx
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let r1 = AccountReferenceNo::parse("DS1000001").unwrap();
    let right = ExternalReferenceNo::parse("EXT-ALPHA-1").unwrap();
    let wrong = ExternalReferenceNo::parse("EXT-SHARED").unwrap();
    assert_eq!(
        tx.find_accounts(acme.id, Some(&r1), Some(&right), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tx.find_accounts(acme.id, Some(&r1), Some(&wrong), 10)
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        tx.find_accounts(acme.id, None, Some(&wrong), 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tx.find_accounts(acme.id, None, Some(&wrong), 1)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn counters_increase_without_gaps_under_concurrency() {
    let (_db, store) = empty_store().await;
    let (t, _) = seeded(store.as_ref()).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let attempt = try_write(store.as_ref(), move |tx| {
                    Box::pin(async move { tx.next_counter(t.id, "number").await })
                });
                match attempt.await {
                    Ok(n) => return n,
                    Err(DomainError::Unavailable { .. }) => continue,
                    Err(e) => panic!("{e:?}"),
                }
            }
        }));
    }
    let mut values: Vec<i64> = Vec::new();
    for task in tasks {
        values.push(task.await.unwrap());
    }
    values.sort();
    assert_eq!(values, (1..=20).collect::<Vec<_>>());
}

#[tokio::test]
async fn audit_events_are_written_in_the_use_case_transaction() {
    let (_db, store) = empty_store().await;
    let (t, _) = seeded(store.as_ref()).await;
    let event = AuditEvent {
        at: Utc::now(),
        tenant: t.id,
        user: None,
        initiator: Some("FrontDesk".into()),
        channel: Channel::Soap11,
        operation: "Test".into(),
        entity_type: "account".into(),
        entity_id: "x".into(),
        before: Some(serde_json::json!({"a": 1})),
        after: None,
        request_id: Some("r".into()),
        event: None,
    };
    let dropped = event.clone();
    discard(store.as_ref(), move |tx| {
        Box::pin(async move { tx.insert_audit(&dropped).await })
    })
    .await;
    assert!(store
        .read()
        .await
        .unwrap()
        .recent_audit(t.id, 10)
        .await
        .unwrap()
        .is_empty());
    write(store.as_ref(), move |tx| {
        Box::pin(async move { tx.insert_audit(&event).await })
    })
    .await;
    let events = store
        .read()
        .await
        .unwrap()
        .recent_audit(t.id, 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].initiator.as_deref(), Some("FrontDesk"));
    assert_eq!(events[0].before, Some(serde_json::json!({"a": 1})));
}

#[tokio::test]
async fn stopping_the_app_closes_the_store_after_a_final_checkpoint() {
    let app = crate::helpers::spawn_app().await;
    let store = app.store();
    let db = app.stop().await;

    // Closed: a write is answered "unavailable", never run.
    let closed = store
        .write(billing_compat::domain::store::erase(|tx| {
            Box::pin(async move {
                tx.insert_tenant(&tenant("late"), Utc::now()).await?;
                Ok(billing_compat::domain::store::Kept::commit(()))
            })
        }))
        .await;
    assert!(
        matches!(closed, Err(DomainError::Unavailable { .. })),
        "{:?}",
        closed.err()
    );
    // SQLite: the last connection checkpointed the WAL back into the database file.
    if let Some(file) = db.url().strip_prefix("sqlite://") {
        let wal = format!("{}-wal", file.split('?').next().unwrap_or(file));
        let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(left, 0, "{wal}");
    }
}
