//! The catalogue: products, subscriptions and installed items, by id and by the other keys
//! clients name them by (CRM.COM identifier objects carry a subscription `number`, a product
//! `alternative_code`, an installed item's `serial_number` or `alternative_code`: the
//! CRM.COM *cancel_subscriptions* page).

use async_trait::async_trait;

use crate::domain::catalog::{InstalledItem, Product, Subscription};
use crate::domain::ids::{InstalledItemId, ProductId, SubscriptionId, TenantId};
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
    /// Alternative codes are not unique: every match is returned.
    async fn products_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<Product>, DomainError>;

    async fn insert_subscription(&mut self, subscription: &Subscription)
        -> Result<(), DomainError>;
    async fn subscription(
        &mut self,
        tenant: TenantId,
        id: SubscriptionId,
    ) -> Result<Option<Subscription>, DomainError>;
    async fn subscription_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Subscription>, DomainError>;

    async fn insert_installed_item(&mut self, item: &InstalledItem) -> Result<(), DomainError>;
    async fn installed_item(
        &mut self,
        tenant: TenantId,
        id: InstalledItemId,
    ) -> Result<Option<InstalledItem>, DomainError>;
    async fn installed_item_by_serial(
        &mut self,
        tenant: TenantId,
        serial_number: &str,
    ) -> Result<Option<InstalledItem>, DomainError>;
    /// Alternative codes are not unique: every match is returned.
    async fn installed_items_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<InstalledItem>, DomainError>;

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
}
