//! `GetCustomerAccountByAccountId` (docs/design.md §6.1): the account as the one core holds it, so
//! whatever another API changed (a cancelled bundle, a detached product) shows here.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::account::Account;
use crate::domain::catalog::{Bundle, InstanceStatus};
use crate::domain::ids::{BundleId, ProductId};
use crate::domain::store::Tx;
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::{Origin, Services};

use super::command::GetCustomerAccount;
use super::rules;
use super::run::{operation, run, Answer, Caller, Context};

pub const OPERATION: &str = "GetCustomerAccountByAccountId";

/// One product instance of the account: its product's code and its status as every API
/// reads it (an instance of a bundle whose cancel took effect reads CANCELLED).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountProduct {
    pub code: String,
    pub status: InstanceStatus,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    pub account: Account,
    pub products: Vec<AccountProduct>,
}

/// Same `User` and reference rules as the adjustment: 02, 100, 13203, 12016, 08, 07. A read
/// is not replayed by `Id`: repeating it is safe and must show the account as it is now.
#[tracing::instrument(skip_all, fields(operation = OPERATION))]
pub async fn customer_account<D>(
    services: &Services,
    message: &GetCustomerAccount,
    origin: &Origin,
    signed_in: Option<Principal>,
    render: impl Fn(&Answer<AccountView>) -> D + Clone + Send + 'static,
) -> Result<D, DomainError>
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    let base = message.base.clone();
    let message = message.clone();
    let work = operation(move |tx: &mut dyn Tx, call: &mut Context| {
        Box::pin(async move {
            rules::check_base_shape(&message.base)?;
            rules::initiator(&message.base)?;
            let lookup = rules::lookup(&message.references)?;
            let tenant = call.principal.tenant.id;
            let account = rules::the_account(tx, tenant, &lookup).await?;
            let products = products(tx, &account, call.now).await?;
            Ok(AccountView { account, products })
        })
    });
    let caller = Caller { origin, signed_in };
    run(services, &base, caller, None, work, render).await
}

async fn products(
    tx: &mut dyn Tx,
    account: &Account,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<AccountProduct>, DomainError> {
    let mut codes: HashMap<ProductId, String> = HashMap::new();
    let mut bundles: HashMap<BundleId, Option<Bundle>> = HashMap::new();
    let mut products = Vec::new();
    for instance in tx
        .product_instances_of_account(account.tenant, account.id)
        .await?
    {
        if let Entry::Vacant(slot) = codes.entry(instance.product) {
            let product = tx
                .product(account.tenant, instance.product)
                .await?
                .ok_or_else(|| DomainError::internal("product instance without its product"))?;
            slot.insert(product.code);
        }
        let bundle = match instance.bundle {
            Some(id) => {
                if let Entry::Vacant(slot) = bundles.entry(id) {
                    slot.insert(tx.bundle(account.tenant, id).await?);
                }
                bundles.get(&id).and_then(Option::as_ref)
            }
            None => None,
        };
        products.push(AccountProduct {
            code: codes.get(&instance.product).cloned().unwrap_or_default(),
            status: instance.effective_status(bundle, now),
        });
    }
    // A stable order for clients comparing replies: by product code, then status.
    products.sort_by(|a, b| {
        (a.code.as_str(), a.status.as_str()).cmp(&(b.code.as_str(), b.status.as_str()))
    });
    Ok(products)
}
