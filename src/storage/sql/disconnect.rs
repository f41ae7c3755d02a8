use async_trait::async_trait;

use crate::domain::disconnect::{Acceptance, ChargeItem, DisconnectOrder, ExternalId, OrderState};
use crate::domain::ids::{AccountId, DisconnectOrderId, TenantId};
use crate::domain::money::Money;
use crate::domain::store::DisconnectRepo;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{int, parsed, text, uuid};
use super::{Dialect, SqlTx};

#[async_trait]
impl<D: Dialect> DisconnectRepo for SqlTx<'_, D> {
    async fn insert_disconnect_order(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<(), DomainError> {
        self.query("INSERT INTO disconnect_orders (id, tenant_id, external_id, account_id, state) VALUES ($1, $2, $3, $4, $5)")
            .bind(order.id.to_string())
            .bind(order.tenant.to_string())
            .bind(order.external_id.value())
            .bind(order.account.to_string())
            .bind(order.state.as_str())
            .execute()
            .await?;
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

    async fn insert_disconnect_order_if_absent(
        &mut self,
        order: &DisconnectOrder,
    ) -> Result<bool, DomainError> {
        let inserted = self
            .query(
                "INSERT INTO disconnect_orders (id, tenant_id, external_id, account_id, state) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, external_id) DO NOTHING",
            )
            .bind(order.id.to_string())
            .bind(order.tenant.to_string())
            .bind(order.external_id.value())
            .bind(order.account.to_string())
            .bind(order.state.as_str())
            .execute()
            .await?;
        if inserted == 0 {
            return Ok(false);
        }
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
        Ok(true)
    }
}

/// The order columns [`SqlTx::order_with_items`] reads.
pub(super) const ORDER_COLUMNS: &str = "id, tenant_id, external_id, account_id, state";

impl<D: Dialect> SqlTx<'_, D> {
    /// The order in `row` (its [`ORDER_COLUMNS`]) with its charge items, read in position
    /// order. Shared by the plain read and the Verizon lock, whose `UPDATE … RETURNING`
    /// hands over the row it locked (one statement for the look-up and the lock).
    pub(super) async fn order_with_items(
        &mut self,
        row: &Row,
    ) -> Result<DisconnectOrder, DomainError> {
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
}
