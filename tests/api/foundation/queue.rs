//! The durable queue: exclusive leases, lease expiry, retry and completion.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use billing_compat::domain::ids::TenantId;
use billing_compat::domain::store::{Job, JobLane, NewJob, Store, Tx};
use billing_compat::domain::tenant::TenantCode;
use billing_compat::service::jobs::{JobError, JobHandler, Registry, Worker, WorkerSettings};
use billing_compat::service::{ServiceSettings, Services};
use chrono::{Duration, Utc};

use crate::helpers::{demo_store, write};

async fn acme(store: &dyn Store) -> TenantId {
    store
        .read()
        .await
        .unwrap()
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn enqueue(store: &dyn Store, tenant: TenantId, kind: &str, n: usize) {
    let kind = kind.to_owned();
    write(store, move |tx| {
        Box::pin(async move {
            for i in 0..n {
                let job = NewJob {
                    tenant,
                    kind: kind.clone(),
                    payload: serde_json::json!({ "n": i }),
                    run_at: Utc::now(),
                    max_attempts: 3,
                };
                tx.enqueue(&job, Utc::now()).await?;
            }
            Ok(())
        })
    })
    .await;
}

#[tokio::test]
async fn a_leased_job_is_not_claimed_twice_until_its_lease_runs_out() {
    let (_db, store) = demo_store().await;
    let tenant = acme(store.as_ref()).await;
    enqueue(store.as_ref(), tenant, "test.kind", 3).await;
    let now = Utc::now();
    let (first, second) = write(store.as_ref(), move |tx| {
        Box::pin(async move {
            let first = tx
                .claim_jobs("w1", now, now + Duration::seconds(30), 10, JobLane::ALL)
                .await?;
            let second = tx
                .claim_jobs("w2", now, now + Duration::seconds(30), 10, JobLane::ALL)
                .await?;
            Ok((first, second))
        })
    })
    .await;
    assert_eq!(first.len(), 3);
    assert!(second.is_empty());
    // After the lease ends (w1 died), w2 takes them over; w1 can no longer complete them.
    let later = now + Duration::seconds(31);
    let (taken, by_w1, by_w2) = write(store.as_ref(), move |tx| {
        Box::pin(async move {
            let taken = tx
                .claim_jobs("w2", later, later + Duration::seconds(30), 10, JobLane::ALL)
                .await?;
            let Some(job) = taken.first().map(|j| j.id) else {
                return Ok((taken, None, None));
            };
            let by_w1 = tx.complete_job(job, "w1", later).await?;
            let by_w2 = tx.complete_job(job, "w2", later).await?;
            Ok((taken, Some(by_w1), Some(by_w2)))
        })
    })
    .await;
    assert_eq!(taken.len(), 3);
    assert!(taken.iter().all(|j| j.attempts == 2));
    assert_eq!(by_w1, Some(false));
    assert_eq!(by_w2, Some(true));
    assert_eq!(store.read().await.unwrap().pending_jobs().await.unwrap(), 2);
}

#[tokio::test]
async fn concurrent_claimers_split_the_work_without_overlap() {
    let (_db, store) = demo_store().await;
    let tenant = acme(store.as_ref()).await;
    enqueue(store.as_ref(), tenant, "test.kind", 40).await;
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let now = Utc::now();
                let jobs = write(store.as_ref(), move |tx| {
                    Box::pin(async move {
                        tx.claim_jobs(
                            &format!("w{w}"),
                            now,
                            now + Duration::seconds(30),
                            3,
                            JobLane::ALL,
                        )
                        .await
                    })
                })
                .await;
                if jobs.is_empty() {
                    return ids;
                }
                ids.extend(jobs.into_iter().map(|j| j.id.0));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40);
    assert_eq!(unique.len(), 40);
}

struct Flaky {
    calls: AtomicUsize,
    fail_first: usize,
}

#[async_trait]
impl JobHandler for Flaky {
    async fn run(&self, _tx: &mut dyn Tx, _job: &Job, _s: &Services) -> Result<(), JobError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first {
            Err(JobError::Transient(
                billing_compat::domain::DomainError::unavailable(
                    billing_compat::domain::Unavailability::Busy,
                    "flaky",
                ),
            ))
        } else {
            Ok(())
        }
    }
}

#[tokio::test]
async fn the_worker_completes_jobs_and_gives_up_after_max_attempts() {
    let (_db, store) = demo_store().await;
    let tenant = acme(store.as_ref()).await;
    let services = Arc::new(Services::new(store.clone(), ServiceSettings::default()));
    let ok = Arc::new(Flaky {
        calls: AtomicUsize::new(0),
        fail_first: 0,
    });
    let broken = Arc::new(Flaky {
        calls: AtomicUsize::new(0),
        fail_first: usize::MAX,
    });
    let registry = Registry::default().with([
        ("test.ok", ok.clone() as Arc<dyn JobHandler>),
        ("test.broken", broken.clone() as Arc<dyn JobHandler>),
    ]);
    enqueue(store.as_ref(), tenant, "test.ok", 2).await;
    enqueue(store.as_ref(), tenant, "test.broken", 1).await;
    let worker = Worker::new(services, registry, WorkerSettings::default());
    assert_eq!(worker.run_once().await.unwrap(), 3);
    assert_eq!(ok.calls.load(Ordering::SeqCst), 2);
    // The broken job was released for a retry later, not completed.
    assert_eq!(store.read().await.unwrap().pending_jobs().await.unwrap(), 1);
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "retry waits for its backoff"
    );
}
