//! The catalogue lists (docs/design.md §5): `products:` keyed by code, `subscriptions:`,
//! `installed_items:` and `product_instances:` keyed by id, each within the tenant.

use crate::domain::catalog::{
    Classification, InstalledItem, InstanceStatus, ItemKind, PlanType, Product, ProductInstance,
    Subscription,
};
use crate::domain::ids::{InstalledItemId, ProductId, ProductInstanceId, SubscriptionId};
use crate::domain::poid::Poid;

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn products(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, p) in file.products.iter().enumerate() {
            let ctx = Ctx::at("products", i, &p.code);
            let tenant = self.tenant(&ctx, &p.tenant).await?;
            if p.code.trim().is_empty() {
                return Err(ctx.err("code", "must not be empty"));
            }
            let product = Product {
                id: ctx.field("id", ProductId::parse(&p.id))?,
                tenant: tenant.id,
                code: p.code.clone(),
                alternative_code: p.alternative_code.clone(),
                name: p.name.clone(),
                classification: ctx
                    .field("classification", Classification::parse(&p.classification))?,
                plan_type: p
                    .plan_type
                    .as_deref()
                    .map(|t| ctx.field("plan_type", PlanType::parse(t)))
                    .transpose()?,
            };
            let inserted = ctx.store(self.tx.insert_product_if_absent(&product).await)?;
            self.counted(inserted);
        }
        Ok(())
    }

    pub(super) async fn subscriptions(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, s) in file.subscriptions.iter().enumerate() {
            let ctx = Ctx::at("subscriptions", i, &s.id);
            let tenant = self.tenant(&ctx, &s.tenant).await?;
            let id = ctx.field("id", SubscriptionId::parse(&s.id))?;
            let account = self.account(&ctx, "account", tenant.id, &s.account).await?;
            if s.number.trim().is_empty() {
                return Err(ctx.err("number", "must not be empty"));
            }
            let subscription = Subscription {
                id,
                tenant: tenant.id,
                number: s.number.clone(),
                account: account.id,
            };
            let inserted = ctx.store(self.tx.insert_subscription_if_absent(&subscription).await)?;
            self.counted(inserted);
        }
        Ok(())
    }

    pub(super) async fn installed_items(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, it) in file.installed_items.iter().enumerate() {
            let ctx = Ctx::at("installed_items", i, &it.id);
            let tenant = self.tenant(&ctx, &it.tenant).await?;
            let id = ctx.field("id", InstalledItemId::parse(&it.id))?;
            let subscription = match &it.subscription {
                Some(s) => {
                    let sid = ctx.field("subscription", SubscriptionId::parse(s))?;
                    if ctx
                        .store(self.tx.subscription(tenant.id, sid).await)?
                        .is_none()
                    {
                        return Err(ctx.err(
                            "subscription",
                            format!("no subscription {sid} in this tenant"),
                        ));
                    }
                    Some(sid)
                }
                None => None,
            };
            let item = InstalledItem {
                id,
                tenant: tenant.id,
                serial_number: it.serial_number.clone(),
                alternative_code: it.alternative_code.clone(),
                kind: ctx.field("kind", ItemKind::parse(&it.kind))?,
                subscription,
            };
            let inserted = ctx.store(self.tx.insert_installed_item_if_absent(&item).await)?;
            self.counted(inserted);
        }
        Ok(())
    }

    pub(super) async fn product_instances(
        &mut self,
        file: &FixtureFile,
    ) -> Result<(), ImportError> {
        for (i, p) in file.product_instances.iter().enumerate() {
            let ctx = Ctx::at("product_instances", i, &p.id);
            let tenant = self.tenant(&ctx, &p.tenant).await?;
            let id = ctx.field("id", ProductInstanceId::parse(&p.id))?;
            let product = ctx
                .store(self.tx.product_by_code(tenant.id, &p.product).await)?
                .ok_or_else(|| {
                    ctx.err(
                        "product",
                        format!("no product with code '{}' in this tenant", p.product),
                    )
                })?;
            let customer = self
                .customer(&ctx, "customer", tenant.id, &p.customer)
                .await?;
            let account = match &p.account {
                Some(a) => Some(self.account(&ctx, "account", tenant.id, a).await?.id),
                None => None,
            };
            let subscription = match &p.subscription {
                Some(s) => {
                    let sid = ctx.field("subscription", SubscriptionId::parse(s))?;
                    ctx.store(self.tx.subscription(tenant.id, sid).await)?
                        .ok_or_else(|| {
                            ctx.err(
                                "subscription",
                                format!("no subscription {sid} in this tenant"),
                            )
                        })?;
                    Some(sid)
                }
                None => None,
            };
            let installed_item = match &p.installed_item {
                Some(s) => {
                    let iid = ctx.field("installed_item", InstalledItemId::parse(s))?;
                    ctx.store(self.tx.installed_item(tenant.id, iid).await)?
                        .ok_or_else(|| {
                            ctx.err(
                                "installed_item",
                                format!("no installed item {iid} in this tenant"),
                            )
                        })?;
                    Some(iid)
                }
                None => None,
            };
            let bundle = match &p.bundle {
                Some(b) => {
                    let poid = ctx.field("bundle", Poid::parse(b))?;
                    let found = ctx
                        .store(self.tx.bundle_by_poid(tenant.id, &poid).await)?
                        .ok_or_else(|| {
                            ctx.err("bundle", format!("no bundle {poid} in this tenant"))
                        })?;
                    Some(found.id)
                }
                None => None,
            };
            let instance = ProductInstance {
                id,
                tenant: tenant.id,
                product: product.id,
                customer,
                account,
                subscription,
                installed_item,
                bundle,
                status: ctx.field("status", InstanceStatus::parse(&p.status))?,
                effective_from: None,
                effective_to: None,
            };
            let inserted = ctx.store(self.tx.insert_product_instance_if_absent(&instance).await)?;
            self.counted(inserted);
        }
        Ok(())
    }
}
