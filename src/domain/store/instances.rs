//! Product instances: a product held by a customer (on an account, a subscription, an
//! installed item or a bundle), and its status. Every API reads the same rows
//! (docs/architecture.md "One core, five APIs").

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::ProductInstance;
use crate::domain::ids::{AccountId, ProductId, ProductInstanceId, SubscriptionId, TenantId};
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
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

    /// Ends an ACTIVE instance (DETACHED or CANCELLED, `effective_to = at`) in one
    /// conditional `UPDATE`: the lifecycle's guard (docs/design.md §3 "Product instance
    /// lifecycle"). Reports what the guard saw; a refused or missing instance is unchanged.
    async fn end_instance(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
        end: InstanceEnd,
        at: DateTime<Utc>,
    ) -> Result<Transition, DomainError>;

    /// The fixture import's insert, one statement: true when inserted, false when the
    /// tenant already has an instance with this id (an id another tenant holds is a
    /// conflict).
    /// [`ProductInstanceRepo::product_instances_of_account`], at most `limit` (the admin
    /// API's account view, whose cost is bounded).
    async fn product_instances_of_account_capped(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<ProductInstance>, DomainError>;
    async fn insert_product_instance_if_absent(
        &mut self,
        instance: &ProductInstance,
    ) -> Result<bool, DomainError>;
}
