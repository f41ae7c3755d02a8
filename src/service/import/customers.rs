//! `customers:` (docs/design.md §5), keyed by id within the tenant. Parents before
//! children, whatever the file's order; a cycle or a missing parent is named.

use std::collections::HashSet;

use crate::domain::customer::Customer;
use crate::domain::ids::CustomerId;

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn customers(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        let mut pending: Vec<usize> = (0..file.customers.len()).collect();
        let mut in_file = HashSet::new();
        for (i, c) in file.customers.iter().enumerate() {
            let ctx = Ctx::at("customers", i, &c.id);
            let id = ctx.field("id", CustomerId::parse(&c.id))?;
            if !in_file.insert(id) {
                return Err(ctx.err("id", "appears twice in the file"));
            }
            if c.name.trim().is_empty() {
                return Err(ctx.err("name", "must not be empty"));
            }
        }
        while !pending.is_empty() {
            let mut progressed = false;
            let mut waiting = Vec::new();
            for i in pending {
                let c = &file.customers[i];
                let ctx = Ctx::at("customers", i, &c.id);
                let tenant = self.tenant(&ctx, &c.tenant).await?;
                let id = ctx.field("id", CustomerId::parse(&c.id))?;
                let parent = match &c.parent {
                    None => None,
                    Some(p) => {
                        let pid = ctx.field("parent", CustomerId::parse(p))?;
                        if ctx.store(self.tx.customer(tenant.id, pid).await)?.is_none() {
                            if in_file.contains(&pid) {
                                waiting.push(i);
                                continue;
                            }
                            return Err(
                                ctx.err("parent", format!("no customer {pid} in this tenant"))
                            );
                        }
                        Some(pid)
                    }
                };
                let customer = Customer {
                    id,
                    tenant: tenant.id,
                    parent,
                    name: c.name.clone(),
                };
                let inserted = ctx.store(self.tx.insert_customer_if_absent(&customer).await)?;
                self.counted(inserted);
                progressed = true;
            }
            if !progressed {
                let i = waiting[0];
                let ctx = Ctx::at("customers", i, &file.customers[i].id);
                return Err(ctx.err("parent", "the parent chain loops or crosses tenants"));
            }
            pending = waiting;
        }
        Ok(())
    }
}
