//! `disconnect_orders:` (docs/design.md §5), Verizon orders with their charge items, keyed
//! by external id within the tenant.

use std::collections::HashSet;

use crate::domain::disconnect::{Acceptance, ChargeItem, DisconnectOrder, ExternalId, OrderState};
use crate::domain::ids::DisconnectOrderId;

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn disconnect_orders(
        &mut self,
        file: &FixtureFile,
    ) -> Result<(), ImportError> {
        for (i, o) in file.disconnect_orders.iter().enumerate() {
            let ctx = Ctx::at("disconnect_orders", i, &o.external_id.to_string());
            let tenant = self.tenant(&ctx, &o.tenant).await?;
            let external_id = ctx.field("external_id", ExternalId::new(o.external_id))?;
            let account = self.account(&ctx, "account", tenant.id, &o.account).await?;
            if o.charge_items.is_empty() {
                return Err(ctx.err("charge_items", "an order needs at least one charge item"));
            }
            let mut seen = HashSet::new();
            let mut items = Vec::new();
            for (n, item) in o.charge_items.iter().enumerate() {
                let field = format!("charge_items[{n}]");
                if item.id.trim().is_empty() || !seen.insert(item.id.clone()) {
                    return Err(ctx.err(
                        &format!("{field}.id"),
                        "must be non-empty and unique within the order",
                    ));
                }
                items.push(ChargeItem {
                    id: item.id.clone(),
                    description: item.description.clone(),
                    amount: ctx.field(&format!("{field}.amount"), item.amount.money())?,
                    acceptance: Acceptance::AwaitingResponse,
                });
            }
            let order = DisconnectOrder {
                id: DisconnectOrderId::new(),
                tenant: tenant.id,
                external_id,
                account: account.id,
                state: ctx.field("state", OrderState::parse(&o.state))?,
                charge_items: items,
            };
            let inserted = ctx.store(self.tx.insert_disconnect_order_if_absent(&order).await)?;
            self.counted(inserted);
        }
        Ok(())
    }
}
