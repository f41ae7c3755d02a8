use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::ids::TenantId;
use crate::domain::job::{JobCursor, JobFilter, JobRecord, JobStatus};
use crate::domain::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JobId(pub uuid::Uuid);

/// Work to do later, enqueued in the same transaction as the change that needs it
/// (a transactional outbox: the job exists if and only if the change committed).
#[derive(Clone, Debug)]
pub struct NewJob {
    pub tenant: TenantId,
    /// Names the handler, e.g. `flolive.detach`.
    pub kind: String,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: JobId,
    pub tenant: TenantId,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts including the current one.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Which jobs a claim takes (docs/operations.md "Background work and fairness"): jobs that
/// wait on other people's servers (webhook deliveries) run in a lane of their own, so a
/// slow receiver never holds up a tenant's work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobLane<'a> {
    /// Jobs of this kind only.
    Only(&'a str),
    /// Jobs of every kind but this one.
    Except(&'a str),
}

impl JobLane<'_> {
    /// Every job (no kind is empty).
    pub const ALL: JobLane<'static> = JobLane::Except("");
}

/// Every method that stamps a time takes it (`now`) from the caller, whose clock is the
/// injected one (`Services::clock`), never the wall clock: tests drive the queue's time.
#[async_trait]
pub trait QueueRepo: Send {
    /// Queues `job`, created (and last updated) at `now`.
    async fn enqueue(&mut self, job: &NewJob, now: DateTime<Utc>) -> Result<JobId, DomainError>;
    /// Leases up to `limit` due jobs to `worker` until `lease_until`. Jobs whose lease ran
    /// out (their worker died) are due again. Safe across instances: PostgreSQL claims
    /// with `FOR UPDATE SKIP LOCKED`, SQLite has a single writer.
    /// Only jobs in `lane` are taken.
    async fn claim_jobs(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
        lane: JobLane<'_>,
    ) -> Result<Vec<Job>, DomainError>;
    /// Moves a leased job's lease on to `lease_until` (a job held while it waits for work,
    /// `service::jobs`); false if the lease was lost to another worker meanwhile.
    async fn extend_lease(
        &mut self,
        id: JobId,
        worker: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
    /// Marks a leased job done at `now`; false if the lease was lost to another worker
    /// meanwhile (the caller must then roll back its effects).
    async fn complete_job(
        &mut self,
        id: JobId,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
    /// Gives the job back at `now` for another attempt at `retry_at`, or marks it failed
    /// when `retry_at` is `None`; false if the lease was lost to another worker meanwhile.
    async fn release_job(
        &mut self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
    /// Gives a leased job that lives on (`service::jobs::Next::Again`) its next turn at
    /// `run_at`, its attempts counted afresh from there: the worker's backoff after a
    /// transient failure counts only the failures since the last good turn. False if the
    /// lease was lost meanwhile.
    async fn reschedule_job(
        &mut self,
        id: JobId,
        worker: &str,
        run_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
    /// Jobs not yet done (queued or leased), for tests and operators.
    async fn pending_jobs(&mut self) -> Result<i64, DomainError>;

    /// The tenant's jobs not yet finished (queued or leased), counted up to `up_to` only:
    /// the per-tenant cap needs to know "at least `up_to`", and stopping there keeps the
    /// count a bounded index range scan however full the queue is.
    async fn unfinished_jobs_of(
        &mut self,
        tenant: TenantId,
        up_to: i64,
    ) -> Result<i64, DomainError>;
    /// Deletes up to `limit` jobs in `status` (`done` or `failed`) last updated before
    /// `before`; returns how many. Bounded so one call never holds the writer long.
    async fn purge_finished_jobs(
        &mut self,
        status: FinishedStatus,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;
    /// Takes the turn of the periodic `task` if it is due at `now` and moves its next turn to
    /// `next_at`, in one guarded write: true for exactly one of several instances asking
    /// in the same period (docs/design.md §4: nothing in process memory is the source of truth).
    async fn claim_periodic(
        &mut self,
        task: &str,
        now: DateTime<Utc>,
        next_at: DateTime<Utc>,
    ) -> Result<bool, DomainError>;

    // Operators' view (issue 19; docs/console.md "Jobs").

    /// One job's row.
    async fn job(&mut self, id: JobId) -> Result<Option<JobRecord>, DomainError>;
    /// Up to `limit` jobs matching `filter` after `before`, newest change first, taken
    /// from the first `scan` jobs of the status after `before` only: a filter that rarely
    /// matches costs `scan` rows, not every job of the status.
    async fn jobs_page(
        &mut self,
        filter: &JobFilter,
        before: Option<JobCursor>,
        limit: i64,
        scan: i64,
    ) -> Result<Vec<JobRecord>, DomainError>;
    /// The last of the first `scan` jobs of `status` after `before`, if there are that
    /// many: where a page that found fewer than it asked for in that window goes on from.
    async fn jobs_window_end(
        &mut self,
        status: JobStatus,
        before: Option<JobCursor>,
        scan: i64,
    ) -> Result<Option<JobCursor>, DomainError>;
    /// The jobs in `status`, counted up to `up_to` only (a bounded index range scan).
    async fn count_jobs(&mut self, status: JobStatus, up_to: i64) -> Result<i64, DomainError>;
    /// Puts a failed job back on the queue, due at `now` with its attempts counted afresh;
    /// false (nothing changed) unless it was failed. The guard is in the statement, so two
    /// operators retrying at once queue it once.
    async fn retry_failed_job(
        &mut self,
        id: JobId,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
}

/// A job that will not run again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishedStatus {
    Done,
    Failed,
}

impl FinishedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FinishedStatus::Done => "done",
            FinishedStatus::Failed => "failed",
        }
    }
}
