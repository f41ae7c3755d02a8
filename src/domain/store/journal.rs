use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::journal::{
    JournalCursor, JournalEntry, JournalFilter, RecordedRequest, TrafficCount,
};
use crate::domain::DomainError;

/// The request journal (migration 0012; docs/operations.md "Request journal").
#[async_trait]
pub trait JournalRepo: Send {
    /// Inserts a batch of entries (the journal writer's one transaction).
    async fn insert_journal(&mut self, batch: &[RecordedRequest]) -> Result<(), DomainError>;
    /// Up to `limit` entries matching `filter`, newest first, after `after` when given.
    async fn journal_page(
        &mut self,
        filter: &JournalFilter,
        after: Option<JournalCursor>,
        limit: i64,
    ) -> Result<Vec<JournalEntry>, DomainError>;
    async fn journal_entry(&mut self, id: Uuid) -> Result<Option<RecordedRequest>, DomainError>;
    /// Entries since `since`, counted by (api, operation, outcome).
    async fn journal_traffic(
        &mut self,
        since: DateTime<Utc>,
    ) -> Result<Vec<TrafficCount>, DomainError>;
    /// Deletes up to `limit` entries older than `before` (retention); returns how many.
    async fn purge_journal(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;
    /// Up to `limit` tenants (`None`: no tenant) with more than `cap` entries.
    async fn journal_tenants_over(
        &mut self,
        cap: i64,
        limit: i64,
    ) -> Result<Vec<Option<String>>, DomainError>;
    /// Deletes up to `limit` of `tenant`'s entries older than its `cap` newest; returns how
    /// many.
    async fn purge_journal_over(
        &mut self,
        tenant: Option<&str>,
        cap: i64,
        limit: i64,
    ) -> Result<u64, DomainError>;
}
