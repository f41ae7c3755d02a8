use crate::storage::sql::exec::Row;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{
    Bundle, BundleCancellation, Classification, InstalledItem, InstanceStatus, ItemKind, PlanType,
    Product, ProductInstance, Subscription,
};
use crate::domain::clock;
use crate::domain::ids::{
    AccountId, BundleId, CustomerId, InstalledItemId, ProductId, ProductInstanceId, SubscriptionId,
    TenantId,
};
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
use crate::domain::poid::Poid;
use crate::domain::store::CatalogRepo;
use crate::domain::DomainError;

use super::row::{int, opt_int, opt_text, opt_timestamp, opt_uuid, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

const PRODUCT_COLUMNS: &str =
    "id, tenant_id, code, alternative_code, name, classification, plan_type";
const SUBSCRIPTION_COLUMNS: &str = "id, tenant_id, number, account_id";
const ITEM_COLUMNS: &str = "id, tenant_id, serial_number, alternative_code, kind, subscription_id";
const BUNDLE_COLUMNS: &str =
    "id, tenant_id, poid, account_id, service_poid, deal_poid, package_id, purchased_at, \
     cancel_effective_at, cancel_description, cancel_flag, cancel_extension";
const INSTANCE_COLUMNS: &str =
    "id, tenant_id, product_id, customer_id, account_id, subscription_id, \
     installed_item_id, bundle_id, status, effective_from, effective_to";

pub(super) fn product_from(row: &Row) -> Result<Product, DomainError> {
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

pub(super) fn subscription_from(row: &Row) -> Result<Subscription, DomainError> {
    Ok(Subscription {
        id: SubscriptionId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        number: text(row, "number")?,
        account: AccountId::from_uuid(uuid(row, "account_id")?),
    })
}

pub(super) fn item_from(row: &Row) -> Result<InstalledItem, DomainError> {
    Ok(InstalledItem {
        id: InstalledItemId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        serial_number: text(row, "serial_number")?,
        alternative_code: opt_text(row, "alternative_code")?,
        kind: parsed("kind", &text(row, "kind")?, ItemKind::parse)?,
        subscription: opt_uuid(row, "subscription_id")?.map(SubscriptionId::from_uuid),
    })
}

pub(super) fn bundle_from(row: &Row) -> Result<Bundle, DomainError> {
    let cancellation = match opt_timestamp(row, "cancel_effective_at")? {
        None => None,
        Some(effective_at) => Some(BundleCancellation {
            effective_at,
            description: opt_text(row, "cancel_description")?,
            flag: opt_int(row, "cancel_flag")?.map(|f| f as i32),
            extension: opt_text(row, "cancel_extension")?,
        }),
    };
    Ok(Bundle {
        id: BundleId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        poid: parsed("poid", &text(row, "poid")?, Poid::parse)?,
        account: AccountId::from_uuid(uuid(row, "account_id")?),
        service: parsed("service_poid", &text(row, "service_poid")?, Poid::parse)?,
        deal: parsed("deal_poid", &text(row, "deal_poid")?, Poid::parse)?,
        package_id: int(row, "package_id")?,
        purchased_at: timestamp(row, "purchased_at")?,
        cancellation,
    })
}

pub(super) fn instance_from(row: &Row) -> Result<ProductInstance, DomainError> {
    Ok(ProductInstance {
        id: ProductInstanceId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        product: ProductId::from_uuid(uuid(row, "product_id")?),
        customer: CustomerId::from_uuid(uuid(row, "customer_id")?),
        account: opt_uuid(row, "account_id")?.map(AccountId::from_uuid),
        subscription: opt_uuid(row, "subscription_id")?.map(SubscriptionId::from_uuid),
        installed_item: opt_uuid(row, "installed_item_id")?.map(InstalledItemId::from_uuid),
        bundle: opt_uuid(row, "bundle_id")?.map(BundleId::from_uuid),
        status: parsed("status", &text(row, "status")?, InstanceStatus::parse)?,
        effective_from: opt_timestamp(row, "effective_from")?,
        effective_to: opt_timestamp(row, "effective_to")?,
    })
}

#[async_trait]
impl<D: Dialect> CatalogRepo for SqlTx<'_, D> {
    async fn insert_product(&mut self, p: &Product) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(p.id.to_string())
        .bind(p.tenant.to_string())
        .bind(&p.code)
        .bind(p.alternative_code.as_deref())
        .bind(&p.name)
        .bind(p.classification.as_str())
        .bind(p.plan_type.as_ref().map(|t| t.as_str().to_owned()))
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

    async fn insert_subscription(&mut self, s: &Subscription) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) VALUES ($1, $2, $3, $4)"
        ))
        .bind(s.id.to_string())
        .bind(s.tenant.to_string())
        .bind(&s.number)
        .bind(s.account.to_string())
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

    async fn insert_installed_item(&mut self, i: &InstalledItem) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO installed_items ({ITEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(i.id.to_string())
        .bind(i.tenant.to_string())
        .bind(&i.serial_number)
        .bind(i.alternative_code.as_deref())
        .bind(i.kind.as_str())
        .bind(i.subscription.map(|s| s.to_string()))
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

    async fn insert_bundle(&mut self, b: &Bundle) -> Result<(), DomainError> {
        let cancel = b.cancellation.as_ref();
        self.query(&format!(
            "INSERT INTO bundles ({BUNDLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(b.id.to_string())
        .bind(b.tenant.to_string())
        .bind(b.poid.to_string())
        .bind(b.account.to_string())
        .bind(b.service.to_string())
        .bind(b.deal.to_string())
        .bind(b.package_id)
        .bind(clock::to_storage(b.purchased_at))
        .bind(cancel.map(|c| clock::to_storage(c.effective_at)))
        .bind(cancel.and_then(|c| c.description.clone()))
        .bind(cancel.and_then(|c| c.flag).map(i64::from))
        .bind(cancel.and_then(|c| c.extension.clone()))
        .execute()
        .await?;
        Ok(())
    }

    async fn bundle_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<Bundle>, DomainError> {
        self.query(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE tenant_id = $1 AND poid = $2"
        ))
        .bind(tenant.to_string())
        .bind(poid.to_string())
        .fetch_optional()
        .await?
        .map(|row| bundle_from(&row))
        .transpose()
    }

    async fn bundle(
        &mut self,
        tenant: TenantId,
        id: BundleId,
    ) -> Result<Option<Bundle>, DomainError> {
        self.query(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| bundle_from(&row))
        .transpose()
    }

    async fn insert_product_instance(&mut self, p: &ProductInstance) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO product_instances ({INSTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(p.id.to_string())
        .bind(p.tenant.to_string())
        .bind(p.product.to_string())
        .bind(p.customer.to_string())
        .bind(p.account.map(|v| v.to_string()))
        .bind(p.subscription.map(|v| v.to_string()))
        .bind(p.installed_item.map(|v| v.to_string()))
        .bind(p.bundle.map(|v| v.to_string()))
        .bind(p.status.as_str())
        .bind(p.effective_from.map(clock::to_storage))
        .bind(p.effective_to.map(clock::to_storage))
        .execute()
        .await?;
        Ok(())
    }

    async fn product_instance(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
    ) -> Result<Option<ProductInstance>, DomainError> {
        self.query(&format!(
            "SELECT {INSTANCE_COLUMNS} FROM product_instances WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| instance_from(&row))
        .transpose()
    }

    async fn product_instances_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
    ) -> Result<Vec<ProductInstance>, DomainError> {
        let rows = self.query(&format!(
            "SELECT {INSTANCE_COLUMNS} FROM product_instances WHERE tenant_id = $1 AND account_id = $2 ORDER BY id"
        ))
        .bind(tenant.to_string())
        .bind(account.to_string())
        .fetch_all()
        .await?;
        rows.iter().map(instance_from).collect()
    }

    async fn end_instance(
        &mut self,
        tenant: TenantId,
        id: ProductInstanceId,
        end: InstanceEnd,
        at: DateTime<Utc>,
    ) -> Result<Transition, DomainError> {
        // The guard is in the statement, not in the caller's earlier read: on PostgreSQL a
        // change committed meanwhile makes the row fail `status = 'ACTIVE'` when it is
        // re-checked under the row lock, so it is never overwritten (issue 16).
        let ended = self
            .query(
                "UPDATE product_instances SET status = $1, effective_to = $2 \
                 WHERE tenant_id = $3 AND id = $4 AND status = 'ACTIVE'",
            )
            .bind(end.status().as_str())
            .bind(clock::to_storage(at))
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute()
            .await?;
        if ended == 1 {
            return Ok(Transition::Applied { at });
        }
        let seen = self
            .query("SELECT status FROM product_instances WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .fetch_optional()
            .await?;
        match seen {
            Some(row) => Ok(Transition::Refused {
                seen: parsed("status", &text(&row, "status")?, InstanceStatus::parse)?,
            }),
            None => Ok(Transition::Missing),
        }
    }

    async fn insert_product_if_absent(&mut self, p: &Product) -> Result<bool, DomainError> {
        let inserted = self
            .query(&format!(
                "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (tenant_id, code) DO NOTHING"
            ))
            .bind(p.id.to_string())
            .bind(p.tenant.to_string())
            .bind(&p.code)
            .bind(p.alternative_code.as_deref())
            .bind(&p.name)
            .bind(p.classification.as_str())
            .bind(p.plan_type.as_ref().map(|t| t.as_str().to_owned()))
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
        let inserted = self
            .query(&format!(
                "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) SELECT $1, $2, $3, $4 \
                 WHERE NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = $1 AND tenant_id = $2)"
            ))
            .bind(s.id.to_string())
            .bind(s.tenant.to_string())
            .bind(&s.number)
            .bind(s.account.to_string())
            .execute()
            .await?;
        Ok(inserted == 1)
    }

    async fn insert_installed_item_if_absent(
        &mut self,
        i: &InstalledItem,
    ) -> Result<bool, DomainError> {
        let inserted = self
            .query(&format!(
                "INSERT INTO installed_items ({ITEM_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6 \
                 WHERE NOT EXISTS (SELECT 1 FROM installed_items WHERE id = $1 AND tenant_id = $2)"
            ))
            .bind(i.id.to_string())
            .bind(i.tenant.to_string())
            .bind(&i.serial_number)
            .bind(i.alternative_code.as_deref())
            .bind(i.kind.as_str())
            .bind(i.subscription.map(|s| s.to_string()))
            .execute()
            .await?;
        Ok(inserted == 1)
    }

    async fn insert_bundle_if_absent(&mut self, b: &Bundle) -> Result<bool, DomainError> {
        let cancel = b.cancellation.as_ref();
        let inserted = self
            .query(&format!(
                "INSERT INTO bundles ({BUNDLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (tenant_id, poid) DO NOTHING"
            ))
            .bind(b.id.to_string())
            .bind(b.tenant.to_string())
            .bind(b.poid.to_string())
            .bind(b.account.to_string())
            .bind(b.service.to_string())
            .bind(b.deal.to_string())
            .bind(b.package_id)
            .bind(clock::to_storage(b.purchased_at))
            .bind(cancel.map(|c| clock::to_storage(c.effective_at)))
            .bind(cancel.and_then(|c| c.description.clone()))
            .bind(cancel.and_then(|c| c.flag).map(i64::from))
            .bind(cancel.and_then(|c| c.extension.clone()))
            .execute()
            .await?;
        Ok(inserted == 1)
    }

    async fn insert_product_instance_if_absent(
        &mut self,
        p: &ProductInstance,
    ) -> Result<bool, DomainError> {
        let inserted = self
            .query(&format!(
                "INSERT INTO product_instances ({INSTANCE_COLUMNS}) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
                 WHERE NOT EXISTS (SELECT 1 FROM product_instances WHERE id = $1 AND tenant_id = $2)"
            ))
            .bind(p.id.to_string())
            .bind(p.tenant.to_string())
            .bind(p.product.to_string())
            .bind(p.customer.to_string())
            .bind(p.account.map(|v| v.to_string()))
            .bind(p.subscription.map(|v| v.to_string()))
            .bind(p.installed_item.map(|v| v.to_string()))
            .bind(p.bundle.map(|v| v.to_string()))
            .bind(p.status.as_str())
            .bind(p.effective_from.map(clock::to_storage))
            .bind(p.effective_to.map(clock::to_storage))
            .execute()
            .await?;
        Ok(inserted == 1)
    }
}
