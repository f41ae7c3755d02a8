//! The write path (issue 15, docs/architecture.md "The write path"): units of work batched
//! into one SQLite commit stay independent. A unit that fails — a rule, a unique-constraint
//! conflict — is rolled back alone and gets its own answer; the others' effects and answers
//! are untouched. On PostgreSQL (no batching) the same units give the same outcomes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use billing_compat::domain::account::{Account, AccountReferenceNo, AccountStatus};
use billing_compat::domain::customer::Customer;
use billing_compat::domain::ids::{AccountId, CustomerId, TenantId};
use billing_compat::domain::rules::{DebitsuccessRule, Rule};
use billing_compat::domain::store::{self, Kept, Store};
use billing_compat::domain::tenant::{Tenant, TenantCode, TimeZone};
use billing_compat::domain::DomainError;
use chrono::{NaiveDate, Utc};

use crate::helpers::empty_store;

fn account(tenant: TenantId, customer: CustomerId, reference: &str) -> Account {
    Account {
        id: AccountId::new(),
        tenant,
        customer,
        reference_no: AccountReferenceNo::parse(reference).unwrap(),
        external_reference_no: None,
        poid: None,
        status: AccountStatus::Active,
        start_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        termination_date: None,
        final_bill_date: None,
        total_contract_value: None,
    }
}

/// What unit `i` of the batch does: succeed, break a rule after writing, or collide with an
/// existing account's unique reference after writing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Succeeds,
    BreaksARule,
    Collides,
}

fn kind(i: usize) -> Kind {
    match i % 3 {
        0 => Kind::Succeeds,
        1 => Kind::BreaksARule,
        _ => Kind::Collides,
    }
}

async fn unit(
    store: Arc<dyn Store>,
    tenant: TenantId,
    customer: CustomerId,
    i: usize,
) -> Result<usize, DomainError> {
    store::run(store.as_ref(), move |tx| {
        Box::pin(async move {
            tx.insert_account(&account(tenant, customer, &format!("U{i:03}")))
                .await?;
            match kind(i) {
                Kind::Succeeds => {}
                Kind::BreaksARule => {
                    return Err(DomainError::rule(DebitsuccessRule::NotActive, "broken"))
                }
                Kind::Collides => {
                    tx.insert_account(&account(tenant, customer, "EXISTING"))
                        .await?;
                }
            }
            Ok(Kept::commit(i))
        })
    })
    .await
    .map(|(i, _)| i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_unit_in_a_batch_is_rolled_back_alone_and_answered_alone() {
    let (_db, store) = empty_store().await;
    let tenant = Tenant {
        id: TenantId::new(),
        code: TenantCode::parse("t1").unwrap(),
        name: "t1".into(),
        time_zone: TimeZone::default(),
    };
    let customer = Customer {
        id: CustomerId::new(),
        tenant: tenant.id,
        parent: None,
        name: "C".into(),
    };
    let (t, c) = (tenant.id, customer.id);
    store::run(store.as_ref(), move |tx| {
        Box::pin(async move {
            tx.insert_tenant(&tenant, Utc::now()).await?;
            tx.insert_customer(&customer).await?;
            tx.insert_account(&account(tenant.id, customer.id, "EXISTING"))
                .await?;
            Ok(Kept::commit(()))
        })
    })
    .await
    .unwrap();
    let before = store.batching();

    // Hold the writer with a unit that waits until the next twelve have been handed to the
    // store (and a little more), so they queue behind it and (SQLite) go into one
    // transaction together. Waiting on a count, not a fixed time: on a loaded machine a
    // fixed pause let some of them arrive after the gate had gone (two batches, not one).
    let submitted = Arc::new(AtomicUsize::new(0));
    let gate = tokio::spawn({
        let (store, submitted) = (store.clone(), submitted.clone());
        async move {
            store::run(store.as_ref(), move |_tx| {
                Box::pin(async move {
                    let deadline = std::time::Instant::now() + Duration::from_secs(20);
                    while submitted.load(Ordering::SeqCst) < 12
                        && std::time::Instant::now() < deadline
                    {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                    Ok(Kept::commit(()))
                })
            })
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let units: Vec<_> = (0..12)
        .map(|i| {
            let (store, submitted) = (store.clone(), submitted.clone());
            tokio::spawn(async move {
                // The first poll hands the unit to the store (SQLite: into the writer's
                // queue); only then does it count as submitted.
                let mut answer = Box::pin(unit(store, t, c, i));
                if let std::task::Poll::Ready(done) = futures_util::poll!(answer.as_mut()) {
                    submitted.fetch_add(1, Ordering::SeqCst);
                    return done;
                }
                submitted.fetch_add(1, Ordering::SeqCst);
                answer.await
            })
        })
        .collect();
    gate.await.unwrap().unwrap();
    let mut answers = Vec::new();
    for task in units {
        answers.push(task.await.unwrap());
    }

    // Each unit got its own answer.
    for (i, answer) in answers.iter().enumerate() {
        match (kind(i), answer) {
            (Kind::Succeeds, Ok(n)) => assert_eq!(*n, i),
            (Kind::BreaksARule, Err(DomainError::Rule { rule, .. })) => {
                assert_eq!(*rule, Rule::Debitsuccess(DebitsuccessRule::NotActive))
            }
            (Kind::Collides, Err(DomainError::Conflict { constraint })) => {
                assert_eq!(constraint, "uq_accounts_reference_no")
            }
            (k, other) => panic!("unit {i} ({k:?}) answered {other:?}"),
        }
    }
    // Only the successes' effects are stored; the failures' earlier writes are gone.
    let mut tx = store.read().await.unwrap();
    for i in 0..12 {
        let reference = AccountReferenceNo::parse(&format!("U{i:03}")).unwrap();
        let found = tx.account_by_reference(t, &reference).await.unwrap();
        assert_eq!(found.is_some(), kind(i) == Kind::Succeeds, "unit {i}");
    }
    drop(tx);

    // SQLite: the twelve really shared a commit (the gate's was the one before).
    if let (Some(before), Some(after)) = (before, store.batching()) {
        assert_eq!(after.commits - before.commits, 2, "{before:?} -> {after:?}");
        assert!(after.largest >= 12, "{before:?} -> {after:?}");
    }
}

/// A unit that panics is rolled back and answered as an internal error; the writer goes on.
#[tokio::test]
async fn a_panicking_unit_is_answered_and_the_writer_survives() {
    let (_db, store) = empty_store().await;
    let outcome = store::run(store.as_ref(), |tx| {
        Box::pin(async move {
            tx.insert_tenant(
                &Tenant {
                    id: TenantId::new(),
                    code: TenantCode::parse("gone").unwrap(),
                    name: "gone".into(),
                    time_zone: TimeZone::default(),
                },
                Utc::now(),
            )
            .await?;
            if tx
                .tenant_by_code(&TenantCode::parse("gone").unwrap())
                .await?
                .is_some()
            {
                panic!("a bug in a use-case");
            }
            Ok(Kept::commit(()))
        })
    })
    .await;
    assert!(
        matches!(outcome, Err(DomainError::Internal(_))),
        "{outcome:?}"
    );
    let mut tx = store.read().await.unwrap();
    let code = TenantCode::parse("gone").unwrap();
    assert!(tx.tenant_by_code(&code).await.unwrap().is_none());
    drop(tx);
    // Still writing.
    store::run(store.as_ref(), |tx| {
        Box::pin(async move {
            tx.insert_tenant(
                &Tenant {
                    id: TenantId::new(),
                    code: TenantCode::parse("after").unwrap(),
                    name: "after".into(),
                    time_zone: TimeZone::default(),
                },
                Utc::now(),
            )
            .await?;
            Ok(Kept::commit(()))
        })
    })
    .await
    .unwrap();
}
