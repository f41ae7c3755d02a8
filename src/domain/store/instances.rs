//! Product instances: a product held by a customer (on an account, a subscription, an
//! installed item or a bundle), and its status. Every API reads the same rows
//! (docs/architecture.md "One core, five APIs").

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{InstanceStatus, ProductInstance};
use crate::domain::ids::{AccountId, ProductId, ProductInstanceId, SubscriptionId, TenantId};
use crate::domain::DomainError;

#[async_trait]
pub trait ProductInstanceRepo: Send {
    async fn insert_product_instance(
        &mut self,
        instance: &ProductInstance,
    ) -> Result<(), DomainError>;
    async fn product_instance(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
    ) -> Result<Option<ProductInstance>, DomainError>;
    async fn product_instances_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
    ) -> Result<Vec<ProductInstance>, DomainError>;
    /// Whether the subscription holds an instance of the product (in any status).
    async fn product_on_subscription(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        subscription: SubscriptionId,
    ) -> Result<bool, DomainError>;

    async fn set_instance_status(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
        status: InstanceStatus,
    ) -> Result<(), DomainError>;
    /// ACTIVE → DETACHED with `effective_to = at`, in one conditional update; false when
    /// the instance was not ACTIVE any more.
    async fn detach_instance(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
        at: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
}
