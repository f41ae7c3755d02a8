//! What the store holds, to check what a request changed (and what it did not).

use billing_compat::domain::account::{Account, AccountReferenceNo};
use billing_compat::domain::audit::AuditEvent;
use billing_compat::domain::tenant::TenantCode;

use crate::helpers::TestApp;

/// An account as stored, to check what changed (and what did not).
pub async fn account(app: &TestApp, tenant: &str, reference: &str) -> Account {
    find_account(app, tenant, reference)
        .await
        .expect("account exists")
}

pub async fn find_account(app: &TestApp, tenant: &str, reference: &str) -> Option<Account> {
    let mut tx = app.store().read().await.unwrap();
    let tenant = tx
        .tenant_by_code(&TenantCode::parse(tenant).unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.account_by_reference(tenant.id, &AccountReferenceNo::parse(reference).unwrap())
        .await
        .unwrap()
}

pub async fn audit(app: &TestApp, tenant: &str) -> Vec<AuditEvent> {
    let mut tx = app.store().read().await.unwrap();
    let tenant = tx
        .tenant_by_code(&TenantCode::parse(tenant).unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.recent_audit(tenant.id, 100).await.unwrap()
}

/// Today in the demo tenant's zone (Pacific/Auckland), as the 14091 rule judges it.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Pacific::Auckland)
        .date_naive()
}
