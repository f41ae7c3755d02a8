//! SQL for the verizon API's own storage needs (migration 0006): disconnect orders taken
//! under a per-order lock, answers with who and when, versioned state changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::disconnect::{Acceptance, ExternalId, OrderState};
use crate::domain::disconnect_answers::LockedOrder;
use crate::domain::ids::{ApiUserId, DisconnectOrderId, TenantId};
use crate::domain::store::VerizonRepo;
use crate::domain::tenant::Tenant;
use crate::domain::DomainError;

use super::disconnect::ORDER_COLUMNS;
use super::exec::Arg;
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
    /// Takes the order's row lock and reads it in one statement, then its items.
    /// `SET version = version` changes nothing but is an `UPDATE`: on PostgreSQL it holds the
    /// row lock until the transaction ends, so a second caller waits here and then gets the
    /// first's committed row (READ COMMITTED re-reads a row it waited for); its `RETURNING`
    /// is the look-up (issue 15: one round trip fewer than a lock followed by a read).
    async fn locked(
        &mut self,
        tenant: TenantId,
        key: OrderKey,
    ) -> Result<Option<LockedOrder>, DomainError> {
        let (column, value) = match key {
            OrderKey::External(external_id) => ("external_id", Arg::from(external_id.value())),
            OrderKey::Id(id) => ("id", Arg::from(id.to_string())),
        };
        let Some(row) = self
            .query(&format!(
                "UPDATE disconnect_orders SET version = version \
                 WHERE tenant_id = $1 AND {column} = $2 RETURNING {ORDER_COLUMNS}, version"
            ))
            .bind(tenant.to_string())
            .bind(value)
            .fetch_optional()
            .await?
        else {
            return Ok(None);
        };
        let version = int(&row, "version")?;
        let order = self.order_with_items(&row).await?;
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
