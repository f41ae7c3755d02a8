//! Accounts through the admin API (issue 19 item 2; docs/operations.md "Admin API"): found
//! by any vendor's identifier, and shown with everything the core holds on them across the
//! five APIs. Read-only; every list is capped, so a request's cost is bounded.

use crate::domain::account::Account;
use crate::domain::catalog::{Bundle, ProductInstance};
use crate::domain::customer::Customer;
use crate::domain::disconnect::DisconnectOrder;
use crate::domain::ids::{AccountId, CustomerId};
use crate::domain::operation::OperationRequest;
use crate::domain::poid::Poid;
use crate::domain::provisioning::ProvisioningRequest;
use crate::domain::tenant::{Tenant, TenantCode};
use crate::domain::DomainError;
use crate::service::Services;

use super::changes::plain_text;

/// Most accounts one look-up returns (an external reference or a customer may be shared).
pub const MAX_MATCHES: i64 = 50;
/// Most rows of each kind the account view shows; `truncated` names the kinds cut.
pub const VIEW_CAP: i64 = 200;

/// Which identifier of an account a look-up matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identifier {
    /// Debitsuccess `AccountReferenceNo`.
    ReferenceNo,
    /// Debitsuccess `ExternalReferenceNo`.
    ExternalReferenceNo,
    /// Billing Care's account POID.
    Poid,
    /// The customer's id (floLIVE customer, Verizon and CRM.COM name customers by it).
    CustomerId,
}

impl Identifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Identifier::ReferenceNo => "reference_no",
            Identifier::ExternalReferenceNo => "external_reference_no",
            Identifier::Poid => "poid",
            Identifier::CustomerId => "customer_id",
        }
    }
}

/// An account a look-up found, and by what.
#[derive(Clone, Debug)]
pub struct Match {
    pub account: Account,
    pub matched: Vec<Identifier>,
}

/// What a look-up found: at most [`MAX_MATCHES`]; `more` when others were left out.
#[derive(Clone, Debug)]
pub struct Matches {
    pub accounts: Vec<Match>,
    pub more: bool,
}

/// An account with everything the core holds on it.
#[derive(Clone, Debug)]
pub struct AccountView {
    pub tenant: Tenant,
    pub account: Account,
    pub customer: Option<Customer>,
    pub instances: Vec<ProductInstance>,
    pub bundles: Vec<Bundle>,
    pub disconnect_orders: Vec<DisconnectOrder>,
    pub provisioning_requests: Vec<ProvisioningRequest>,
    /// floLIVE operations on the account's customer.
    pub operations: Vec<OperationRequest>,
    /// The lists cut at [`VIEW_CAP`].
    pub truncated: Vec<&'static str>,
}

fn matched(
    account: &Account,
    text: &str,
    poid: Option<&Poid>,
    customer: Option<CustomerId>,
) -> Vec<Identifier> {
    let mut found = Vec::new();
    if account.reference_no.as_str() == text {
        found.push(Identifier::ReferenceNo);
    }
    if account.external_reference_no.as_ref().map(|e| e.as_str()) == Some(text) {
        found.push(Identifier::ExternalReferenceNo);
    }
    if poid.is_some() && account.poid.as_ref() == poid {
        found.push(Identifier::Poid);
    }
    if customer.is_some() && Some(account.customer) == customer {
        found.push(Identifier::CustomerId);
    }
    found
}

/// Keeps at most `cap` of `rows` (read with one more), naming the list when cut.
fn capped<T>(mut rows: Vec<T>, name: &'static str, truncated: &mut Vec<&'static str>) -> Vec<T> {
    if rows.len() as i64 > VIEW_CAP {
        rows.truncate(VIEW_CAP as usize);
        truncated.push(name);
    }
    rows
}

impl Services {
    /// The tenant's accounts carrying `q` as any vendor's identifier of them.
    pub async fn admin_find_accounts(
        &self,
        code: &TenantCode,
        q: &str,
    ) -> Result<Matches, DomainError> {
        let text = plain_text("q", q, 200)?;
        // A POID or a customer id is compared in its canonical form; text that is neither
        // can only be a reference.
        let poid = Poid::parse(&text).ok();
        let customer = CustomerId::parse(&text).ok();
        let mut read = self.store.read().await?;
        let tenant = read
            .tenant_by_code(code)
            .await?
            .ok_or(DomainError::NotFound("tenant"))?;
        let mut accounts = read
            .accounts_identified_by(tenant.id, &text, poid.as_ref(), customer, MAX_MATCHES + 1)
            .await?;
        let more = accounts.len() as i64 > MAX_MATCHES;
        accounts.truncate(MAX_MATCHES as usize);
        Ok(Matches {
            accounts: accounts
                .into_iter()
                .map(|account| Match {
                    matched: matched(&account, &text, poid.as_ref(), customer),
                    account,
                })
                .collect(),
            more,
        })
    }

    /// The account `id` (in whichever tenant holds it) with its customer, product
    /// instances, bundles, disconnect orders, provisioning requests and its customer's
    /// floLIVE operations, from one read snapshot; every read scoped to its tenant.
    pub async fn admin_account(&self, id: AccountId) -> Result<AccountView, DomainError> {
        let mut read = self.store.read().await?;
        let account = read
            .account_anywhere(id)
            .await?
            .ok_or(DomainError::NotFound("account"))?;
        let tenant_id = account.tenant;
        let tenant = read
            .tenant(tenant_id)
            .await?
            .ok_or_else(|| DomainError::internal("an account's tenant is gone"))?;
        let customer = read.customer(tenant_id, account.customer).await?;
        let cap = VIEW_CAP + 1;
        let mut truncated = Vec::new();
        let instances = read
            .product_instances_of_account_capped(tenant_id, id, cap)
            .await?;
        let bundles = read.bundles_of_account(tenant_id, id, cap).await?;
        let orders = read
            .disconnect_orders_of_account(tenant_id, id, cap)
            .await?;
        let requests = read
            .provisioning_requests_of_account(tenant_id, id, cap)
            .await?;
        let operations = read
            .operations_of_customer(tenant_id, account.customer, cap)
            .await?;
        Ok(AccountView {
            tenant,
            customer,
            instances: capped(instances, "instances", &mut truncated),
            bundles: capped(bundles, "bundles", &mut truncated),
            disconnect_orders: capped(orders, "disconnectOrders", &mut truncated),
            provisioning_requests: capped(requests, "provisioningRequests", &mut truncated),
            operations: capped(operations, "operations", &mut truncated),
            truncated,
            account,
        })
    }
}
