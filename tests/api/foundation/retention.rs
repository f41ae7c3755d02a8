//! Issue 13, item 4: the worker's purge removes expired stored replies, finished jobs past
//! their retention and dead tokens, in bounded batches, once per period across instances;
//! live rows stay. The clock is driven, not waited for.

use std::sync::{Arc, Mutex};

use billing_compat::domain::clock::Clock;
use billing_compat::domain::ids::{ApiUserId, TenantId};
use billing_compat::domain::provisioning::Unit;
use billing_compat::domain::store::{IdempotencyRecord, JobLane, NewJob, Store, StoredReply};
use billing_compat::domain::token::{Token, TokenId, TokenKind};
use billing_compat::domain::user::ApiUser;
use billing_compat::service::jobs::WorkerSettings;
use billing_compat::service::retention::{self, Purged};
use billing_compat::service::{ServiceSettings, Services};
use chrono::{DateTime, Duration, Utc};

use crate::helpers::{demo_store, write, TestDb};

struct Manual(Mutex<DateTime<Utc>>);

impl Manual {
    fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
}

impl Clock for Manual {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(db.url()).await.unwrap();
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

async fn user(store: &dyn Store, name: &str) -> ApiUser {
    store.user_by_username(name).await.unwrap().unwrap()
}

fn reply_record(expires_at: DateTime<Utc>) -> IdempotencyRecord {
    IdempotencyRecord {
        request_hash: "h".into(),
        reply: StoredReply {
            status: 200,
            content_type: "application/json".into(),
            body: "{}".into(),
        },
        expires_at,
    }
}

fn crm_token(user: &ApiUser, expires_at: DateTime<Utc>, released: Option<DateTime<Utc>>) -> Token {
    let id = TokenId::new();
    Token {
        id,
        kind: TokenKind::Crmcom,
        tenant: user.tenant.id,
        user: user.id,
        hash: id.0.to_string(),
        unit: Some(Unit::default_unit()),
        issued_at: expires_at - Duration::hours(1),
        last_used_at: expires_at - Duration::hours(1),
        expires_at,
        released_at: released,
    }
}

/// Rows for every kind the purge handles, around `now`: what must go and what must stay.
async fn seed(store: &dyn Store, now: DateTime<Utc>) {
    let (tenant, someone) = (TenantId::new(), ApiUserId::new());
    let crm = user(store, "crm-agent").await;
    let bc = user(store, "bc-client").await;
    let crm_tokens = [
        crm_token(&crm, now - Duration::days(2), None),
        crm_token(
            &crm,
            now + Duration::hours(1),
            Some(now - Duration::days(2)),
        ),
        crm_token(&crm, now - Duration::hours(1), None),
        crm_token(&crm, now + Duration::hours(1), None),
    ];
    let won = write(store, move |tx| {
        Box::pin(async move {
            // Five expired stored replies (more than a purge batch of 2) and one live.
            let mut won = Vec::new();
            for k in 0..5 {
                let record = reply_record(now - Duration::seconds(1));
                let key = format!("old-{k}");
                won.push(
                    tx.claim_idempotency_key(
                        tenant,
                        someone,
                        &key,
                        &record,
                        now - Duration::hours(25),
                    )
                    .await?,
                );
            }
            tx.claim_idempotency_key(
                tenant,
                someone,
                "live",
                &reply_record(now + Duration::hours(1)),
                now,
            )
            .await?;
            // CRM.COM: expired two days ago, released two days ago (go); expired an hour
            // ago (within the 24 h retention), live (stay).
            for token in crm_tokens {
                tx.insert_token(&token).await?;
            }
            // Billing Care: expired (goes), live (stays).
            for (hash, expires_at) in [
                ("bc-old", now - Duration::seconds(1)),
                ("bc-live", now + Duration::hours(1)),
            ] {
                tx.insert_token(&Token {
                    id: TokenId::new(),
                    kind: TokenKind::BillingCare,
                    tenant: bc.tenant.id,
                    user: bc.id,
                    hash: hash.into(),
                    unit: None,
                    issued_at: expires_at - Duration::hours(1),
                    last_used_at: expires_at - Duration::hours(1),
                    expires_at,
                    released_at: None,
                })
                .await?;
            }
            // Jobs: one done, one failed, one still queued.
            for n in 0..3 {
                tx.enqueue(
                    &NewJob {
                        tenant,
                        kind: "test.kind".into(),
                        payload: serde_json::json!({ "n": n }),
                        run_at: Utc::now(),
                        max_attempts: 1,
                    },
                    Utc::now(),
                )
                .await?;
            }
            Ok(won)
        })
    })
    .await;
    assert!(won.iter().all(Option::is_none), "{won:?}");
    let at = Utc::now();
    let (claimed, completed) = write(store, move |tx| {
        Box::pin(async move {
            let mut claimed = tx
                .claim_jobs("w", at, at + Duration::seconds(30), 2, JobLane::ALL)
                .await?;
            claimed.sort_by_key(|j| j.payload["n"].as_u64());
            let Some(first) = claimed.first().map(|j| j.id) else {
                return Ok((claimed, false));
            };
            let completed = tx.complete_job(first, "w", at).await?;
            if let Some(second) = claimed.get(1) {
                tx.release_job(second.id, "w", "broken", None, at).await?;
            }
            Ok((claimed, completed))
        })
    })
    .await;
    assert_eq!(claimed.len(), 2);
    assert!(completed);
}

fn settings() -> WorkerSettings {
    WorkerSettings {
        purge_batch: 2,
        ..WorkerSettings::default()
    }
}

#[tokio::test]
async fn the_purge_removes_what_has_expired_and_keeps_what_is_live() {
    let (db, store) = demo_store().await;
    let now = Utc::now();
    seed(store.as_ref(), now).await;
    let clock = Arc::new(Manual(Mutex::new(now)));
    let services = Services::with_clock(store.clone(), ServiceSettings::default(), clock.clone());

    let purged = retention::purge(&services, &settings()).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            replies: 5,
            done_jobs: 0,
            failed_jobs: 0,
            crmcom_tokens: 2,
            billing_care_tokens: 1,
            nonces: 0,
            webhook_deliveries: 0,
            journal_aged: 0,
            journal_over_cap: 0,
        }
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'live'"
        )
        .await,
        1
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM idempotency_keys").await, 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM tokens WHERE kind = 'crmcom'").await,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM tokens WHERE kind = 'billing_care' AND token_hash = 'bc-live'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM tokens WHERE kind = 'billing_care'"
        )
        .await,
        1
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM jobs").await, 3);

    // A day later the done job is past its 24 h; the failed one is kept for a week, the
    // queued one until it runs. The CRM.COM token that expired an hour before the first
    // purge is past its retention too; the one live then has just reached it.
    clock.set(now + Duration::hours(25));
    let purged = retention::purge(&services, &settings()).await.unwrap();
    assert_eq!(
        (purged.done_jobs, purged.failed_jobs, purged.crmcom_tokens),
        (1, 0, 1)
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM jobs WHERE status = 'failed'").await,
        1
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'").await,
        1
    );

    clock.set(now + Duration::days(8));
    let purged = retention::purge(&services, &settings()).await.unwrap();
    assert_eq!((purged.done_jobs, purged.failed_jobs), (0, 1));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM jobs").await,
        1,
        "queued work is never purged"
    );
}

#[tokio::test]
async fn one_purge_runs_per_period_whichever_instance_asks() {
    let (_db, store) = demo_store().await;
    let now = Utc::now();
    let clock = Arc::new(Manual(Mutex::new(now)));
    // Two instances over one database, one clock.
    let first = Services::with_clock(store.clone(), ServiceSettings::default(), clock.clone());
    let second = Services::with_clock(store.clone(), ServiceSettings::default(), clock.clone());
    let settings = WorkerSettings::default();
    assert!(retention::purge_if_due(&first, &settings)
        .await
        .unwrap()
        .is_some());
    assert!(retention::purge_if_due(&second, &settings)
        .await
        .unwrap()
        .is_none());
    assert!(retention::purge_if_due(&first, &settings)
        .await
        .unwrap()
        .is_none());
    clock.set(now + chrono::Duration::from_std(settings.purge_interval).unwrap());
    assert!(retention::purge_if_due(&second, &settings)
        .await
        .unwrap()
        .is_some());
    assert!(retention::purge_if_due(&first, &settings)
        .await
        .unwrap()
        .is_none());
}
