use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{Bundle, InstalledItem, Product, ProductInstance, Subscription};
use crate::domain::ids::{
    AccountId, BundleId, InstalledItemId, ProductId, ProductInstanceId, SubscriptionId, TenantId,
};
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
use crate::domain::poid::Poid;
use crate::domain::DomainError;

#[async_trait]
pub trait CatalogRepo: Send {
    async fn insert_product(&mut self, product: &Product) -> Result<(), DomainError>;
    async fn product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
    ) -> Result<Option<Product>, DomainError>;
    async fn product_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<Product>, DomainError>;

    async fn insert_subscription(&mut self, subscription: &Subscription)
        -> Result<(), DomainError>;
    async fn subscription(
        &mut self,
        tenant: TenantId,
        id: SubscriptionId,
    ) -> Result<Option<Subscription>, DomainError>;

    async fn insert_installed_item(&mut self, item: &InstalledItem) -> Result<(), DomainError>;
    async fn installed_item(
        &mut self,
        tenant: TenantId,
        id: InstalledItemId,
    ) -> Result<Option<InstalledItem>, DomainError>;

    async fn insert_bundle(&mut self, bundle: &Bundle) -> Result<(), DomainError>;
    async fn bundle_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<Bundle>, DomainError>;

    async fn bundle(
        &mut self,
        tenant: TenantId,
        id: BundleId,
    ) -> Result<Option<Bundle>, DomainError>;

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

    // Inserts for the fixture import, one statement each: true when the row was inserted,
    // false when the tenant already has it by the key named; any other conflict is still
    // an error, as for the plain insert.

    /// Keyed by code (`uq_products_code`).
    async fn insert_product_if_absent(&mut self, product: &Product) -> Result<bool, DomainError>;
    /// Keyed by id within the tenant (an id another tenant holds is a conflict).
    async fn insert_subscription_if_absent(
        &mut self,
        subscription: &Subscription,
    ) -> Result<bool, DomainError>;
    /// Keyed by id within the tenant (an id another tenant holds is a conflict).
    async fn insert_installed_item_if_absent(
        &mut self,
        item: &InstalledItem,
    ) -> Result<bool, DomainError>;
    /// Keyed by POID (`uq_bundles_poid`).
    async fn insert_bundle_if_absent(&mut self, bundle: &Bundle) -> Result<bool, DomainError>;
    /// Keyed by id within the tenant (an id another tenant holds is a conflict).
    async fn insert_product_instance_if_absent(
        &mut self,
        instance: &ProductInstance,
    ) -> Result<bool, DomainError>;
}
