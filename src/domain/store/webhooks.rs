use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::event::FeedCursor;
use crate::domain::webhook::{Delivery, Endpoint, EndpointId};
use crate::domain::DomainError;

/// Webhook endpoints and their delivery attempts (migration 0011; docs/events.md "Webhooks").
#[async_trait]
pub trait WebhookRepo: Send {
    async fn insert_endpoint(&mut self, endpoint: &Endpoint) -> Result<(), DomainError>;
    async fn endpoint(&mut self, id: EndpointId) -> Result<Option<Endpoint>, DomainError>;
    /// Every endpoint, oldest first (operators register a handful).
    async fn endpoints(&mut self) -> Result<Vec<Endpoint>, DomainError>;
    /// Deletes the endpoint and its deliveries; false if there was none.
    async fn delete_endpoint(&mut self, id: EndpointId) -> Result<bool, DomainError>;
    /// Stores the endpoint's delivery state (cursor, attempt, failing_since, disabled) if
    /// its cursor is still `expected`: false when another worker moved it meanwhile (the
    /// caller then rolls back), so an event is never recorded delivered twice.
    async fn update_delivery_state(
        &mut self,
        endpoint: &Endpoint,
        expected: FeedCursor,
    ) -> Result<bool, DomainError>;
    /// Records an attempt; its `n` is drawn here (the endpoint's next) and returned.
    async fn insert_delivery(&mut self, delivery: &Delivery) -> Result<i64, DomainError>;
    /// Up to `limit` attempts with `n` below `before` (all when `None`), newest first.
    async fn deliveries(
        &mut self,
        endpoint: EndpointId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, DomainError>;
    /// Deletes up to `limit` attempts made before `before` (retention); returns how many.
    async fn purge_deliveries(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;
}
