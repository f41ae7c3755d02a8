//! The durable queue's worker (docs/design.md §4). Jobs live in the `jobs` table, enqueued in the
//! same transaction as the change that needs them; the worker leases due jobs, runs each
//! handler in a transaction that also marks the job done, and retries transient failures
//! with backoff. A crashed worker's lease runs out and another instance takes the job.
//!
//! Why not a crate: apalis-sql (the one maintained queue with SQLite *and* PostgreSQL)
//! enqueues through its own storage handle, outside our transaction, so a crash between
//! our commit and its push would lose work or run work for a rolled-back change. See
//! docs/architecture.md, "Decisions".

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::watch;

use crate::domain::limits::{Busy, Limit};
use crate::domain::store::{Job, JobId, JobLane, Kept, NewJob, Tx};
use crate::domain::DomainError;

use super::{ServiceSettings, Services};

/// What a client refused by the per-tenant queue cap is told to wait. One worker completes
/// on the order of a thousand floLIVE jobs a second (issue 13's flood: 13 600 in ~10 s), so
/// a full queue at the default cap has drained well within this.
pub const QUEUE_FULL_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Puts `job` on the durable queue in the caller's transaction (created at `now`, the
/// use-case's clock), unless its tenant already
/// has `max_queued_jobs_per_tenant` unfinished jobs (issue 13, item 3): then the use-case
/// fails with [`Limit::QueuedJobs`] and, its transaction rolled back, changes nothing.
///
/// Race-safe enough, not exact: on SQLite the single writer serialises use-cases, so the
/// cap holds exactly; on PostgreSQL (READ COMMITTED) concurrent use-cases of one tenant
/// each count before either commits, so the queue can exceed the cap by at most the number
/// of that tenant's requests in flight at once. A cap of 0 turns the check off.
pub async fn enqueue(
    tx: &mut dyn Tx,
    settings: &ServiceSettings,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<JobId, DomainError> {
    let cap = settings.max_queued_jobs_per_tenant;
    if cap > 0 && tx.unfinished_jobs_of(job.tenant, i64::from(cap)).await? >= i64::from(cap) {
        tracing::info!(tenant = %job.tenant, cap, "queued-work cap reached; request refused");
        return Err(DomainError::Busy(Busy::new(
            Limit::QueuedJobs { cap },
            QUEUE_FULL_RETRY_AFTER,
        )));
    }
    tx.enqueue(job, now).await
}

/// A handler's verdict on a failed attempt.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth retrying (the store was unavailable, a lock timed out…).
    #[error("transient: {0:?}")]
    Transient(DomainError),
    /// Retrying cannot help; the job is marked failed. Handlers record business failures
    /// (an operation FAILED with its reason) themselves and return `Ok`.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<DomainError> for JobError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Unavailable { .. }
            | DomainError::Conflict { .. }
            | DomainError::Busy(_) => JobError::Transient(error),
            other => JobError::Permanent(format!("{other:?}")),
        }
    }
}

/// What a handler that prepared its work outside the transaction found there
/// ([`JobHandler::prepare`]), handed to [`JobHandler::run_prepared`].
pub type Prepared = Box<dyn std::any::Any + Send>;

/// After a successful run: the job is done, or (a job that lives on, such as a webhook
/// endpoint's delivery, docs/events.md "Webhooks") runs again at the time given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Done,
    Again(DateTime<Utc>),
}

#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Does the job's work inside `tx`; the worker commits it together with the job's
    /// completion, so the effect happens exactly once.
    async fn run(&self, tx: &mut dyn Tx, job: &Job, services: &Services) -> Result<(), JobError>;

    /// Work done before the transaction and outside it — a network call, which must not
    /// hold SQLite's single writer or a pooled connection while it waits. The default
    /// prepares nothing.
    async fn prepare(&self, _job: &Job, _services: &Services) -> Result<Prepared, JobError> {
        Ok(Box::new(()))
    }

    /// [`JobHandler::run`] given what `prepare` found; the default ignores it and is done.
    async fn run_prepared(
        &self,
        tx: &mut dyn Tx,
        job: &Job,
        services: &Services,
        _prepared: Prepared,
    ) -> Result<Next, JobError> {
        self.run(tx, job, services).await.map(|()| Next::Done)
    }

    /// Whether what `prepare` found is "nothing to do yet", and when to look again. In a
    /// lane of its own ([`Registry::with_own_lane`]) such a job is held, its lease kept,
    /// and prepared again at that interval or at once when a change commits — a read
    /// each time, where finishing the turn would be a write (docs/operations.md
    /// "Background work and fairness"). The default: never idle.
    fn idle(&self, _prepared: &Prepared, _services: &Services) -> Option<Duration> {
        None
    }

    /// The job will not run again (a permanent failure, or its attempts are spent): record
    /// that where clients look, in the transaction that marks the job failed, so nothing is
    /// left "in progress" for ever. The default records nothing (the `jobs` row keeps the
    /// error for operators).
    async fn give_up(
        &self,
        _tx: &mut dyn Tx,
        _job: &Job,
        _services: &Services,
        _reason: &str,
    ) -> Result<(), DomainError> {
        Ok(())
    }
}

#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    own_lane: Option<&'static str>,
}

impl Registry {
    pub fn register(&mut self, kind: &'static str, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(kind, handler);
    }

    /// Jobs of `kind` run in a lane of their own, each as soon as it is due and none
    /// waiting for another: they wait on other people's servers (webhook receivers), and
    /// the batches of everything else must not wait with them (docs/operations.md
    /// "Background work and fairness").
    pub fn with_own_lane(mut self, kind: &'static str) -> Self {
        self.own_lane = Some(kind);
        self
    }

    pub fn with(
        mut self,
        handlers: impl IntoIterator<Item = (&'static str, Arc<dyn JobHandler>)>,
    ) -> Self {
        for (kind, handler) in handlers {
            self.register(kind, handler);
        }
        self
    }
}

#[derive(Clone, Debug)]
pub struct WorkerSettings {
    pub poll_interval: Duration,
    pub lease: Duration,
    pub batch: i64,
    /// How often the purge runs (among all instances sharing the database, once per
    /// interval; see `service::retention`).
    pub purge_interval: Duration,
    /// Rows deleted per purge statement: each batch is its own short transaction, so a
    /// purge never holds SQLite's single writer for long.
    pub purge_batch: i64,
    /// Completed jobs are kept this long after they finish (for operators), then purged.
    pub done_job_retention: Duration,
    /// Failed jobs are kept longer: an operator may need their `last_error`.
    pub failed_job_retention: Duration,
    /// Expired or released CRM.COM tokens are kept this long, so a client still hears
    /// "expired"/"released" rather than "invalid"; then purged.
    pub crmcom_token_retention: Duration,
    /// Webhook delivery attempts are kept this long (docs/operations.md "Retention").
    pub webhook_delivery_retention: Duration,
    /// Jobs the own lane runs at once ([`Registry::with_own_lane`]); the default is the
    /// cap on webhooks, so every endpoint's job fits.
    pub own_lane_capacity: usize,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(30),
            batch: 16,
            purge_interval: Duration::from_secs(60),
            purge_batch: 1000,
            done_job_retention: Duration::from_secs(24 * 3600),
            failed_job_retention: Duration::from_secs(7 * 24 * 3600),
            crmcom_token_retention: Duration::from_secs(24 * 3600),
            webhook_delivery_retention: Duration::from_secs(7 * 24 * 3600),
            own_lane_capacity: super::webhooks::DEFAULT_MAX_WEBHOOKS,
        }
    }
}

pub struct Worker {
    services: Arc<Services>,
    registry: Registry,
    settings: WorkerSettings,
    name: String,
}

impl Worker {
    pub fn new(services: Arc<Services>, registry: Registry, settings: WorkerSettings) -> Self {
        let name = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self {
            services,
            registry,
            settings,
            name,
        }
    }

    /// Runs until `shutdown` turns true; finishes the jobs in hand first. Two lanes run
    /// side by side: batches of every kind but the own lane's, and the own lane.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, "job worker started");
        match self.registry.own_lane {
            Some(kind) => {
                tokio::join!(
                    self.run_batches(shutdown.clone()),
                    self.run_own_lane(kind, shutdown)
                );
            }
            None => self.run_batches(shutdown).await,
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }

    async fn run_batches(&self, mut shutdown: watch::Receiver<bool>) {
        let mut ready = self.services.jobs_ready.subscribe();
        loop {
            ready.borrow_and_update();
            let ran = match self.run_once().await {
                Ok(n) => n,
                Err(error) => {
                    tracing::warn!(?error, "job worker could not claim work");
                    0
                }
            };
            if *shutdown.borrow() {
                break;
            }
            if ran == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.poll_interval) => {}
                    Ok(()) = ready.changed() => {}
                    _ = shutdown.changed() => {}
                }
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// The own lane: claims its jobs as room frees up and runs each on its own, so one
    /// waiting on a slow receiver holds up no other.
    async fn run_own_lane(&self, kind: &'static str, mut shutdown: watch::Receiver<bool>) {
        let mut ready = self.services.jobs_ready.subscribe();
        let mut running = futures_util::stream::FuturesUnordered::new();
        while !*shutdown.borrow() {
            ready.borrow_and_update();
            let room = self
                .settings
                .own_lane_capacity
                .saturating_sub(running.len());
            if room > 0 {
                let limit = i64::try_from(room).unwrap_or(i64::MAX);
                match self.claim(JobLane::Only(kind), limit).await {
                    Ok(jobs) => {
                        for job in jobs {
                            running.push(self.run_held(job, shutdown.clone()));
                        }
                    }
                    Err(error) => tracing::warn!(?error, "job worker could not claim work"),
                }
            }
            tokio::select! {
                Some(()) = running.next(), if !running.is_empty() => {}
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
                Ok(()) = ready.changed() => {}
                _ = shutdown.changed() => {}
            }
        }
        // Each held job sees the shutdown and finishes its turn, releasing its lease.
        while running.next().await.is_some() {}
    }

    /// Leases up to `limit` due jobs of `lane`.
    async fn claim(&self, lane: JobLane<'static>, limit: i64) -> Result<Vec<Job>, DomainError> {
        let now = self.services.clock.now();
        let lease_until = now + self.lease();
        let name = self.name.clone();
        self.services
            .write(move |tx| {
                Box::pin(async move {
                    let jobs = tx.claim_jobs(&name, now, lease_until, limit, lane).await?;
                    Ok(Kept::commit(jobs))
                })
            })
            .await
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::seconds(30))
    }

    /// Claims and runs one batch of jobs due at the services' clock's `now` (every kind but
    /// the own lane's); returns how many ran.
    pub async fn run_once(&self) -> Result<usize, DomainError> {
        let lane = match self.registry.own_lane {
            Some(kind) => JobLane::Except(kind),
            None => JobLane::ALL,
        };
        let jobs = self.claim(lane, self.settings.batch).await?;
        // The batch's jobs run at once, each its own unit of work: on SQLite they share the
        // writer's commits instead of paying one each (one at a time, the worker completed
        // about a thousand jobs a second however fast requests enqueued them). Handlers are
        // already safe side by side: on PostgreSQL several instances run a tenant's jobs at
        // the same time.
        futures_util::future::join_all(jobs.iter().map(|job| self.run_job(job))).await;
        Ok(jobs.len())
    }

    /// Runs one job of the own lane. While its handler finds nothing to do it is held: its
    /// lease is kept (one write per half lease, where a finished turn would be a write
    /// every look), and it looks again at the handler's interval, or at once when this
    /// instance commits a change. On shutdown it finishes its turn.
    async fn run_held(&self, job: Job, mut shutdown: watch::Receiver<bool>) {
        let Some(handler) = self.registry.handlers.get(job.kind.as_str()).cloned() else {
            return self.run_job(&job).await;
        };
        let mut committed = self.services.events_committed.subscribe();
        let mut renew_at = Instant::now() + self.settings.lease / 2;
        loop {
            // Renewed before a look, so a look that does find work (a POST, up to its
            // time-out) starts with at least half a lease left.
            if Instant::now() >= renew_at {
                if !self.extend_lease(&job).await {
                    return;
                }
                renew_at = Instant::now() + self.settings.lease / 2;
            }
            committed.borrow_and_update();
            let prepared = handler.prepare(&job, &self.services).await;
            let idle = match &prepared {
                Ok(found) => handler.idle(found, &self.services),
                Err(_) => None,
            };
            let Some(look_again) = idle.filter(|_| !*shutdown.borrow()) else {
                return self.finish(&handler, &job, prepared).await;
            };
            tokio::select! {
                Ok(()) = committed.changed() => {}
                _ = tokio::time::sleep(look_again) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Keeps a held job's lease; false if it was lost (another worker has the job now) or
    /// cannot be written (the lease runs out and the job is claimed again).
    async fn extend_lease(&self, job: &Job) -> bool {
        let (id, name) = (job.id, self.name.clone());
        let now = self.services.clock.now();
        let lease_until = now + self.lease();
        let kept = self
            .services
            .write(move |tx| {
                Box::pin(async move {
                    let kept = tx.extend_lease(id, &name, lease_until, now).await?;
                    Ok(Kept::commit(kept))
                })
            })
            .await;
        match kept {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(job = %job.id.0, "lease lost while held; the job is another worker's");
                false
            }
            Err(error) => {
                tracing::warn!(?error, job = %job.id.0, "could not keep a held job's lease");
                false
            }
        }
    }

    #[tracing::instrument(skip_all, fields(job = %job.id.0, kind = %job.kind, attempt = job.attempts))]
    async fn run_job(&self, job: &Job) {
        let Some(handler) = self.registry.handlers.get(job.kind.as_str()) else {
            tracing::error!("no handler for job kind");
            self.release(job, "no handler for this job kind", None)
                .await;
            return;
        };
        // Outside any transaction: the handler's slow part, if it has one.
        let prepared = handler.prepare(job, &self.services).await;
        self.finish(handler, job, prepared).await;
    }

    /// Commits a prepared job's effects with its completion (or next turn), or retries or
    /// gives it up.
    async fn finish(
        &self,
        handler: &Arc<dyn JobHandler>,
        job: &Job,
        prepared: Result<Prepared, JobError>,
    ) {
        let (handler_in, job_in, services, name) = (
            handler.clone(),
            job.clone(),
            self.services.clone(),
            self.name.clone(),
        );
        let result = match prepared {
            Err(error) => Err(error),
            Ok(prepared) => self
                .services
                .write(move |tx| {
                    Box::pin(async move {
                        let next = match handler_in
                            .run_prepared(tx, &job_in, &services, prepared)
                            .await
                        {
                            Ok(next) => next,
                            Err(error) => return Ok(Kept::discard(Err(error))),
                        };
                        let now = services.clock.now();
                        let kept = match next {
                            Next::Done => tx.complete_job(job_in.id, &name, now).await?,
                            Next::Again(at) => tx.reschedule_job(job_in.id, &name, at, now).await?,
                        };
                        if !kept {
                            tracing::warn!("lease lost before completion; effects rolled back");
                            return Ok(Kept::discard(Ok(())));
                        }
                        Ok(Kept::commit(Ok(())))
                    })
                })
                .await
                .map_err(JobError::from)
                .and_then(|outcome| outcome),
        };
        let outcome = match &result {
            Ok(()) => "done",
            Err(JobError::Transient(_)) if job.attempts < job.max_attempts => "retry",
            Err(_) => "failed",
        };
        metrics::counter!("billing_compat_jobs_total", "kind" => job.kind.clone(), "outcome" => outcome)
            .increment(1);
        match result {
            Ok(()) => tracing::debug!("job done"),
            Err(JobError::Transient(error)) if job.attempts < job.max_attempts => {
                let backoff = chrono::Duration::seconds(
                    2i64.saturating_pow(job.attempts.clamp(0, 10) as u32),
                );
                tracing::warn!(?error, "job failed, will retry");
                let retry_at = self.services.clock.now() + backoff;
                self.release(job, &format!("{error:?}"), Some(retry_at))
                    .await;
            }
            Err(error) => {
                tracing::error!(?error, "job failed for good");
                self.give_up(handler, job, &error.to_string()).await;
            }
        }
    }

    /// Marks the job failed together with the handler's record of the failure. If that
    /// cannot be written (the store is still down), the lease runs out, the job is claimed
    /// again with its attempts spent, and this is tried once more.
    async fn give_up(&self, handler: &Arc<dyn JobHandler>, job: &Job, reason: &str) {
        let (handler, job, services, name, reason) = (
            handler.clone(),
            job.clone(),
            self.services.clone(),
            self.name.clone(),
            reason.to_owned(),
        );
        let result = self
            .services
            .write(move |tx| {
                Box::pin(async move {
                    handler.give_up(tx, &job, &services, &reason).await?;
                    let now = services.clock.now();
                    tx.release_job(job.id, &name, &reason, None, now).await?;
                    Ok(Kept::commit(()))
                })
            })
            .await;
        if let Err(error) = result {
            tracing::warn!(?error, "could not record the job's failure");
        }
    }

    async fn release(&self, job: &Job, error: &str, retry_at: Option<DateTime<Utc>>) {
        let (id, name, error) = (job.id, self.name.clone(), error.to_owned());
        let now = self.services.clock.now();
        let result = self
            .services
            .write(move |tx| {
                Box::pin(async move {
                    tx.release_job(id, &name, &error, retry_at, now).await?;
                    Ok(Kept::commit(()))
                })
            })
            .await;
        if let Err(error) = result {
            // The lease will run out and the job will be claimed again.
            tracing::warn!(?error, "could not release job");
        }
    }
}
