//! Jobs as operators see them (issue 19 item 2, "jobs by status with retry of a failed
//! one"; docs/console.md "Jobs"): a queued job's whole row, the filters of the listing and
//! its cursor. The worker's own view of a job is `store::Job`.

use chrono::{DateTime, Utc};

use super::catalog::text_enum;
use super::ids::TenantId;
use super::store::JobId;
use super::DomainError;

text_enum!(
    /// Where a job is in its life (migration 0001's `jobs.status` check).
    JobStatus, "status", {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
);

/// A job's row, for operators. The payload is left out: it is the handler's input, and
/// what it may hold is each handler's business, not an operator listing's.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord {
    pub id: JobId,
    pub tenant: TenantId,
    /// The tenant's code; `None` if the tenant row is gone.
    pub tenant_code: Option<String>,
    pub kind: String,
    pub status: JobStatus,
    /// When it is due (queued), or was last due.
    pub run_at: DateTime<Utc>,
    pub attempts: i64,
    pub max_attempts: i64,
    /// The last failed attempt's reason, as the worker recorded it.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When its status last changed (for a finished job: when it finished).
    pub updated_at: DateTime<Utc>,
}

impl JobRecord {
    /// Where a listing that ended with this job goes on from.
    pub fn cursor(&self) -> JobCursor {
        JobCursor {
            updated_at: self.updated_at,
            id: self.id,
        }
    }
}

/// A position in a listing, newest change first: the jobs after it changed before
/// `updated_at`, or at the same time with a smaller id. Written `MICROS-ID`: the time in
/// microseconds since 1970 (the stored precision) and the id's 32 hex digits, so every
/// string of that shape is a cursor (`adapters/admin/jobs.rs` gives OpenAPI the pattern).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobCursor {
    pub updated_at: DateTime<Utc>,
    pub id: JobId,
}

impl JobCursor {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::invalid(
                "before",
                "not a cursor: pass a page's `next` as it was given",
            )
        };
        let (micros, id) = text.split_once('-').ok_or_else(bad)?;
        let well_formed = (1..=16).contains(&micros.len())
            && micros.bytes().all(|b| b.is_ascii_digit())
            && id.len() == 32
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !well_formed {
            return Err(bad());
        }
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let updated_at = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
        Ok(Self {
            updated_at,
            id: JobId(id),
        })
    }
}

impl std::fmt::Display for JobCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            self.updated_at.timestamp_micros(),
            self.id.0.simple()
        )
    }
}

/// Which jobs a listing shows: one status (the index `ix_jobs_finished (status,
/// updated_at)` walks it in order), optionally one kind and one tenant.
#[derive(Clone, Debug, PartialEq)]
pub struct JobFilter {
    pub status: JobStatus,
    pub kind: Option<String>,
    pub tenant: Option<TenantId>,
}

impl JobFilter {
    /// Whether anything but the status narrows the listing (then a page is read from a
    /// bounded window of the status's jobs, see `service::admin::jobs`).
    pub fn narrows(&self) -> bool {
        self.kind.is_some() || self.tenant.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written() {
        let cursor = JobCursor {
            updated_at: crate::domain::clock::from_storage("2026-01-02T03:04:05.000006Z").unwrap(),
            id: JobId(uuid::Uuid::new_v4()),
        };
        assert_eq!(JobCursor::parse(&cursor.to_string()).unwrap(), cursor);
    }

    #[test]
    fn every_string_of_the_documented_shape_is_a_cursor() {
        for good in [
            "0-0123456789abcdef0123456789abcdef",
            "9999999999999999-ffffffffffffffffffffffffffffffff",
        ] {
            assert!(JobCursor::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn malformed_cursors_are_refused() {
        let id = "0123456789abcdef0123456789abcdef";
        for bad in [
            "".to_owned(),
            "x".to_owned(),
            format!("-{id}"),
            format!("12345678901234567-{id}"),
            format!("12x-{id}"),
            format!("12-{}", &id[1..]),
            format!("12-{}", id.to_uppercase()),
            "2026-01-02T03:04:05.000006Z~0".to_owned(),
        ] {
            assert!(JobCursor::parse(&bad).is_err(), "{bad}");
        }
    }
}
