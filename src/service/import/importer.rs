//! What every list's import shares: the entry's context for error messages, the report's
//! counts, and the look-ups of the tenant, customer or account an entry names.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::account::{Account, AccountReferenceNo};
use crate::domain::ids::{CustomerId, TenantId};
use crate::domain::store::Tx;
use crate::domain::tenant::{Tenant, TenantCode};
use crate::domain::DomainError;

use super::raw::FixtureFile;
use super::{ImportError, ImportReport};

/// The entry being imported, for error messages: `accounts[3] (DS1000009)`.
pub(super) struct Ctx {
    entry: String,
}

impl Ctx {
    pub(super) fn at(list: &str, index: usize, key: &str) -> Self {
        Self {
            entry: format!("{list}[{index}] ({key})"),
        }
    }

    pub(super) fn err(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            entry: self.entry.clone(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A domain validation failure, re-labelled with the fixture's field name.
    pub(super) fn field<T>(
        &self,
        field: &str,
        result: Result<T, DomainError>,
    ) -> Result<T, ImportError> {
        result.map_err(|e| match e {
            DomainError::Invalid { reason, .. } => self.err(field, reason),
            other => self.err(field, other.to_string()),
        })
    }

    pub(super) fn store<T>(&self, result: Result<T, DomainError>) -> Result<T, ImportError> {
        result.map_err(|e| match e {
            DomainError::Conflict { constraint } => {
                self.err("", format!("conflicts with existing data ({constraint})"))
            }
            other => {
                tracing::error!(error = ?other, "import failed in the store");
                self.err("", "the database refused the write (see the server log)")
            }
        })
    }

    pub(super) fn date(&self, field: &str, text: &str) -> Result<NaiveDate, ImportError> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| self.err(field, format!("'{text}' is not a YYYY-MM-DD date")))
    }

    pub(super) fn opt_date(
        &self,
        field: &str,
        text: &Option<String>,
    ) -> Result<Option<NaiveDate>, ImportError> {
        text.as_deref().map(|t| self.date(field, t)).transpose()
    }
}

/// One import, inside its one transaction. Each list's entries are written by the
/// `impl Importer` of the file named after it, one insert-if-absent statement per entry
/// (the store says whether the row was new, so the counts are exact).
pub(super) struct Importer<'a> {
    pub(super) tx: &'a mut dyn Tx,
    pub(super) report: &'a mut ImportReport,
    /// When the import runs (tenants record it).
    pub(super) now: DateTime<Utc>,
    /// Tenants and customers already found in this transaction: a large file names the same
    /// few over and over, and neither changes during an import (only positive look-ups are
    /// remembered, so an entry inserted later in the file is still found). Issue 9: halves
    /// the queries per account row.
    pub(super) tenants: HashMap<String, Tenant>,
    pub(super) customers: HashSet<(TenantId, CustomerId)>,
}

impl<'a> Importer<'a> {
    pub(super) fn new(
        tx: &'a mut dyn Tx,
        report: &'a mut ImportReport,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            tx,
            report,
            now,
            tenants: HashMap::new(),
            customers: HashSet::new(),
        }
    }

    /// Parents before children: each list only names entries of the lists before it.
    pub(super) async fn run(mut self, file: &FixtureFile) -> Result<(), ImportError> {
        self.tenants(file).await?;
        self.customers(file).await?;
        self.users(file).await?;
        self.accounts(file).await?;
        self.products(file).await?;
        self.subscriptions(file).await?;
        self.installed_items(file).await?;
        self.bundles(file).await?;
        self.product_instances(file).await?;
        self.disconnect_orders(file).await
    }

    pub(super) fn counted(&mut self, inserted: bool) {
        if inserted {
            self.report.inserted += 1;
        } else {
            self.report.already_present += 1;
        }
    }

    pub(super) async fn tenant(&mut self, ctx: &Ctx, code: &str) -> Result<Tenant, ImportError> {
        if let Some(tenant) = self.tenants.get(code) {
            return Ok(tenant.clone());
        }
        let parsed = ctx.field("tenant", TenantCode::parse(code))?;
        let tenant = ctx
            .store(self.tx.tenant_by_code(&parsed).await)?
            .ok_or_else(|| {
                ctx.err(
                    "tenant",
                    format!("no tenant with code '{}'", parsed.as_str()),
                )
            })?;
        self.tenants.insert(code.to_owned(), tenant.clone());
        Ok(tenant)
    }

    pub(super) async fn customer(
        &mut self,
        ctx: &Ctx,
        field: &str,
        tenant: TenantId,
        id: &str,
    ) -> Result<CustomerId, ImportError> {
        let id = ctx.field(field, CustomerId::parse(id))?;
        if self.customers.contains(&(tenant, id)) {
            return Ok(id);
        }
        match ctx.store(self.tx.customer(tenant, id).await)? {
            Some(c) => {
                self.customers.insert((tenant, c.id));
                Ok(c.id)
            }
            None => Err(ctx.err(field, format!("no customer {id} in this tenant"))),
        }
    }

    pub(super) async fn account(
        &mut self,
        ctx: &Ctx,
        field: &str,
        tenant: TenantId,
        reference: &str,
    ) -> Result<Account, ImportError> {
        let reference = ctx.field(field, AccountReferenceNo::parse(reference))?;
        ctx.store(self.tx.account_by_reference(tenant, &reference).await)?
            .ok_or_else(|| {
                ctx.err(
                    field,
                    format!(
                        "no account with reference_no '{}' in this tenant",
                        reference.as_str()
                    ),
                )
            })
    }
}
