//! Issue 13, item 3: the queue serves tenants fairly (claims go round the tenants with due
//! work, oldest first within each), and a tenant's unfinished work is capped.

use billing_compat::domain::ids::TenantId;
use billing_compat::domain::limits::{Busy, Limit};
use billing_compat::domain::store::{Job, JobLane, NewJob, Store};
use billing_compat::domain::DomainError;
use billing_compat::service::jobs::{self, QUEUE_FULL_RETRY_AFTER};
use billing_compat::service::ServiceSettings;
use chrono::{DateTime, Duration, Utc};

use crate::helpers::{demo_store, discard, write};

fn job(tenant: TenantId, n: usize, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        tenant,
        kind: "test.kind".into(),
        payload: serde_json::json!({ "n": n }),
        run_at,
        max_attempts: 3,
    }
}

/// `n` jobs of `tenant`, due one microsecond apart from `from`, numbered from 0.
async fn flood(store: &dyn Store, tenant: TenantId, n: usize, from: DateTime<Utc>) {
    write(store, move |tx| {
        Box::pin(async move {
            for i in 0..n {
                let at = from + Duration::microseconds(i as i64);
                tx.enqueue(&job(tenant, i, at), Utc::now()).await?;
            }
            Ok(())
        })
    })
    .await;
}

async fn claim(store: &dyn Store, limit: i64) -> Vec<Job> {
    let now = Utc::now();
    write(store, move |tx| {
        Box::pin(async move {
            tx.claim_jobs("w", now, now + Duration::seconds(30), limit, JobLane::ALL)
                .await
        })
    })
    .await
}

/// The payload numbers of `tenant`'s jobs among `jobs`, sorted.
fn numbers_of(jobs: &[Job], tenant: TenantId) -> Vec<u64> {
    let mut numbers: Vec<u64> = jobs
        .iter()
        .filter(|j| j.tenant == tenant)
        .map(|j| j.payload["n"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[tokio::test]
async fn another_tenants_job_is_claimed_in_the_first_batch_behind_a_flood() {
    let (_db, store) = demo_store().await;
    let (flooder, other) = (TenantId::new(), TenantId::new());
    let start = Utc::now() - Duration::seconds(60);
    // 500 older jobs of one tenant, then one of another: FIFO would run all 500 first.
    flood(store.as_ref(), flooder, 500, start).await;
    flood(store.as_ref(), other, 1, start + Duration::seconds(1)).await;

    let first = claim(store.as_ref(), 16).await;
    assert_eq!(first.len(), 16);
    assert_eq!(
        numbers_of(&first, other),
        [0],
        "the other tenant's job is in the first claim"
    );
    // The flooder's share is its oldest jobs.
    assert_eq!(numbers_of(&first, flooder), (0..15).collect::<Vec<_>>());
    // With the other tenant served, a lone tenant gets full batches, still oldest first.
    let second = claim(store.as_ref(), 16).await;
    assert_eq!(numbers_of(&second, flooder), (15..31).collect::<Vec<_>>());
}

#[tokio::test]
async fn claims_go_round_the_tenants_with_due_work() {
    let (_db, store) = demo_store().await;
    let (a, b, c) = (TenantId::new(), TenantId::new(), TenantId::new());
    let start = Utc::now() - Duration::seconds(60);
    flood(store.as_ref(), a, 100, start).await;
    flood(store.as_ref(), b, 100, start + Duration::seconds(1)).await;
    flood(store.as_ref(), c, 2, start + Duration::seconds(2)).await;
    // Not yet due: never claimed, whatever its tenant's turn.
    let later = job(c, 99, Utc::now() + Duration::hours(1));
    write(store.as_ref(), move |tx| {
        Box::pin(async move { tx.enqueue(&later, Utc::now()).await })
    })
    .await;

    let first = claim(store.as_ref(), 6).await;
    assert_eq!(numbers_of(&first, a), [0, 1]);
    assert_eq!(numbers_of(&first, b), [0, 1]);
    assert_eq!(numbers_of(&first, c), [0, 1]);
    // c has nothing due left: a and b share the next claim.
    let second = claim(store.as_ref(), 6).await;
    assert_eq!(numbers_of(&second, a), [2, 3, 4]);
    assert_eq!(numbers_of(&second, b), [2, 3, 4]);
    assert!(numbers_of(&second, c).is_empty());
}

#[tokio::test]
async fn a_tenants_unfinished_jobs_are_counted_up_to_the_bound_asked() {
    let (_db, store) = demo_store().await;
    let (a, b) = (TenantId::new(), TenantId::new());
    let start = Utc::now() - Duration::seconds(60);
    flood(store.as_ref(), a, 5, start).await;
    flood(store.as_ref(), b, 3, start).await;
    let counts = write(store.as_ref(), move |tx| {
        Box::pin(async move {
            Ok([
                tx.unfinished_jobs_of(a, 100).await?,
                tx.unfinished_jobs_of(a, 4).await?,
                tx.unfinished_jobs_of(b, 100).await?,
            ])
        })
    })
    .await;
    assert_eq!(counts, [5, 4, 3]);
    // Leased jobs still count; finished ones do not (looked at in a unit rolled back).
    let claimed = claim(store.as_ref(), 8).await;
    let to_complete: Vec<_> = claimed
        .iter()
        .filter(|j| j.tenant == a)
        .take(2)
        .map(|j| j.id)
        .collect();
    assert_eq!(to_complete.len(), 2);
    let (leased, completed, after) = discard(store.as_ref(), move |tx| {
        Box::pin(async move {
            let leased = tx.unfinished_jobs_of(a, 100).await?;
            let mut completed = Vec::new();
            for id in to_complete {
                completed.push(tx.complete_job(id, "w", Utc::now()).await?);
            }
            Ok((leased, completed, tx.unfinished_jobs_of(a, 100).await?))
        })
    })
    .await;
    assert_eq!(leased, 5);
    assert_eq!(completed, [true, true]);
    assert_eq!(after, 3);
}

#[tokio::test]
async fn enqueueing_past_the_tenants_cap_is_refused_as_busy_and_adds_nothing() {
    let (_db, store) = demo_store().await;
    let (a, b) = (TenantId::new(), TenantId::new());
    let settings = ServiceSettings {
        max_queued_jobs_per_tenant: 3,
        ..ServiceSettings::default()
    };
    let now = Utc::now();
    let uncapped = ServiceSettings {
        max_queued_jobs_per_tenant: 0,
        ..ServiceSettings::default()
    };
    // One unit, rolled back at the end (the transaction was never committed before).
    let (over_cap, after_refusal, after_uncapped) = discard(store.as_ref(), move |tx| {
        Box::pin(async move {
            for n in 0..3 {
                jobs::enqueue(&mut *tx, &settings, &job(a, n, now), now).await?;
            }
            let over_cap = jobs::enqueue(&mut *tx, &settings, &job(a, 3, now), now).await;
            let after_refusal = tx.unfinished_jobs_of(a, 100).await?;
            // Another tenant's cap is its own; a cap of 0 turns the check off.
            jobs::enqueue(&mut *tx, &settings, &job(b, 0, now), now).await?;
            jobs::enqueue(&mut *tx, &uncapped, &job(a, 4, now), now).await?;
            Ok((
                over_cap,
                after_refusal,
                tx.unfinished_jobs_of(a, 100).await?,
            ))
        })
    })
    .await;
    match over_cap {
        Err(DomainError::Busy(busy)) => assert_eq!(
            busy,
            Busy::new(Limit::QueuedJobs { cap: 3 }, QUEUE_FULL_RETRY_AFTER)
        ),
        other => panic!("expected busy, got {other:?}"),
    }
    assert_eq!(after_refusal, 3);
    assert_eq!(after_uncapped, 4);
}
