//! SQL for the verizon API's own storage needs (migration 0006): disconnect orders taken
//! under a per-order lock, answers with who and when, versioned state changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::disconnect::{Acceptance, ExternalId, OrderState};
use crate::domain::disconnect_answers::LockedOrder;
use crate::domain::ids::{ApiUserId, DisconnectOrderId, TenantId};
use crate::domain::store::{DisconnectRepo, VerizonRepo};
use crate::domain::tenant::Tenant;
use crate::domain::DomainError;

use super::row::int;
use super::tenants::tenant_from;
use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`): none added.
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[];

/// The constraint name a lost version race reports (the order changed under us).
const VERSION_CONFLICT: &str = "disconnect_orders.version";

/// How a use-case names the order it locks.
enum OrderKey {
    External(ExternalId),
    Id(DisconnectOrderId),
}

impl<D: Dialect> SqlTx<'_, D> {
    /// Takes the order's row lock, then reads it with its items. `SET version = version`
    /// changes nothing but is an `UPDATE`: on PostgreSQL it holds the row lock until the
    /// transaction ends, so a second caller waits here and then sees the first's commit.
    async fn locked(
        &mut self,
        tenant: TenantId,
        key: OrderKey,
    ) -> Result<Option<LockedOrder>, DomainError> {
        let lock = match key {
            OrderKey::External(external_id) => self
                .query(
                    "UPDATE disconnect_orders SET version = version \
                 WHERE tenant_id = $1 AND external_id = $2 RETURNING external_id, version",
                )
                .bind(tenant.to_string())
                .bind(external_id.value()),
            OrderKey::Id(id) => self
                .query(
                    "UPDATE disconnect_orders SET version = version \
                 WHERE tenant_id = $1 AND id = $2 RETURNING external_id, version",
                )
                .bind(tenant.to_string())
                .bind(id.to_string()),
        };
        let Some(row) = lock.fetch_optional().await? else {
            return Ok(None);
        };
        let version = int(&row, "version")?;
        let external_id = ExternalId::new(int(&row, "external_id")?)?;
        // Read committed: this statement sees whatever the previous lock holder committed.
        let order = self
            .disconnect_order_by_external_id(tenant, external_id)
            .await?
            .ok_or_else(|| DomainError::internal("a locked disconnect order vanished"))?;
        Ok(Some(LockedOrder { order, version }))
    }
}

#[async_trait]
impl<D: Dialect> VerizonRepo for SqlTx<'_, D> {
    async fn lock_disconnect_order(
        &mut self,
        tenant: TenantId,
        external_id: ExternalId,
    ) -> Result<Option<LockedOrder>, DomainError> {
        self.locked(tenant, OrderKey::External(external_id)).await
    }

    async fn lock_disconnect_order_by_id(
        &mut self,
        tenant: TenantId,
        id: DisconnectOrderId,
    ) -> Result<Option<LockedOrder>, DomainError> {
        self.locked(tenant, OrderKey::Id(id)).await
    }

    async fn record_charge_answers(
        &mut self,
        order: DisconnectOrderId,
        answers: &[(String, Acceptance)],
        by: ApiUserId,
        at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        for (item, acceptance) in answers {
            self.query(
                "UPDATE charge_items SET acceptance = $1, answered_at = $2, answered_by = $3 \
                 WHERE order_id = $4 AND item_id = $5 AND acceptance = 'awaitingResponse'",
            )
            .bind(acceptance.as_str())
            .bind(clock::to_storage(at))
            .bind(by.to_string())
            .bind(order.to_string())
            .bind(item)
            .execute()
            .await?;
        }
        Ok(())
    }

    async fn advance_disconnect_order(
        &mut self,
        order: DisconnectOrderId,
        expected: i64,
        state: OrderState,
        at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let done = self
            .query(
                "UPDATE disconnect_orders SET state = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND version = $4",
            )
            .bind(state.as_str())
            .bind(clock::to_storage(at))
            .bind(order.to_string())
            .bind(expected)
            .execute()
            .await?;
        if done == 1 {
            Ok(())
        } else {
            Err(DomainError::Conflict {
                constraint: VERSION_CONFLICT.to_owned(),
            })
        }
    }

    async fn verizon_tenant(&mut self, id: TenantId) -> Result<Option<Tenant>, DomainError> {
        self.query("SELECT id, code, name, timezone FROM tenants WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional()
            .await?
            .map(|row| tenant_from(&row, ""))
            .transpose()
    }
}
