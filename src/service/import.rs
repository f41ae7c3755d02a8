//! YAML fixture import (docs/design.md §5): atomic (one transaction: a bad file writes nothing),
//! idempotent (entries already present by natural key are left as they are, so running a
//! file twice changes nothing and never overwrites changes made through the APIs), and
//! precise (an error names the list entry and the field).

mod raw;

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{NaiveDate, TimeZone, Utc};

use crate::domain::account::{Account, AccountReferenceNo, AccountStatus, ExternalReferenceNo};
use crate::domain::catalog::{
    Bundle, Classification, InstalledItem, InstanceStatus, ItemKind, PlanType, Product,
    ProductInstance, Subscription,
};
use crate::domain::customer::Customer;
use crate::domain::disconnect::{Acceptance, ChargeItem, DisconnectOrder, ExternalId, OrderState};
use crate::domain::ids::{
    AccountId, ApiUserId, BundleId, CustomerId, DisconnectOrderId, InstalledItemId, ProductId,
    ProductInstanceId, SubscriptionId, TenantId,
};
use crate::domain::poid::Poid;
use crate::domain::store::{erase, value_of, Kept, NewApiUser, Store, Tx};
use crate::domain::tenant::{Tenant, TenantCode, TimeZone as Zone};
use crate::domain::user::{Api, ApiSet, Username};
use crate::domain::DomainError;

use super::auth::{hash_api_key, hash_password};
use raw::FixtureFile;

/// What went wrong, and where: `accounts[3] (DS1000009) field status: unknown value…`.
#[derive(Debug, thiserror::Error)]
pub struct ImportError {
    pub entry: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.entry, self.message)
        } else {
            write!(f, "{} field {}: {}", self.entry, self.field, self.message)
        }
    }
}

/// How many entries were written and how many were already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub already_present: usize,
}

struct Ctx {
    entry: String,
}

impl Ctx {
    fn at(list: &str, index: usize, key: &str) -> Self {
        Self {
            entry: format!("{list}[{index}] ({key})"),
        }
    }

    fn err(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            entry: self.entry.clone(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A domain validation failure, re-labelled with the fixture's field name.
    fn field<T>(&self, field: &str, result: Result<T, DomainError>) -> Result<T, ImportError> {
        result.map_err(|e| match e {
            DomainError::Invalid { reason, .. } => self.err(field, reason),
            other => self.err(field, other.to_string()),
        })
    }

    fn store<T>(&self, result: Result<T, DomainError>) -> Result<T, ImportError> {
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

    fn date(&self, field: &str, text: &str) -> Result<NaiveDate, ImportError> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| self.err(field, format!("'{text}' is not a YYYY-MM-DD date")))
    }

    fn opt_date(
        &self,
        field: &str,
        text: &Option<String>,
    ) -> Result<Option<NaiveDate>, ImportError> {
        text.as_deref().map(|t| self.date(field, t)).transpose()
    }
}

/// Parses `text` (YAML) and writes it in one transaction.
pub async fn import_yaml(store: &dyn Store, text: &str) -> Result<ImportReport, ImportError> {
    let file: FixtureFile = serde_yaml_ng::from_str(text).map_err(|e| ImportError {
        entry: "file".into(),
        field: String::new(),
        message: e.to_string(),
    })?;
    // The whole file is one unit of work, alone in its transaction: all of it or nothing.
    let committed = store
        .write_bulk(erase(move |tx| {
            Box::pin(async move {
                let mut report = ImportReport::default();
                let outcome = Importer {
                    tx,
                    report: &mut report,
                    tenants: HashMap::new(),
                    customers: HashSet::new(),
                }
                .run(&file)
                .await;
                // A rejected entry is the import's answer, not a storage failure: roll
                // everything back and hand the entry's error out.
                Ok(match outcome {
                    Ok(()) => Kept::commit(Ok(report)),
                    Err(error) => Kept::discard(Err(error)),
                })
            })
        }))
        .await
        .map_err(|e| ImportError {
            entry: "database".into(),
            field: String::new(),
            message: e.to_string(),
        })?;
    value_of::<Result<ImportReport, ImportError>>(committed)
        .map_err(|e| ImportError {
            entry: "database".into(),
            field: String::new(),
            message: e.to_string(),
        })?
        .0
}

/// True when the database holds no tenant yet (`serve --demo` loads only then).
pub async fn is_empty(store: &dyn Store, file_text: &str) -> Result<bool, DomainError> {
    let file: FixtureFile = serde_yaml_ng::from_str(file_text)
        .map_err(|e| DomainError::invalid("fixture", e.to_string()))?;
    let mut tx = store.read().await?;
    for tenant in &file.tenants {
        if let Ok(code) = TenantCode::parse(&tenant.code) {
            if tx.tenant_by_code(&code).await?.is_some() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

struct Importer<'a> {
    tx: &'a mut dyn Tx,
    report: &'a mut ImportReport,
    /// Tenants and customers already found in this transaction: a large file names the same
    /// few over and over, and neither changes during an import (only positive look-ups are
    /// remembered, so an entry inserted later in the file is still found). Issue 9: halves
    /// the queries per account row.
    tenants: HashMap<String, Tenant>,
    customers: HashSet<(TenantId, CustomerId)>,
}

impl Importer<'_> {
    fn counted(&mut self, inserted: bool) {
        if inserted {
            self.report.inserted += 1;
        } else {
            self.report.already_present += 1;
        }
    }

    async fn tenant(&mut self, ctx: &Ctx, code: &str) -> Result<Tenant, ImportError> {
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

    async fn customer(
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

    async fn account(
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

    async fn run(mut self, file: &FixtureFile) -> Result<(), ImportError> {
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

    async fn tenants(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, t) in file.tenants.iter().enumerate() {
            let ctx = Ctx::at("tenants", i, &t.code);
            let code = ctx.field("code", TenantCode::parse(&t.code))?;
            let zone = match &t.timezone {
                Some(name) => ctx.field("timezone", Zone::parse(name))?,
                None => Zone::default(),
            };
            if t.name.trim().is_empty() {
                return Err(ctx.err("name", "must not be empty"));
            }
            let exists = ctx.store(self.tx.tenant_by_code(&code).await)?.is_some();
            if !exists {
                let tenant = Tenant {
                    id: TenantId::new(),
                    code,
                    name: t.name.clone(),
                    time_zone: zone,
                };
                ctx.store(self.tx.insert_tenant(&tenant).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    /// Parents before children, whatever the file's order; a cycle or a missing parent is named.
    async fn customers(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
                let exists = ctx.store(self.tx.customer(tenant.id, id).await)?.is_some();
                if !exists {
                    let customer = Customer {
                        id,
                        tenant: tenant.id,
                        parent,
                        name: c.name.clone(),
                    };
                    ctx.store(self.tx.insert_customer(&customer).await)?;
                }
                self.counted(!exists);
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

    async fn users(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, u) in file.users.iter().enumerate() {
            let ctx = Ctx::at("users", i, &u.username);
            let tenant = self.tenant(&ctx, &u.tenant).await?;
            let username = ctx.field("username", Username::parse(&u.username))?;
            if u.password.len() < 8 {
                return Err(ctx.err("password", "must be at least 8 characters"));
            }
            let apis = u
                .apis
                .iter()
                .map(|a| ctx.field("apis", a.parse::<Api>()))
                .collect::<Result<Vec<_>, _>>()?;
            if apis.is_empty() {
                return Err(ctx.err("apis", "must name at least one API"));
            }
            if let Some(key) = &u.api_key {
                if key.len() < 12 {
                    return Err(ctx.err("api_key", "must be at least 12 characters"));
                }
            }
            let customer = match &u.customer {
                Some(c) => Some(self.customer(&ctx, "customer", tenant.id, c).await?),
                None => None,
            };
            let existing = ctx.store(self.tx.user_by_username(username.as_str()).await)?;
            if let Some(existing) = &existing {
                if existing.tenant.id != tenant.id {
                    return Err(ctx.err(
                        "username",
                        "is already used in another tenant (usernames are global)",
                    ));
                }
            } else {
                let user = NewApiUser {
                    id: ApiUserId::new(),
                    tenant: tenant.id,
                    username,
                    password_hash: ctx.field("password", hash_password(&u.password))?,
                    api_key_hash: u.api_key.as_deref().map(hash_api_key),
                    apis: ApiSet::new(apis),
                    customer,
                };
                ctx.store(self.tx.insert_user(&user).await)?;
            }
            self.counted(existing.is_none());
        }
        Ok(())
    }

    async fn accounts(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(
                    self.tx
                        .account_by_reference(tenant.id, &account.reference_no)
                        .await,
                )?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_account(&account).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn products(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(self.tx.product_by_code(tenant.id, &p.code).await)?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_product(&product).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn subscriptions(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, s) in file.subscriptions.iter().enumerate() {
            let ctx = Ctx::at("subscriptions", i, &s.id);
            let tenant = self.tenant(&ctx, &s.tenant).await?;
            let id = ctx.field("id", SubscriptionId::parse(&s.id))?;
            let account = self.account(&ctx, "account", tenant.id, &s.account).await?;
            if s.number.trim().is_empty() {
                return Err(ctx.err("number", "must not be empty"));
            }
            let exists = ctx
                .store(self.tx.subscription(tenant.id, id).await)?
                .is_some();
            if !exists {
                let subscription = Subscription {
                    id,
                    tenant: tenant.id,
                    number: s.number.clone(),
                    account: account.id,
                };
                ctx.store(self.tx.insert_subscription(&subscription).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn installed_items(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(self.tx.installed_item(tenant.id, id).await)?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_installed_item(&item).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn bundles(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(self.tx.bundle_by_poid(tenant.id, &bundle.poid).await)?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_bundle(&bundle).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn product_instances(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(self.tx.product_instance(tenant.id, id).await)?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_product_instance(&instance).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }

    async fn disconnect_orders(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
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
            let exists = ctx
                .store(
                    self.tx
                        .disconnect_order_by_external_id(tenant.id, external_id)
                        .await,
                )?
                .is_some();
            if !exists {
                ctx.store(self.tx.insert_disconnect_order(&order).await)?;
            }
            self.counted(!exists);
        }
        Ok(())
    }
}
