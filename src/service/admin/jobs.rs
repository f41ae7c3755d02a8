//! Jobs for operators (issue 19 item 2, "jobs by status with retry of a failed one";
//! docs/console.md "Jobs"): a bounded listing by status, kind and tenant, the counts the
//! console's dashboard shows, and the retry of a failed job with its audit row.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::audit::{AuditEvent, Channel};
use crate::domain::job::{JobCursor, JobFilter, JobRecord, JobStatus};
use crate::domain::operator::Operator;
use crate::domain::store::{JobId, Kept};
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;
use crate::service::Services;

/// Jobs per page: 1–500, 50 when not given.
pub const MAX_PAGE: i64 = 500;
pub const DEFAULT_PAGE: i64 = 50;
/// A filtered page examines at most this many jobs of its status (the events feed's rule,
/// docs/events.md): a kind or tenant that rarely matches costs this, not every job.
pub const SCAN: i64 = 10_000;
/// Counts stop here: the dashboard says "10000+" rather than count a big backlog.
pub const COUNT_CAP: i64 = 10_000;
/// The longest `kind` filter taken (kinds are short names such as `flolive.detach`).
pub const MAX_KIND: usize = 100;

/// A listing as asked for.
#[derive(Clone, Debug)]
pub struct JobQuery {
    pub status: JobStatus,
    pub kind: Option<String>,
    /// A tenant's code.
    pub tenant: Option<String>,
    pub before: Option<JobCursor>,
    pub limit: i64,
}

/// A page and where the next one starts (none: no more).
#[derive(Clone, Debug)]
pub struct JobPage {
    pub jobs: Vec<JobRecord>,
    pub next: Option<JobCursor>,
}

/// What a retry did. Refusing a job that is not failed is an outcome, not an error: the
/// guard is the update's own condition (STYLE.md, "state transitions are guarded in SQL").
#[derive(Clone, Debug)]
pub enum Retry {
    /// Back on the queue, due now.
    Queued(JobRecord),
    /// Not failed: nothing changed.
    NotFailed(JobStatus),
}

impl Services {
    /// A page of jobs, newest change first. A job that changes status while an operator
    /// pages moves to another status's listing; one that changes within its status (a
    /// queued job retried by the worker) may show twice or not at all across pages.
    pub async fn jobs(&self, query: JobQuery) -> Result<JobPage, DomainError> {
        if !(1..=MAX_PAGE).contains(&query.limit) {
            return Err(DomainError::invalid(
                "limit",
                format!("a whole number from 1 to {MAX_PAGE}"),
            ));
        }
        if let Some(kind) = &query.kind {
            if kind.is_empty() || kind.chars().count() > MAX_KIND {
                return Err(DomainError::invalid(
                    "kind",
                    format!("a job kind of 1 to {MAX_KIND} characters"),
                ));
            }
        }
        let mut read = self.store.read().await?;
        let tenant = match &query.tenant {
            None => None,
            Some(code) => {
                let code = TenantCode::parse(code)
                    .map_err(|_| DomainError::invalid("tenant", "not a tenant code"))?;
                match read.tenant_by_code(&code).await? {
                    Some(tenant) => Some(tenant.id),
                    // No such tenant: no jobs are its (as the event feed's filter).
                    None => {
                        return Ok(JobPage {
                            jobs: Vec::new(),
                            next: None,
                        })
                    }
                }
            }
        };
        let filter = JobFilter {
            status: query.status,
            kind: query.kind,
            tenant,
        };
        // Unfiltered, the page is the window.
        let scan = if filter.narrows() { SCAN } else { query.limit };
        let jobs = read
            .jobs_page(&filter, query.before, query.limit, scan)
            .await?;
        let next = match jobs.last() {
            Some(last) if jobs.len() as i64 == query.limit => Some(last.cursor()),
            // A short page: the window ran out (go on after it) or the jobs did.
            _ if filter.narrows() => {
                read.jobs_window_end(filter.status, query.before, scan)
                    .await?
            }
            _ => None,
        };
        Ok(JobPage { jobs, next })
    }

    /// One job.
    pub async fn job(&self, id: JobId) -> Result<JobRecord, DomainError> {
        let mut read = self.store.read().await?;
        read.job(id).await?.ok_or(DomainError::NotFound("job"))
    }

    /// How many jobs are in each status, each counted up to [`COUNT_CAP`].
    pub async fn job_counts(&self) -> Result<Vec<(JobStatus, i64)>, DomainError> {
        let mut read = self.store.read().await?;
        let mut counts = Vec::with_capacity(JobStatus::ALL.len());
        for status in JobStatus::ALL {
            counts.push((*status, read.count_jobs(*status, COUNT_CAP).await?));
        }
        Ok(counts)
    }

    /// Puts a failed job back on the queue, with an audit row naming `operator`, in one
    /// transaction; the worker is woken after the commit. The job's last error goes into
    /// the audit row's `before`, so the retry does not lose why it failed.
    pub async fn retry_job(
        &self,
        operator: &Operator,
        id: JobId,
        request_id: Option<String>,
    ) -> Result<Retry, DomainError> {
        let now = self.clock.now();
        let name = operator.name.as_str().to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                let Some(job) = tx.job(id).await? else {
                    return Err(DomainError::NotFound("job"));
                };
                if job.status != JobStatus::Failed {
                    return Ok(Kept::discard(Retry::NotFailed(job.status)));
                }
                if !tx.retry_failed_job(id, now).await? {
                    // Changed since it was read (on PostgreSQL): a concurrent retry queued
                    // it, or the purge deleted it. Say which.
                    return match tx.job(id).await? {
                        Some(current) => Ok(Kept::discard(Retry::NotFailed(current.status))),
                        None => Err(DomainError::NotFound("job")),
                    };
                }
                tx.insert_audit(&retry_audit(&job, &name, now, request_id))
                    .await?;
                let queued = JobRecord {
                    status: JobStatus::Queued,
                    run_at: now,
                    attempts: 0,
                    last_error: None,
                    updated_at: now,
                    ..job
                };
                Ok(Kept::commit(Retry::Queued(queued)))
            })
        })
        .await
    }
}

/// The audit row of a retry (docs/design.md §3): the operator is the initiator; no
/// billing data changed, so it is not an event of the feed.
fn retry_audit(
    job: &JobRecord,
    operator: &str,
    now: DateTime<Utc>,
    request_id: Option<String>,
) -> AuditEvent {
    AuditEvent {
        at: now,
        tenant: job.tenant,
        user: None,
        initiator: Some(operator.to_owned()),
        channel: Channel::Admin,
        operation: "admin.retryJob".into(),
        entity_type: "job".into(),
        entity_id: job.id.0.to_string(),
        before: Some(json!({
            "status": job.status.as_str(),
            "attempts": job.attempts,
            "lastError": job.last_error,
        })),
        after: Some(json!({
            "status": JobStatus::Queued.as_str(),
            "attempts": 0,
        })),
        request_id,
        event: None,
    }
}
