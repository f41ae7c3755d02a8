use async_trait::async_trait;

use crate::domain::event::{FeedCursor, FeedEvent, FeedFilter};
use crate::domain::DomainError;

/// The event feed's reads (docs/events.md "The cursor"). Events are the audit rows that
/// name an event type; they are written by `AuditRepo::insert_audit`.
///
/// A reader takes a `horizon` first and passes it to both reads: only events of
/// transactions below it are returned. Every transaction below the horizon had finished
/// when it was taken, so the set of events below it never changes afterwards, and a
/// cursor that has passed an event has passed every event before it in feed order.
#[async_trait]
pub trait EventRepo: Send {
    /// The horizon: PostgreSQL's oldest running transaction id
    /// (`pg_snapshot_xmin(pg_current_snapshot())`); SQLite, whose single writer commits in
    /// order, has no transaction still running to wait for (its events all carry xid 0).
    async fn feed_horizon(&mut self) -> Result<i64, DomainError>;
    /// Up to `limit` events that pass `filter` among the first `scan` events after `after`,
    /// in feed order. `scan` bounds what one read examines however rarely the filter
    /// matches (every request's cost is bounded; docs/events.md "Reading the feed").
    async fn feed_page(
        &mut self,
        after: FeedCursor,
        horizon: i64,
        filter: &FeedFilter,
        limit: i64,
        scan: i64,
    ) -> Result<Vec<FeedEvent>, DomainError>;
    /// The position of the last of the first `scan` events after `after` (any filter
    /// aside), if there is one: where a filtered page that came up short leaves the cursor.
    async fn feed_window_end(
        &mut self,
        after: FeedCursor,
        horizon: i64,
        scan: i64,
    ) -> Result<Option<FeedCursor>, DomainError>;
    /// The position of the last event after `after` (any filter aside), if there is one.
    async fn feed_last(
        &mut self,
        after: FeedCursor,
        horizon: i64,
    ) -> Result<Option<FeedCursor>, DomainError>;
}
