//! Disconnect orders and their charge items (migrations 0001 and 0006): taken under a
//! per-order lock, answers with who and when, versioned state changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::disconnect::{Acceptance, ChargeItem, DisconnectOrder, ExternalId, OrderState};
use crate::domain::disconnect_answers::LockedOrder;
use crate::domain::ids::{AccountId, ApiUserId, DisconnectOrderId, TenantId};
use crate::domain::money::Money;
use crate::domain::store::DisconnectRepo;
use crate::domain::DomainError;

use super::exec::{Arg, Query, Row};
use super::row::{int, parsed, text, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for these tables' unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    (
        "disconnect_orders.tenant_id, disconnect_orders.external_id",
        "uq_disconnect_orders_external_id",
    ),
    (
        "charge_items.order_id, charge_items.item_id",
        "pk_charge_items",
    ),
];

/// The constraint name a lost version race reports (the order changed under us).
const VERSION_CONFLICT: &str = "disconnect_orders.version";

/// How a use-case names the order it locks.
enum OrderKey {
    External(ExternalId),
    Id(DisconnectOrderId),
}

/// An order's row values, shared by the plain and the if-absent insert: $1 to $5 as
/// `id, tenant_id, external_id, account_id, state`.
fn bind_order<'q, 'c>(query: Query<'q, 'c>, order: &DisconnectOrder) -> Query<'q, 'c> {
    query
        .bind(order.id.to_string())
        .bind(order.tenant.to_string())
        .bind(order.external_id.value())
        .bind(order.account.to_string())
        .bind(order.state.as_str())
}

#[async_trait]
impl<D: Dialect> DisconnectRepo for SqlTx<'_, D> {
    async fn insert_disconnect_order(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<(), DomainError> {
        bind_order(
            self.query("INSERT INTO disconnect_orders (id, tenant_id, external_id, account_id, state) VALUES ($1, $2, $3, $4, $5)"),
            order,
        )
        .execute()
        .await?;
        self.insert_charge_items(order).await
    }

    async fn disconnect_order_by_external_id(
        &mut self,
        tenant: TenantId,
        external_id: ExternalId,
    ) -> Result<Option<DisconnectOrder>, DomainError> {
        let Some(row) = self
            .query(&format!(
                "SELECT {ORDER_COLUMNS} FROM disconnect_orders \
                 WHERE tenant_id = $1 AND external_id = $2"
            ))
            .bind(tenant.to_string())
            .bind(external_id.value())
            .fetch_optional()
            .await?
        else {
            return Ok(None);
        };
        self.order_with_items(&row).await.map(Some)
    }

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

    async fn disconnect_orders_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<DisconnectOrder>, DomainError> {
        // ix_disconnect_orders_account; each order's items by their primary key.
        let rows = self
            .query(&format!(
                "SELECT {ORDER_COLUMNS} FROM disconnect_orders \
                 WHERE account_id = $2 AND tenant_id = $1 ORDER BY external_id LIMIT $3"
            ))
            .bind(tenant.to_string())
            .bind(account.to_string())
            .bind(limit)
            .fetch_all()
            .await?;
        let mut orders = Vec::with_capacity(rows.len());
        for row in &rows {
            orders.push(self.order_with_items(row).await?);
        }
        Ok(orders)
    }

    async fn insert_disconnect_order_if_absent(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<bool, DomainError> {
        let inserted = bind_order(
            self.query(
                "INSERT INTO disconnect_orders (id, tenant_id, external_id, account_id, state) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, external_id) DO NOTHING",
            ),
            order,
        )
        .execute()
        .await?;
        if inserted == 0 {
            return Ok(false);
        }
        self.insert_charge_items(order).await?;
        Ok(true)
    }
}

/// The order columns [`SqlTx::order_with_items`] reads.
const ORDER_COLUMNS: &str = "id, tenant_id, external_id, account_id, state";

impl<D: Dialect> SqlTx<'_, D> {
    /// The order's charge items, one row each in list order: shared by the plain and the
    /// if-absent insert, once the order's row is in.
    async fn insert_charge_items(&mut self, order: &DisconnectOrder) -> Result<(), DomainError> {
        for (position, item) in order.charge_items.iter().enumerate() {
            self.query(
                "INSERT INTO charge_items (order_id, item_id, position, description, amount, acceptance) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(order.id.to_string())
            .bind(&item.id)
            .bind(position as i64)
            .bind(&item.description)
            .bind(item.amount.cents())
            .bind(item.acceptance.as_str())
            .execute()
            .await?;
        }
        Ok(())
    }

    /// The order in `row` (its [`ORDER_COLUMNS`]) with its charge items, read in position
    /// order. Shared by the plain read and the Verizon lock, whose `UPDATE … RETURNING`
    /// hands over the row it locked (one statement for the look-up and the lock).
    async fn order_with_items(&mut self, row: &Row) -> Result<DisconnectOrder, DomainError> {
        let id = DisconnectOrderId::from_uuid(uuid(row, "id")?);
        let items = self.query(
            "SELECT item_id, description, amount, acceptance FROM charge_items WHERE order_id = $1 ORDER BY position",
        )
        .bind(id.to_string())
        .fetch_all()
        .await?;
        let charge_items = items
            .iter()
            .map(|item| {
                Ok(ChargeItem {
                    id: text(item, "item_id")?,
                    description: text(item, "description")?,
                    amount: Money::from_cents(int(item, "amount")?),
                    acceptance: parsed(
                        "acceptance",
                        &text(item, "acceptance")?,
                        Acceptance::parse,
                    )?,
                })
            })
            .collect::<Result<_, DomainError>>()?;
        Ok(DisconnectOrder {
            id,
            tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
            external_id: ExternalId::new(int(row, "external_id")?)?,
            account: AccountId::from_uuid(uuid(row, "account_id")?),
            state: parsed("state", &text(row, "state")?, OrderState::parse)?,
            charge_items,
        })
    }

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
