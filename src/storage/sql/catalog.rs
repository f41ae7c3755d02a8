//! The catalogue (migration 0001): products, subscriptions, installed items, looked up by id
//! and by the other keys clients name them by.

use async_trait::async_trait;

use crate::domain::catalog::{
    Classification, InstalledItem, ItemKind, PlanType, Product, Subscription,
};
use crate::domain::ids::{AccountId, InstalledItemId, ProductId, SubscriptionId, TenantId};
use crate::domain::store::CatalogRepo;
use crate::domain::DomainError;

use super::exec::{Query, Row};
use super::row::{opt_text, opt_uuid, parsed, text, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for these tables' unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("products.tenant_id, products.code", "uq_products_code"),
    (
        "subscriptions.tenant_id, subscriptions.number",
        "uq_subscriptions_number",
    ),
    (
        "installed_items.tenant_id, installed_items.serial_number",
        "uq_installed_items_serial_number",
    ),
];

const PRODUCT_COLUMNS: &str =
    "id, tenant_id, code, alternative_code, name, classification, plan_type";
const SUBSCRIPTION_COLUMNS: &str = "id, tenant_id, number, account_id";
const ITEM_COLUMNS: &str = "id, tenant_id, serial_number, alternative_code, kind, subscription_id";

fn product_from(row: &Row) -> Result<Product, DomainError> {
    Ok(Product {
        id: ProductId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        code: text(row, "code")?,
        alternative_code: opt_text(row, "alternative_code")?,
        name: text(row, "name")?,
        classification: parsed(
            "classification",
            &text(row, "classification")?,
            Classification::parse,
        )?,
        plan_type: opt_text(row, "plan_type")?
            .map(|v| parsed("plan_type", &v, PlanType::parse))
            .transpose()?,
    })
}

fn subscription_from(row: &Row) -> Result<Subscription, DomainError> {
    Ok(Subscription {
        id: SubscriptionId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        number: text(row, "number")?,
        account: AccountId::from_uuid(uuid(row, "account_id")?),
    })
}

fn item_from(row: &Row) -> Result<InstalledItem, DomainError> {
    Ok(InstalledItem {
        id: InstalledItemId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        serial_number: text(row, "serial_number")?,
        alternative_code: opt_text(row, "alternative_code")?,
        kind: parsed("kind", &text(row, "kind")?, ItemKind::parse)?,
        subscription: opt_uuid(row, "subscription_id")?.map(SubscriptionId::from_uuid),
    })
}

/// A product's values, shared by the plain and the if-absent insert: $1 to $7 in
/// [`PRODUCT_COLUMNS`] order.
fn bind_product<'q, 'c>(query: Query<'q, 'c>, p: &Product) -> Query<'q, 'c> {
    query
        .bind(p.id.to_string())
        .bind(p.tenant.to_string())
        .bind(&p.code)
        .bind(p.alternative_code.as_deref())
        .bind(&p.name)
        .bind(p.classification.as_str())
        .bind(p.plan_type.as_ref().map(|t| t.as_str().to_owned()))
}

/// A subscription's values, shared by the plain and the if-absent insert: $1 to $4 in
/// [`SUBSCRIPTION_COLUMNS`] order.
fn bind_subscription<'q, 'c>(query: Query<'q, 'c>, s: &Subscription) -> Query<'q, 'c> {
    query
        .bind(s.id.to_string())
        .bind(s.tenant.to_string())
        .bind(&s.number)
        .bind(s.account.to_string())
}

/// An installed item's values, shared by the plain and the if-absent insert: $1 to $6 in
/// [`ITEM_COLUMNS`] order.
fn bind_item<'q, 'c>(query: Query<'q, 'c>, i: &InstalledItem) -> Query<'q, 'c> {
    query
        .bind(i.id.to_string())
        .bind(i.tenant.to_string())
        .bind(&i.serial_number)
        .bind(i.alternative_code.as_deref())
        .bind(i.kind.as_str())
        .bind(i.subscription.map(|s| s.to_string()))
}

#[async_trait]
impl<D: Dialect> CatalogRepo for SqlTx<'_, D> {
    async fn insert_product(&mut self, p: &Product) -> Result<(), DomainError> {
        bind_product(
            self.query(&format!(
                "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            )),
            p,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn product(
        &mut self,
        tenant: TenantId,
        id: ProductId,
    ) -> Result<Option<Product>, DomainError> {
        self.query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| product_from(&row))
        .transpose()
    }

    async fn product_by_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<Product>, DomainError> {
        self.query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE tenant_id = $1 AND code = $2"
        ))
        .bind(tenant.to_string())
        .bind(code)
        .fetch_optional()
        .await?
        .map(|row| product_from(&row))
        .transpose()
    }

    async fn products_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<Product>, DomainError> {
        let rows = self
            .query(&format!(
                "SELECT {PRODUCT_COLUMNS} \
                 FROM products WHERE tenant_id = $1 AND alternative_code = $2 ORDER BY code"
            ))
            .bind(tenant.to_string())
            .bind(code)
            .fetch_all()
            .await?;
        rows.iter().map(product_from).collect()
    }

    async fn insert_subscription(&mut self, s: &Subscription) -> Result<(), DomainError> {
        bind_subscription(
            self.query(&format!(
                "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) VALUES ($1, $2, $3, $4)"
            )),
            s,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn subscription(
        &mut self,
        tenant: TenantId,
        id: SubscriptionId,
    ) -> Result<Option<Subscription>, DomainError> {
        self.query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| subscription_from(&row))
        .transpose()
    }

    async fn subscription_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Subscription>, DomainError> {
        self.query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE tenant_id = $1 AND number = $2"
        ))
        .bind(tenant.to_string())
        .bind(number)
        .fetch_optional()
        .await?
        .map(|row| subscription_from(&row))
        .transpose()
    }

    async fn insert_installed_item(&mut self, i: &InstalledItem) -> Result<(), DomainError> {
        bind_item(
            self.query(&format!(
                "INSERT INTO installed_items ({ITEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
            )),
            i,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn installed_item(
        &mut self,
        tenant: TenantId,
        id: InstalledItemId,
    ) -> Result<Option<InstalledItem>, DomainError> {
        self.query(&format!(
            "SELECT {ITEM_COLUMNS} FROM installed_items WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| item_from(&row))
        .transpose()
    }

    async fn installed_item_by_serial(
        &mut self,
        tenant: TenantId,
        serial_number: &str,
    ) -> Result<Option<InstalledItem>, DomainError> {
        self.query(&format!(
            "SELECT {ITEM_COLUMNS} FROM installed_items WHERE tenant_id = $1 AND serial_number = $2"
        ))
        .bind(tenant.to_string())
        .bind(serial_number)
        .fetch_optional()
        .await?
        .map(|row| item_from(&row))
        .transpose()
    }

    async fn installed_items_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<InstalledItem>, DomainError> {
        let rows = self
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

    async fn insert_product_if_absent(&mut self, p: &Product) -> Result<bool, DomainError> {
        let inserted = bind_product(
            self.query(&format!(
                "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (tenant_id, code) DO NOTHING"
            )),
            p,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }

    // Subscriptions, installed items and product instances are keyed by id within the
    // tenant, not `ON CONFLICT (id)`: an id another tenant holds must stay a conflict (the
    // primary key refuses it).

    async fn insert_subscription_if_absent(
        &mut self,
        s: &Subscription,
    ) -> Result<bool, DomainError> {
        let inserted = bind_subscription(
            self.query(&format!(
                "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) SELECT $1, $2, $3, $4 \
                 WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = $1 AND tenant_id = $2)"
            )),
            s,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }

    async fn insert_installed_item_if_absent(
        &mut self,
        i: &InstalledItem,
    ) -> Result<bool, DomainError> {
        let inserted = bind_item(
            self.query(&format!(
                "INSERT INTO installed_items ({ITEM_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6 \
                 WHERE NOT EXISTS (SELECT 1 FROM installed_items WHERE id = $1 AND tenant_id = $2)"
            )),
            i,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
