use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::TenantId;
use crate::domain::job::{JobCursor, JobFilter, JobRecord, JobStatus};
use crate::domain::store::{FinishedStatus, Job, JobId, JobLane, NewJob, QueueRepo};
use crate::domain::DomainError;

use super::row::{int, text, uuid};
use super::{queue_admin, Dialect, SqlTx};

#[async_trait]
impl<D: Dialect> QueueRepo for SqlTx<'_, D> {
    async fn enqueue(&mut self, job: &NewJob, now: DateTime<Utc>) -> Result<JobId, DomainError> {
        let id = uuid::Uuid::new_v4();
        let now = clock::to_storage(now);
        self.query(
            "INSERT INTO jobs (id, tenant_id, kind, payload, status, run_at, attempts, max_attempts, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7, $7)",
        )
        .bind(id.to_string())
        .bind(job.tenant.to_string())
        .bind(&job.kind)
        .bind(job.payload.to_string())
        .bind(clock::to_storage(job.run_at))
        .bind(i64::from(job.max_attempts))
        .bind(now)
        .execute()
        .await?;
        self.enqueued = true;
        Ok(JobId(id))
    }

    async fn claim_jobs(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
        lane: JobLane<'_>,
    ) -> Result<Vec<Job>, DomainError> {
        let (kind, included) = match lane {
            JobLane::Only(kind) => (kind, 1i64),
            JobLane::Except(kind) => (kind, 0i64),
        };
        let rows = self
            .query(D::CLAIM_JOBS)
            .bind(worker)
            .bind(clock::to_storage(now))
            .bind(clock::to_storage(lease_until))
            .bind(limit)
            .bind(kind)
            .bind(included)
            .fetch_all()
            .await?;
        rows.iter()
            .map(|row| {
                let payload = text(row, "payload")?;
                Ok(Job {
                    id: JobId(uuid(row, "id")?),
                    tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
                    kind: text(row, "kind")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|_| super::row::corrupt("payload", &payload))?,
                    attempts: int(row, "attempts")? as i32,
                    max_attempts: int(row, "max_attempts")? as i32,
                })
            })
            .collect()
    }

    async fn extend_lease(
        &mut self,
        id: JobId,
        worker: &str,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        self.query(
            "UPDATE jobs SET locked_until = $3, updated_at = $4 \
             WHERE id = $1 AND status = 'running' AND locked_by = $2",
        )
        .bind(id.0.to_string())
        .bind(worker)
        .bind(clock::to_storage(lease_until))
        .bind(clock::to_storage(now))
        .execute()
        .await
        .map(|n| n == 1)
    }

    async fn complete_job(
        &mut self,
        id: JobId,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let done = self.query(
            "UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, updated_at = $3 \
             WHERE id = $1 AND status = 'running' AND locked_by = $2",
        )
        .bind(id.0.to_string())
        .bind(worker)
        .bind(clock::to_storage(now))
        .execute()
        .await?;
        Ok(done == 1)
    }

    async fn release_job(
        &mut self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let (status, run_at) = match retry_at {
            Some(at) => ("queued", Some(clock::to_storage(at))),
            None => ("failed", None),
        };
        self.query(
            "UPDATE jobs SET status = $3, run_at = COALESCE($4, run_at), last_error = $5, locked_by = NULL, \
             locked_until = NULL, updated_at = $6 WHERE id = $1 AND locked_by = $2",
        )
        .bind(id.0.to_string())
        .bind(worker)
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(clock::to_storage(now))
        .execute()
        .await
        .map(|n| n == 1)
    }

    async fn reschedule_job(
        &mut self,
        id: JobId,
        worker: &str,
        run_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        self.query(
            "UPDATE jobs SET status = 'queued', run_at = $3, attempts = 0, last_error = NULL, \
             locked_by = NULL, locked_until = NULL, updated_at = $4 \
             WHERE id = $1 AND status = 'running' AND locked_by = $2",
        )
        .bind(id.0.to_string())
        .bind(worker)
        .bind(clock::to_storage(run_at))
        .bind(clock::to_storage(now))
        .execute()
        .await
        .map(|n| n == 1)
    }

    async fn pending_jobs(&mut self) -> Result<i64, DomainError> {
        let row = self
            .query("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')")
            .fetch_one()
            .await?;
        int(&row, "n")
    }

    async fn unfinished_jobs_of(
        &mut self,
        tenant: TenantId,
        up_to: i64,
    ) -> Result<i64, DomainError> {
        // Two range scans of ix_jobs_tenant_due, stopped after `up_to` rows.
        let row = self
            .query(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM jobs \
             WHERE status IN ('queued', 'running') AND tenant_id = $1 LIMIT $2) unfinished",
            )
            .bind(tenant.to_string())
            .bind(up_to)
            .fetch_one()
            .await?;
        int(&row, "n")
    }

    async fn purge_finished_jobs(
        &mut self,
        status: FinishedStatus,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        // ix_jobs_finished.
        self.delete_batch(
            "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs \
             WHERE status = $3 AND updated_at < $1 LIMIT $2)",
            before,
            limit,
            Some(status.as_str()),
        )
        .await
    }

    async fn claim_periodic(
        &mut self,
        task: &str,
        now: DateTime<Utc>,
        next_at: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        // Insert the first turn, or take a due one; a turn not yet due writes nothing. On
        // PostgreSQL a concurrent claimant waits on the row and then finds it not due.
        let taken = self
            .query(
                "INSERT INTO periodic_tasks (name, next_run_at) VALUES ($1, $3) \
             ON CONFLICT (name) DO UPDATE SET next_run_at = excluded.next_run_at \
             WHERE periodic_tasks.next_run_at <= $2",
            )
            .bind(task)
            .bind(clock::to_storage(now))
            .bind(clock::to_storage(next_at))
            .execute()
            .await?;
        Ok(taken == 1)
    }

    async fn job(&mut self, id: JobId) -> Result<Option<JobRecord>, DomainError> {
        queue_admin::job(self, id).await
    }

    async fn jobs_page(
        &mut self,
        filter: &JobFilter,
        before: Option<JobCursor>,
        limit: i64,
        scan: i64,
    ) -> Result<Vec<JobRecord>, DomainError> {
        queue_admin::jobs_page(self, filter, before, limit, scan).await
    }

    async fn jobs_window_end(
        &mut self,
        status: JobStatus,
        before: Option<JobCursor>,
        scan: i64,
    ) -> Result<Option<JobCursor>, DomainError> {
        queue_admin::jobs_window_end(self, status, before, scan).await
    }

    async fn count_jobs(&mut self, status: JobStatus, up_to: i64) -> Result<i64, DomainError> {
        queue_admin::count_jobs(self, status, up_to).await
    }

    async fn retry_failed_job(
        &mut self,
        id: JobId,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        queue_admin::retry_failed_job(self, id, now).await
    }
}
