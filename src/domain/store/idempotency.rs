use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::DomainError;

/// A reply exactly as it was sent, so a retry gets the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// SHA-256 of method, path and body: reuse of a key with another request is refused.
    pub request_hash: String,
    pub reply: StoredReply,
    pub expires_at: DateTime<Utc>,
}

/// Keys are scoped by tenant and user: two clients may pick the same key.
#[async_trait]
pub trait IdempotencyRepo: Send {
    /// Records the key with its reply unless a live record exists; returns the live
    /// record otherwise. Inside the use-case's transaction, so the reply and the effect
    /// commit together; on PostgreSQL a concurrent duplicate waits on the key's unique
    /// index until the first commits, then sees its record (docs/design.md §7).
    async fn claim_idempotency_key(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        key: &str,
        record: &IdempotencyRecord,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, DomainError>;

    /// Deletes up to `limit` records that expired at or before `now`; returns how many.
    /// Expired records are already ignored by the look-ups: this only frees the space.
    async fn purge_idempotency_records(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;

    async fn idempotency_record(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, DomainError>;
}
