//! `bundles:` (docs/design.md §5), Billing Care purchased bundles keyed by POID within the
//! tenant.

use chrono::{TimeZone, Utc};

use crate::domain::catalog::Bundle;
use crate::domain::ids::BundleId;
use crate::domain::poid::Poid;

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn bundles(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, b) in file.bundles.iter().enumerate() {
            let ctx = Ctx::at("bundles", i, &b.poid);
            let tenant = self.tenant(&ctx, &b.tenant).await?;
            let account = self.account(&ctx, "account", tenant.id, &b.account).await?;
            let service = ctx.field("service", Poid::parse(&b.service))?;
            let deal = ctx.field("deal", Poid::parse(&b.deal))?;
            if !service.is_a("/service") {
                return Err(ctx.err("service", format!("'{service}' is not a /service POID")));
            }
            if !deal.is_a("/deal") {
                return Err(ctx.err("deal", format!("'{deal}' is not a /deal POID")));
            }
            let bundle = Bundle {
                id: BundleId::new(),
                tenant: tenant.id,
                poid: ctx.field("poid", Poid::parse(&b.poid))?,
                account: account.id,
                service,
                deal,
                package_id: b.package_id,
                purchased_at: Utc.from_utc_datetime(
                    &account.start_date.and_hms_opt(0, 0, 0).unwrap_or_default(),
                ),
                cancellation: None,
            };
            let inserted = ctx.store(self.tx.insert_bundle_if_absent(&bundle).await)?;
            self.counted(inserted);
        }
        Ok(())
    }
}
