//! The operators' reads and the retry of the `jobs` table (issue 19; docs/console.md
//! "Jobs"), kept apart from the worker's statements in `queue.rs`. Listings walk
//! `ix_jobs_finished (status, updated_at)` newest first; `(updated_at, id)` row values
//! order ties the same way on both backends.

use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::TenantId;
use crate::domain::job::{JobCursor, JobFilter, JobRecord, JobStatus};
use crate::domain::store::JobId;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{int, opt_text, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

const COLUMNS: &str = "j.id, j.tenant_id, t.code AS tenant_code, j.kind, j.status, j.run_at, \
     j.attempts, j.max_attempts, j.last_error, j.created_at, j.updated_at";

/// The inner columns a window keeps: every column but the payload.
const WINDOW_COLUMNS: &str = "id, tenant_id, kind, status, run_at, attempts, max_attempts, \
     last_error, created_at, updated_at";

fn record_from(row: &Row) -> Result<JobRecord, DomainError> {
    Ok(JobRecord {
        id: JobId(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        tenant_code: opt_text(row, "tenant_code")?,
        kind: text(row, "kind")?,
        status: parsed("status", &text(row, "status")?, JobStatus::parse)?,
        run_at: timestamp(row, "run_at")?,
        attempts: int(row, "attempts")?,
        max_attempts: int(row, "max_attempts")?,
        last_error: opt_text(row, "last_error")?,
        created_at: timestamp(row, "created_at")?,
        updated_at: timestamp(row, "updated_at")?,
    })
}

/// ` AND (updated_at, id) < ($n, $n+1)` when there is a cursor.
fn after(before: Option<JobCursor>, first: usize) -> String {
    match before {
        Some(_) => format!(" AND (updated_at, id) < (${first}, ${})", first + 1),
        None => String::new(),
    }
}

pub(super) async fn job<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    id: JobId,
) -> Result<Option<JobRecord>, DomainError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs j LEFT JOIN tenants t ON t.id = j.tenant_id WHERE j.id = $1"
    );
    tx.query(&sql)
        .bind(id.0.to_string())
        .fetch_optional()
        .await?
        .as_ref()
        .map(record_from)
        .transpose()
}

pub(super) async fn jobs_page<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    filter: &JobFilter,
    before: Option<JobCursor>,
    limit: i64,
    scan: i64,
) -> Result<Vec<JobRecord>, DomainError> {
    // $1 status, $2 window, $3 page; then the cursor's two, then the filters'.
    let mut next = 4;
    let window_after = after(before, next);
    if before.is_some() {
        next += 2;
    }
    let mut conditions = String::new();
    if filter.kind.is_some() {
        conditions.push_str(&format!(" AND j.kind = ${next}"));
        next += 1;
    }
    if filter.tenant.is_some() {
        conditions.push_str(&format!(" AND j.tenant_id = ${next}"));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM (SELECT {WINDOW_COLUMNS} FROM jobs WHERE status = $1{window_after} \
         ORDER BY updated_at DESC, id DESC LIMIT $2) j \
         LEFT JOIN tenants t ON t.id = j.tenant_id \
         WHERE TRUE{conditions} ORDER BY j.updated_at DESC, j.id DESC LIMIT $3"
    );
    let mut query = tx
        .query(&sql)
        .bind(filter.status.as_str())
        .bind(scan)
        .bind(limit);
    if let Some(cursor) = before {
        query = query
            .bind(clock::to_storage(cursor.updated_at))
            .bind(cursor.id.0.to_string());
    }
    if let Some(kind) = &filter.kind {
        query = query.bind(kind.as_str());
    }
    if let Some(tenant) = filter.tenant {
        query = query.bind(tenant.to_string());
    }
    query.fetch_all().await?.iter().map(record_from).collect()
}

pub(super) async fn jobs_window_end<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    status: JobStatus,
    before: Option<JobCursor>,
    scan: i64,
) -> Result<Option<JobCursor>, DomainError> {
    // The window's last row is the `scan`-th: none when the window is not full.
    let sql = format!(
        "SELECT updated_at, id FROM jobs WHERE status = $1{} \
         ORDER BY updated_at DESC, id DESC LIMIT 1 OFFSET $2",
        after(before, 3)
    );
    let mut query = tx.query(&sql).bind(status.as_str()).bind(scan - 1);
    if let Some(cursor) = before {
        query = query
            .bind(clock::to_storage(cursor.updated_at))
            .bind(cursor.id.0.to_string());
    }
    let row = query.fetch_optional().await?;
    row.map(|row| {
        Ok(JobCursor {
            updated_at: timestamp(&row, "updated_at")?,
            id: JobId(uuid(&row, "id")?),
        })
    })
    .transpose()
}

pub(super) async fn count_jobs<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    status: JobStatus,
    up_to: i64,
) -> Result<i64, DomainError> {
    let row = tx
        .query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM jobs WHERE status = $1 LIMIT $2) counted")
        .bind(status.as_str())
        .bind(up_to)
        .fetch_one()
        .await?;
    int(&row, "n")
}

pub(super) async fn retry_failed_job<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    id: JobId,
    now: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let now = clock::to_storage(now);
    let queued = tx
        .query(
            "UPDATE jobs SET status = 'queued', run_at = $2, attempts = 0, last_error = NULL, \
             locked_by = NULL, locked_until = NULL, updated_at = $2 \
             WHERE id = $1 AND status = 'failed'",
        )
        .bind(id.0.to_string())
        .bind(now)
        .execute()
        .await?
        == 1;
    // Wakes the worker after the commit, as an enqueue does.
    tx.enqueued |= queued;
    Ok(queued)
}
