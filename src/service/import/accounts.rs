//! `accounts:` (docs/design.md §5), keyed by reference number within the tenant.

use crate::domain::account::{Account, AccountReferenceNo, AccountStatus, ExternalReferenceNo};
use crate::domain::ids::AccountId;
use crate::domain::poid::Poid;

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn accounts(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, a) in file.accounts.iter().enumerate() {
            let ctx = Ctx::at("accounts", i, &a.reference_no);
            let tenant = self.tenant(&ctx, &a.tenant).await?;
            let customer = self
                .customer(&ctx, "customer", tenant.id, &a.customer)
                .await?;
            let reference_no =
                ctx.field("reference_no", AccountReferenceNo::parse(&a.reference_no))?;
            let account = Account {
                id: AccountId::new(),
                tenant: tenant.id,
                customer,
                external_reference_no: a
                    .external_reference_no
                    .as_deref()
                    .map(|r| ctx.field("external_reference_no", ExternalReferenceNo::parse(r)))
                    .transpose()?,
                poid: a
                    .poid
                    .as_deref()
                    .map(|p| ctx.field("poid", Poid::parse(p)))
                    .transpose()?,
                status: ctx.field("status", AccountStatus::parse(&a.status))?,
                start_date: ctx.date("start_date", &a.start_date)?,
                termination_date: ctx.opt_date("termination_date", &a.termination_date)?,
                final_bill_date: ctx.opt_date("final_bill_date", &a.final_bill_date)?,
                total_contract_value: a
                    .total_contract_value
                    .as_ref()
                    .map(|v| ctx.field("total_contract_value", v.money()))
                    .transpose()?,
                reference_no,
            };
            if let Some(poid) = &account.poid {
                if !poid.is_a("/account") {
                    return Err(ctx.err("poid", format!("'{poid}' is not an /account POID")));
                }
            }
            let inserted = ctx.store(self.tx.insert_account_if_absent(&account).await)?;
            self.counted(inserted);
        }
        Ok(())
    }
}
