//! Disconnect orders (docs/design.md §6.5) with their charge items: taken under a per-order
//! lock, answers recorded with who and when, versioned state changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::disconnect::{Acceptance, DisconnectOrder, ExternalId, OrderState};
use crate::domain::disconnect_answers::LockedOrder;
use crate::domain::ids::{AccountId, ApiUserId, DisconnectOrderId, TenantId};
use crate::domain::DomainError;

#[async_trait]
pub trait DisconnectRepo: Send {
    /// Inserts the order with its charge items.
    async fn insert_disconnect_order(&mut self, order: &DisconnectOrder)
        -> Result<(), DomainError>;
    async fn disconnect_order_by_external_id(
        &mut self,
        tenant: TenantId,
        external_id: ExternalId,
    ) -> Result<Option<DisconnectOrder>, DomainError>;

    /// Serialises every use-case on one order: an `UPDATE` of the order row (the row lock
    /// on PostgreSQL, held until the transaction ends; SQLite has one writer), then the
    /// order and its charge items read under it. `None` when the tenant has no such order.
    /// Call it before reading anything else of the order.
    async fn lock_disconnect_order(
        &mut self,
        tenant: TenantId,
        external_id: ExternalId,
    ) -> Result<Option<LockedOrder>, DomainError>;

    /// [`DisconnectRepo::lock_disconnect_order`] by the order's own id (the queue's jobs).
    async fn lock_disconnect_order_by_id(
        &mut self,
        tenant: TenantId,
        id: DisconnectOrderId,
    ) -> Result<Option<LockedOrder>, DomainError>;

    /// Records answers to charge items still awaiting one (items already answered are
    /// left as they are).
    async fn record_charge_answers(
        &mut self,
        order: DisconnectOrderId,
        answers: &[(String, Acceptance)],
        by: ApiUserId,
        at: DateTime<Utc>,
    ) -> Result<(), DomainError>;

    /// Moves the order to `state` and bumps its version, if the version is still
    /// `expected`; otherwise `Conflict { constraint: "disconnect_orders.version" }`.
    async fn advance_disconnect_order(
        &mut self,
        order: DisconnectOrderId,
        expected: i64,
        state: OrderState,
        at: DateTime<Utc>,
    ) -> Result<(), DomainError>;

    /// Inserts the order with its charge items unless the tenant has one with its external
    /// id (`uq_disconnect_orders_external_id`): true when inserted (the fixture import).
    /// The account's disconnect orders with their charge items, by external id, at most
    /// `limit`.
    async fn disconnect_orders_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<DisconnectOrder>, DomainError>;
    async fn insert_disconnect_order_if_absent(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<bool, DomainError>;
}
