//! Catalogue lookups by the fields CRM.COM identifier objects name (the CRM.COM *cancel_subscriptions* page: subscription
//! `number`, product `alternative_code`, installed item `serial_number`/`alternative_code`).

use crate::domain::catalog::{InstalledItem, Product, Subscription};
use crate::domain::ids::{ProductId, SubscriptionId, TenantId};
use crate::domain::DomainError;

use super::super::catalog::{item_from, product_from, subscription_from};
use super::super::{Dialect, SqlTx};

pub(super) async fn subscription_by_number<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    number: &str,
) -> Result<Option<Subscription>, DomainError> {
    tx.query(
        "SELECT id, tenant_id, number, account_id FROM subscriptions \
         WHERE tenant_id = $1 AND number = $2",
    )
    .bind(tenant.to_string())
    .bind(number)
    .fetch_optional()
    .await?
    .map(|row| subscription_from(&row))
    .transpose()
}

pub(super) async fn products_by_alternative_code<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    code: &str,
) -> Result<Vec<Product>, DomainError> {
    let rows = tx
        .query(
            "SELECT id, tenant_id, code, alternative_code, name, classification, plan_type \
         FROM products WHERE tenant_id = $1 AND alternative_code = $2 ORDER BY code",
        )
        .bind(tenant.to_string())
        .bind(code)
        .fetch_all()
        .await?;
    rows.iter().map(product_from).collect()
}

const ITEM_COLUMNS: &str = "id, tenant_id, serial_number, alternative_code, kind, subscription_id";

pub(super) async fn installed_item_by_serial<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    serial_number: &str,
) -> Result<Option<InstalledItem>, DomainError> {
    tx.query(&format!(
        "SELECT {ITEM_COLUMNS} FROM installed_items WHERE tenant_id = $1 AND serial_number = $2"
    ))
    .bind(tenant.to_string())
    .bind(serial_number)
    .fetch_optional()
    .await?
    .map(|row| item_from(&row))
    .transpose()
}

pub(super) async fn installed_items_by_alternative_code<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    code: &str,
) -> Result<Vec<InstalledItem>, DomainError> {
    let rows = tx
        .query(&format!(
        "SELECT {ITEM_COLUMNS} FROM installed_items WHERE tenant_id = $1 AND alternative_code = $2 \
         ORDER BY serial_number"
    ))
        .bind(tenant.to_string())
        .bind(code)
        .fetch_all()
        .await?;
    rows.iter().map(item_from).collect()
}

pub(super) async fn product_on_subscription<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    product: ProductId,
    subscription: SubscriptionId,
) -> Result<bool, DomainError> {
    let row = tx
        .query(
            "SELECT id FROM product_instances \
         WHERE tenant_id = $1 AND product_id = $2 AND subscription_id = $3 LIMIT 1",
        )
        .bind(tenant.to_string())
        .bind(product.to_string())
        .bind(subscription.to_string())
        .fetch_optional()
        .await?;
    Ok(row.is_some())
}
