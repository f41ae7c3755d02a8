//! Product instances (migration 0001) and their status changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{InstanceStatus, ProductInstance};
use crate::domain::clock;
use crate::domain::ids::{
    AccountId, BundleId, CustomerId, InstalledItemId, ProductId, ProductInstanceId, SubscriptionId,
    TenantId,
};
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
use crate::domain::store::ProductInstanceRepo;
use crate::domain::DomainError;

use super::exec::{Query, Row};
use super::row::{opt_timestamp, opt_uuid, parsed, text, uuid};
use super::{Dialect, SqlTx};

const INSTANCE_COLUMNS: &str =
    "id, tenant_id, product_id, customer_id, account_id, subscription_id, \
     installed_item_id, bundle_id, status, effective_from, effective_to";

fn instance_from(row: &Row) -> Result<ProductInstance, DomainError> {
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

/// An instance's values, shared by the plain and the if-absent insert: $1 to $11 in
/// [`INSTANCE_COLUMNS`] order.
fn bind_instance<'q, 'c>(query: Query<'q, 'c>, p: &ProductInstance) -> Query<'q, 'c> {
    query
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
}

#[async_trait]
impl<D: Dialect> ProductInstanceRepo for SqlTx<'_, D> {
    async fn insert_product_instance(&mut self, p: &ProductInstance) -> Result<(), DomainError> {
        bind_instance(
            self.query(&format!(
                "INSERT INTO product_instances ({INSTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            )),
            p,
        )
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

    async fn product_on_subscription(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        subscription: SubscriptionId,
    ) -> Result<bool, DomainError> {
        let row = self
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

    // Keyed by id within the tenant, not `ON CONFLICT (id)`: an id another tenant holds
    // must stay a conflict (the primary key refuses it).
    async fn product_instances_of_account_capped(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<ProductInstance>, DomainError> {
        let rows = self
            .query(&format!(
                "SELECT {INSTANCE_COLUMNS} FROM product_instances \
                 WHERE tenant_id = $1 AND account_id = $2 ORDER BY id LIMIT $3"
            ))
            .bind(tenant.to_string())
            .bind(account.to_string())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(instance_from).collect()
    }

    async fn insert_product_instance_if_absent(
        &mut self,
        p: &ProductInstance,
    ) -> Result<bool, DomainError> {
        let inserted = bind_instance(
            self.query(&format!(
                "INSERT INTO product_instances ({INSTANCE_COLUMNS}) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
                 WHERE NOT EXISTS (SELECT 1 FROM product_instances WHERE id = $1 AND tenant_id = $2)"
            )),
            p,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
