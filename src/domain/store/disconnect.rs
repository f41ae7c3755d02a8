use async_trait::async_trait;

use crate::domain::disconnect::{DisconnectOrder, ExternalId};
use crate::domain::ids::TenantId;
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

    /// Inserts the order with its charge items unless the tenant has one with its external
    /// id (`uq_disconnect_orders_external_id`): true when inserted (the fixture import).
    async fn insert_disconnect_order_if_absent(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<bool, DomainError>;
}
