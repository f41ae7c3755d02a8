//! `/admin/v1/accounts` (issue 19 item 2; docs/operations.md "Admin API"): an account found
//! by any vendor's identifier, and everything the core holds on it across the five APIs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::account::Account as DomainAccount;
use crate::domain::ids::AccountId;
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;
use crate::service::admin::accounts::{AccountView, Matches};

use super::account_parts::{
    bundle, customer, date_text, disconnect_order, operation, product_instance,
    provisioning_request, Bundle, Customer, DisconnectOrder, Operation, ProductInstance,
    ProvisioningRequest,
};
use super::reply::{self, json, ok_or_problem};

pub const PATH: &str = "/admin/v1/accounts";
pub const ONE: &str = "/admin/v1/accounts/{id}";

/// An account as the core holds it.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Account)]
pub(super) struct Account {
    id: String,
    tenant: String,
    customer_id: String,
    /// Debitsuccess `AccountReferenceNo`.
    reference_no: String,
    /// Debitsuccess `ExternalReferenceNo`.
    external_reference_no: Option<String>,
    /// Billing Care's account POID.
    poid: Option<String>,
    #[schema(example = "Active")]
    status: &'static str,
    start_date: String,
    termination_date: Option<String>,
    final_bill_date: Option<String>,
    /// In cents.
    total_contract_value: Option<i64>,
}

fn account(a: &DomainAccount, tenant: &str) -> Account {
    Account {
        id: a.id.to_string(),
        tenant: tenant.to_owned(),
        customer_id: a.customer.to_string(),
        reference_no: a.reference_no.as_str().to_owned(),
        external_reference_no: a
            .external_reference_no
            .as_ref()
            .map(|e| e.as_str().to_owned()),
        poid: a.poid.as_ref().map(|p| p.to_string()),
        status: a.status.as_str(),
        start_date: date_text(a.start_date),
        termination_date: a.termination_date.map(date_text),
        final_bill_date: a.final_bill_date.map(date_text),
        total_contract_value: a.total_contract_value.map(|m| m.cents()),
    }
}

/// An account a look-up found, and which of its identifiers matched.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::AccountMatch)]
pub(super) struct AccountMatch {
    account: Account,
    /// reference_no, external_reference_no, poid, customer_id.
    #[schema(example = json!(["reference_no"]))]
    matched: Vec<&'static str>,
}

/// What a look-up found.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::AccountMatches)]
pub(super) struct AccountMatches {
    accounts: Vec<AccountMatch>,
    /// True when more than 50 matched and the rest were left out.
    more: bool,
}

/// An account with everything the core holds on it, across vendors.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::AccountView)]
pub(super) struct AccountDetail {
    account: Account,
    customer: Option<Customer>,
    product_instances: Vec<ProductInstance>,
    bundles: Vec<Bundle>,
    disconnect_orders: Vec<DisconnectOrder>,
    provisioning_requests: Vec<ProvisioningRequest>,
    /// floLIVE operations on the account's customer, newest first.
    operations: Vec<Operation>,
    /// The lists cut at 200 rows.
    truncated: Vec<&'static str>,
}

fn detail(view: AccountView) -> AccountDetail {
    let tenant = view.tenant.code.as_str();
    AccountDetail {
        account: account(&view.account, tenant),
        customer: view.customer.as_ref().map(customer),
        product_instances: view.instances.iter().map(product_instance).collect(),
        bundles: view.bundles.iter().map(bundle).collect(),
        disconnect_orders: view
            .disconnect_orders
            .iter()
            .map(disconnect_order)
            .collect(),
        provisioning_requests: view
            .provisioning_requests
            .iter()
            .map(provisioning_request)
            .collect(),
        operations: view.operations.iter().map(operation).collect(),
        truncated: view.truncated,
    }
}

/// The account view as the admin API answers it, as JSON: the console's account page
/// shows these same fields (docs/console.md "Pages"), so the two never drift apart.
pub(crate) fn view_json(view: AccountView) -> serde_json::Value {
    serde_json::to_value(detail(view)).unwrap_or(serde_json::Value::Null)
}

/// A matched account as the admin API shows it, as JSON (see [`view_json`]).
pub(crate) fn account_json(a: &DomainAccount, tenant: &str) -> serde_json::Value {
    serde_json::to_value(account(a, tenant)).unwrap_or(serde_json::Value::Null)
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct FindQuery {
    /// The tenant's code (identifiers are unique per tenant only).
    #[param(example = "acme", pattern = "^[A-Za-z0-9_-]{1,64}$")]
    tenant: String,
    /// A reference number, external reference, POID or customer id.
    #[param(
        example = "DS1000008",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    q: String,
}

/// The tenant's accounts carrying `q` as any vendor's identifier: Debitsuccess reference
/// number or external reference, Billing Care POID, or the customer id.
#[utoipa::path(
    get, path = "/admin/v1/accounts", tag = "admin", operation_id = "adminFindAccounts",
    params(FindQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The accounts found (at most 50)", body = AccountMatches),
        (status = 400, description = "A parameter is missing or not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn find(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let found = async {
        let [tenant, q] = reply::query(req.query_string(), ["tenant", "q"])?;
        let tenant = tenant.ok_or_else(|| DomainError::invalid("tenant", "required"))?;
        let q = q.ok_or_else(|| DomainError::invalid("q", "required"))?;
        let code = TenantCode::parse(&tenant)?;
        state
            .services
            .admin_find_accounts(&code, &q)
            .await
            .map(|found| (found, code))
    }
    .await;
    ok_or_problem(&req, found, |(found, code): (Matches, TenantCode)| {
        json(
            StatusCode::OK,
            AccountMatches {
                more: found.more,
                accounts: found
                    .accounts
                    .into_iter()
                    .map(|m| AccountMatch {
                        account: account(&m.account, code.as_str()),
                        matched: m.matched.iter().map(|i| i.as_str()).collect(),
                    })
                    .collect(),
            },
        )
    })
}

/// The account with its customer, product instances, bundles, disconnect orders,
/// provisioning requests and its customer's floLIVE operations.
#[utoipa::path(
    get, path = "/admin/v1/accounts/{id}", tag = "admin", operation_id = "adminGetAccount",
    params(("id" = String, Path, description = "The account's id (a UUID)")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The account across vendors", body = AccountDetail),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let found = match AccountId::parse(&id) {
        Ok(id) => state.services.admin_account(id).await,
        Err(_) => Err(DomainError::NotFound("account")),
    };
    ok_or_problem(&req, found, |view| json(StatusCode::OK, detail(view)))
}
