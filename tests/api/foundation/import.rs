//! Fixture import: atomic, idempotent, and precise about what is wrong.

use billing_compat::domain::clock::SystemClock;
use billing_compat::service::import::import_yaml;
use billing_compat::startup::DEMO_FIXTURE;

use crate::helpers::{demo_store, empty_store};

#[tokio::test]
async fn the_demo_fixture_imports_into_an_empty_database_and_again_changes_nothing() {
    let (_db, store) = empty_store().await;
    let first = import_yaml(store.as_ref(), &SystemClock, DEMO_FIXTURE)
        .await
        .unwrap();
    assert!(first.inserted > 50, "{first:?}");
    assert_eq!(first.already_present, 0);
    let second = import_yaml(store.as_ref(), &SystemClock, DEMO_FIXTURE)
        .await
        .unwrap();
    assert_eq!(second.inserted, 0);
    assert_eq!(second.already_present, first.inserted);
}

async fn refused(yaml: &str) -> String {
    let (_db, store) = demo_store().await;
    let before = store.read().await.unwrap().pending_jobs().await.unwrap();
    let err = import_yaml(store.as_ref(), &SystemClock, yaml)
        .await
        .unwrap_err()
        .to_string();
    // Nothing was written: the new tenant of the file is absent.
    let code = billing_compat::domain::tenant::TenantCode::parse("newco").unwrap();
    assert!(store
        .read()
        .await
        .unwrap()
        .tenant_by_code(&code)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.read().await.unwrap().pending_jobs().await.unwrap(),
        before
    );
    err
}

const GOOD_HEAD: &str = "tenants:\n  - { code: newco, name: New Co }\ncustomers:\n  - { tenant: newco, id: 9c000000-0000-4000-8000-000000000001, name: Root }\n";

#[tokio::test]
async fn a_bad_value_names_the_entry_and_field_and_writes_nothing() {
    let yaml = format!(
        "{GOOD_HEAD}accounts:\n  - {{ tenant: newco, customer: 9c000000-0000-4000-8000-000000000001, reference_no: N1, status: Active, start_date: 2025-01-01 }}\n  - {{ tenant: newco, customer: 9c000000-0000-4000-8000-000000000001, reference_no: N2, status: Actve, start_date: 2025-01-01 }}\n"
    );
    let err = refused(&yaml).await;
    assert_eq!(err, "accounts[1] (N2) field status: unknown value 'Actve' (expected Active, Suspended, Cancelled or Closed)");
}

#[tokio::test]
async fn a_dangling_reference_is_named() {
    let yaml = format!(
        "{GOOD_HEAD}accounts:\n  - {{ tenant: newco, customer: 9c000000-0000-4000-8000-000000000009, reference_no: N1, status: Active, start_date: 2025-01-01 }}\n"
    );
    let err = refused(&yaml).await;
    assert!(
        err.starts_with(
            "accounts[0] (N1) field customer: no customer 9c000000-0000-4000-8000-000000000009"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn bad_dates_lengths_and_unknown_fields_are_named() {
    let date = format!(
        "{GOOD_HEAD}accounts:\n  - {{ tenant: newco, customer: 9c000000-0000-4000-8000-000000000001, reference_no: N1, status: Active, start_date: 2025-13-01 }}\n"
    );
    assert_eq!(
        refused(&date).await,
        "accounts[0] (N1) field start_date: '2025-13-01' is not a YYYY-MM-DD date"
    );
    let long = format!(
        "{GOOD_HEAD}accounts:\n  - {{ tenant: newco, customer: 9c000000-0000-4000-8000-000000000001, reference_no: N1234567890123456, status: Active, start_date: 2025-01-01 }}\n"
    );
    assert!(refused(&long).await.contains(
        "field reference_no: AccountReferenceNo field cannot be more than 15 characters"
    ));
    let unknown = format!("{GOOD_HEAD}acounts: []\n");
    let err = refused(&unknown).await;
    assert!(err.starts_with("file: unknown field `acounts`"), "{err}");
}

#[tokio::test]
async fn a_customer_cycle_is_refused() {
    let yaml = "tenants:\n  - { code: newco, name: New Co }\ncustomers:\n  - { tenant: newco, id: 9c000000-0000-4000-8000-000000000001, name: A, parent: 9c000000-0000-4000-8000-000000000002 }\n  - { tenant: newco, id: 9c000000-0000-4000-8000-000000000002, name: B, parent: 9c000000-0000-4000-8000-000000000001 }\n";
    let err = refused(yaml).await;
    assert!(
        err.contains("field parent: the parent chain loops"),
        "{err}"
    );
}

#[tokio::test]
async fn children_may_come_before_their_parents() {
    let (_db, store) = empty_store().await;
    let yaml = "tenants:\n  - { code: newco, name: New Co }\ncustomers:\n  - { tenant: newco, id: 9c000000-0000-4000-8000-000000000002, name: Child, parent: 9c000000-0000-4000-8000-000000000001 }\n  - { tenant: newco, id: 9c000000-0000-4000-8000-000000000001, name: Root }\n";
    let report = import_yaml(store.as_ref(), &SystemClock, yaml)
        .await
        .unwrap();
    assert_eq!(report.inserted, 3);
}

#[tokio::test]
async fn a_second_file_counts_exactly_what_it_adds() {
    let (_db, store) = demo_store().await;
    // acme's root customer and DS1000001 are in the demo data; N9 is new.
    let yaml = "customers:\n  - { tenant: acme, id: c0000000-0000-4000-8000-000000000001, name: Renamed }\naccounts:\n  - { tenant: acme, customer: c0000000-0000-4000-8000-000000000001, reference_no: DS1000001, status: Closed, start_date: 2025-01-01 }\n  - { tenant: acme, customer: c0000000-0000-4000-8000-000000000001, reference_no: N9, status: Active, start_date: 2025-01-01 }\n";
    let report = import_yaml(store.as_ref(), &SystemClock, yaml)
        .await
        .unwrap();
    assert_eq!((report.inserted, report.already_present), (1, 2));
    // Present entries are left as they are.
    let mut tx = store.read().await.unwrap();
    let acme = billing_compat::domain::tenant::TenantCode::parse("acme").unwrap();
    let acme = tx.tenant_by_code(&acme).await.unwrap().unwrap().id;
    let reference =
        billing_compat::domain::account::AccountReferenceNo::parse("DS1000001").unwrap();
    let account = tx
        .account_by_reference(acme, &reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status.as_str(), "Active");
}

#[tokio::test]
async fn an_id_another_tenant_holds_is_a_conflict_not_already_present() {
    // globex's customer id, listed under newco: not newco's, so not "already present".
    let yaml = "tenants:\n  - { code: newco, name: New Co }\ncustomers:\n  - { tenant: newco, id: c0000000-0000-4000-8000-000000000101, name: Taken }\n";
    let err = refused(yaml).await;
    assert!(
        err.starts_with(
            "customers[0] (c0000000-0000-4000-8000-000000000101): conflicts with existing data ("
        ),
        "{err}"
    );
}
