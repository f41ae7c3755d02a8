//! `tenants:` (docs/design.md §5), keyed by code.

use crate::domain::ids::TenantId;
use crate::domain::tenant::{Tenant, TenantCode, TimeZone};

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn tenants(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, t) in file.tenants.iter().enumerate() {
            let ctx = Ctx::at("tenants", i, &t.code);
            let code = ctx.field("code", TenantCode::parse(&t.code))?;
            let zone = match &t.timezone {
                Some(name) => ctx.field("timezone", TimeZone::parse(name))?,
                None => TimeZone::default(),
            };
            if t.name.trim().is_empty() {
                return Err(ctx.err("name", "must not be empty"));
            }
            let tenant = Tenant {
                id: TenantId::new(),
                code,
                name: t.name.clone(),
                time_zone: zone,
            };
            let inserted = ctx.store(self.tx.insert_tenant_if_absent(&tenant, self.now).await)?;
            self.counted(inserted);
        }
        Ok(())
    }
}
