//! Bounded storage (issue 13, item 4; docs/design.md §7 "every stored thing has a retention and a
//! purge"): the worker's periodic purge of what has outlived its use. See
//! `docs/operations.md` "Retention" for every table's retention.
//!
//! - stored replies (`idempotency_keys`: Idempotency-Key and Debitsuccess request-`Id`
//!   replies) once expired — the look-ups already ignore them;
//! - finished jobs: `done` after `done_job_retention`, `failed` after
//!   `failed_job_retention`;
//! - issued tokens (`tokens`), by their kind's policy (`domain::token::ExpiryPolicy`): CRM.COM
//!   tokens expired or released more than `crmcom_token_retention` ago (a client is told
//!   "expired" or "released" until then); Billing Care access tokens once expired (a refusal
//!   says the same for an expired and an unknown token, so nothing is lost by forgetting
//!   them at once);
//! - WS-Security nonces (`ws_nonces`) once expired: a nonce is remembered only for as long
//!   as a token carrying it could still pass the freshness window (docs/debitsuccess.md
//!   "WS-Security"), so the table holds at most one window's accepted nonces.
//! - webhook delivery attempts (`webhook_deliveries`) after `webhook_delivery_retention`
//!   (docs/events.md "Webhooks"): the listing is for diagnosing a receiver, not an archive.
//! - the request journal (`request_journal`, docs/operations.md "Request journal"): entries
//!   older than `--journal-max-age-hours`, then each tenant's (and the no-tenant requests')
//!   oldest past `--journal-max-per-tenant`.
//!
//! Each statement deletes at most `purge_batch` rows in its own transaction, so a purge of
//! a large backlog never holds SQLite's single writer for long: requests and jobs get the
//! writer between batches. Several instances on one PostgreSQL database take turns through
//! `periodic_tasks` (one runs each period); were two to overlap anyway, deleting the same
//! expired rows twice is harmless.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::domain::store::{FinishedStatus, Kept, Tx};
use crate::domain::token::TokenKind;
use crate::domain::DomainError;

use super::jobs::WorkerSettings;
use super::Services;

/// The `periodic_tasks` row of the purge.
pub const PURGE_TASK: &str = "purge";

/// How many rows one purge removed, per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub replies: u64,
    pub done_jobs: u64,
    pub failed_jobs: u64,
    /// `tokens` of kind CRM.COM.
    pub crmcom_tokens: u64,
    /// `tokens` of kind Billing Care.
    pub billing_care_tokens: u64,
    /// `ws_nonces`.
    pub nonces: u64,
    /// `webhook_deliveries`.
    pub webhook_deliveries: u64,
    /// `request_journal` entries past their age.
    pub journal_aged: u64,
    /// `request_journal` entries past their tenant's count cap.
    pub journal_over_cap: u64,
}

/// What one batch deletes, with its cut-off.
#[derive(Clone, Copy, Debug)]
enum Target {
    Replies {
        now: DateTime<Utc>,
    },
    Jobs(FinishedStatus, DateTime<Utc>),
    /// Tokens of the kind that expired or were released before the cut-off.
    Tokens(TokenKind, DateTime<Utc>),
    /// WS-Security nonces expired at or before `now`.
    Nonces {
        now: DateTime<Utc>,
    },
    /// Webhook delivery attempts made before the cut-off.
    Deliveries(DateTime<Utc>),
    /// Journal entries made before the cut-off.
    Journal(DateTime<Utc>),
}

impl Target {
    async fn delete_batch(self, tx: &mut dyn Tx, limit: i64) -> Result<u64, DomainError> {
        match self {
            Target::Replies { now } => tx.purge_idempotency_records(now, limit).await,
            Target::Jobs(status, before) => tx.purge_finished_jobs(status, before, limit).await,
            Target::Tokens(kind, before) => tx.purge_tokens(kind, before, limit).await,
            Target::Nonces { now } => tx.purge_nonces(now, limit).await,
            Target::Deliveries(before) => tx.purge_deliveries(before, limit).await,
            Target::Journal(before) => tx.purge_journal(before, limit).await,
        }
    }
}

fn ago(now: DateTime<Utc>, age: Duration) -> DateTime<Utc> {
    // A retention too large for chrono keeps everything.
    chrono::Duration::from_std(age)
        .ok()
        .and_then(|age| now.checked_sub_signed(age))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The purge's cut-off for a kind of token: its tokens expired or released before it go.
fn token_cut_off(kind: TokenKind, now: DateTime<Utc>, settings: &WorkerSettings) -> DateTime<Utc> {
    if kind.policy().tells_dead_from_unknown {
        // Kept so the client hears why; CRM.COM's tokens are the kind that are, and the
        // retention setting is theirs.
        ago(now, settings.crmcom_token_retention)
    } else {
        // Gone once expired, i.e. expired at or before `now`: before the next instant
        // storage can tell apart (timestamps are stored to the microsecond).
        now + chrono::Duration::microseconds(1)
    }
}

/// Purges everything due at the services' clock's `now`, batch by batch.
#[tracing::instrument(skip_all)]
pub async fn purge(services: &Services, settings: &WorkerSettings) -> Result<Purged, DomainError> {
    let now = services.clock.now();
    let batch = settings.purge_batch.max(1);
    let tokens = |kind| Target::Tokens(kind, token_cut_off(kind, now, settings));
    let purged = Purged {
        replies: drain(services, Target::Replies { now }, batch).await?,
        done_jobs: drain(
            services,
            Target::Jobs(FinishedStatus::Done, ago(now, settings.done_job_retention)),
            batch,
        )
        .await?,
        failed_jobs: drain(
            services,
            Target::Jobs(
                FinishedStatus::Failed,
                ago(now, settings.failed_job_retention),
            ),
            batch,
        )
        .await?,
        crmcom_tokens: drain(services, tokens(TokenKind::Crmcom), batch).await?,
        billing_care_tokens: drain(services, tokens(TokenKind::BillingCare), batch).await?,
        nonces: drain(services, Target::Nonces { now }, batch).await?,
        webhook_deliveries: drain(
            services,
            Target::Deliveries(ago(now, settings.webhook_delivery_retention)),
            batch,
        )
        .await?,
        journal_aged: drain(
            services,
            Target::Journal(ago(now, services.settings.journal.max_age)),
            batch,
        )
        .await?,
        journal_over_cap: drain_journal_caps(services, batch).await?,
    };
    tracing::info!(?purged, "purge done");
    Ok(purged)
}

/// Deletes `target`'s rows one short transaction per batch until a batch comes back short.
async fn drain(services: &Services, target: Target, batch: i64) -> Result<u64, DomainError> {
    let mut total = 0;
    loop {
        let unit_target = target;
        let deleted = services
            .write(move |tx| {
                Box::pin(async move {
                    let deleted = unit_target.delete_batch(tx, batch).await?;
                    Ok(Kept::commit(deleted))
                })
            })
            .await?;
        total += deleted;
        if deleted < batch as u64 {
            return Ok(total);
        }
        // Let requests waiting for the writer in between.
        tokio::task::yield_now().await;
    }
}

/// Most tenants one purge trims to the journal's count cap: a purge's work stays bounded;
/// the rest are trimmed by the next one.
const JOURNAL_TENANTS_PER_PURGE: i64 = 1000;

/// Trims each tenant's journal (and the no-tenant requests') to its newest
/// `max_per_tenant` entries, one short transaction per batch.
async fn drain_journal_caps(services: &Services, batch: i64) -> Result<u64, DomainError> {
    let cap = i64::from(services.settings.journal.max_per_tenant);
    let mut read = services.store.read().await?;
    let over = read
        .journal_tenants_over(cap, JOURNAL_TENANTS_PER_PURGE)
        .await?;
    drop(read);
    let mut total = 0;
    for tenant in over {
        loop {
            let tenant = tenant.clone();
            let deleted = services
                .write(move |tx| {
                    Box::pin(async move {
                        let deleted = tx.purge_journal_over(tenant.as_deref(), cap, batch).await?;
                        Ok(Kept::commit(deleted))
                    })
                })
                .await?;
            total += deleted;
            if deleted < batch as u64 {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
    Ok(total)
}

/// Runs the purge if no instance has run it within the last `purge_interval`.
pub async fn purge_if_due(
    services: &Services,
    settings: &WorkerSettings,
) -> Result<Option<Purged>, DomainError> {
    let now = services.clock.now();
    let next = chrono::Duration::from_std(settings.purge_interval)
        .ok()
        .and_then(|interval| now.checked_add_signed(interval))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let ours = services
        .write(move |tx| {
            Box::pin(async move {
                let ours = tx.claim_periodic(PURGE_TASK, now, next).await?;
                Ok(Kept::commit(ours))
            })
        })
        .await?;
    if !ours {
        return Ok(None);
    }
    purge(services, settings).await.map(Some)
}

/// The purge loop beside the job worker: checks once per `purge_interval` until shutdown.
pub async fn run(
    services: Arc<Services>,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = purge_if_due(&services, &settings).await {
            tracing::warn!(?error, "purge failed; trying again next period");
        }
        tokio::select! {
            // At least a second apart, whatever the setting says.
            _ = tokio::time::sleep(settings.purge_interval.max(Duration::from_secs(1))) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
