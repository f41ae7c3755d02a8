//! `GetCustomerAccountByAccountId` (docs/design.md §6.1): the same `User` and reference rules, and
//! the account as the one core holds it, whatever API changed it last.

use billing_compat::domain::catalog::{
    Bundle, BundleCancellation, InstanceStatus, ProductInstance,
};
use billing_compat::domain::ids::{BundleId, ProductInstanceId};
use billing_compat::domain::instance_lifecycle::InstanceEnd;
use billing_compat::domain::poid::Poid;
use chrono::{Duration, Utc};
use serde_json::json;

use super::support::client::{
    account, call, json_call, note, Channel, Outcome, Request, GET_ACCOUNT,
};
use crate::helpers::{spawn_app, TestApp};

/// (code, status) of the account's products, from an XML or JSON reply.
fn products(outcome: &Outcome) -> Vec<(String, String)> {
    match (&outcome.result, &outcome.json) {
        (Some(result), _) => result
            .child("Account")
            .child("Products")
            .children
            .iter()
            .map(|p| {
                (
                    p.child("ProductCode").text.clone(),
                    p.child("Status").text.clone(),
                )
            })
            .collect(),
        (None, Some(json)) => json["Account"]["Products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["ProductCode"].as_str().unwrap().into(),
                    p["Status"].as_str().unwrap().into(),
                )
            })
            .collect(),
        _ => unreachable!(),
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn the_account_comes_back_with_its_dates_values_and_products_on_every_channel() {
    let app = spawn_app().await;
    let request =
        Request::get_account("DS1000007").field("ExternalAccountReferenceNo", "EXT-BILLED");
    for channel in [Channel::Soap11, Channel::Soap12] {
        let outcome = call(&app, channel, &request).await;
        assert_eq!(outcome.notes, [note("00", "Success", "Info")]);
        let account = outcome.result.unwrap().child("Account").clone();
        let text = |name: &str| account.child(name).text.clone();
        assert_eq!(text("AccountReferenceNo"), "DS1000007");
        assert_eq!(text("AccountStatus"), "Active");
        assert_eq!(text("ExternalAccountReferenceNo"), "EXT-BILLED");
        assert_eq!(text("FinalBillDate"), "2030-06-30T00:00:00");
        assert_eq!(text("StartDate"), "2024-01-01T00:00:00");
        assert!(account.child("TerminationDate").is_nil());
        assert_eq!(text("TotalContractValue"), "2400.00");
        assert!(account.child("Products").children.is_empty());
    }
    let outcome = call(&app, Channel::Json, &request).await;
    // Exact bytes: two decimals from the cents, never a float's `2400.0` (issue 14, item 6).
    assert!(
        outcome.body.contains(r#""TotalContractValue":2400.00}"#),
        "{}",
        outcome.body
    );
    assert_eq!(
        outcome.json.unwrap()["Account"],
        json!({"AccountReferenceNo": "DS1000007", "AccountStatus": "Active",
               "ExternalAccountReferenceNo": "EXT-BILLED", "FinalBillDate": "2030-06-30T00:00:00",
               "Products": [], "StartDate": "2024-01-01T00:00:00", "TerminationDate": null,
               "TotalContractValue": 2400.0})
    );
    let closed = call(&app, Channel::Soap11, &Request::get_account("DS1000004")).await;
    assert_eq!(closed.codes(), ["00"], "any status can be read");
    let expected = pairs(&[
        ("EMAIL-1", "ACTIVE"),
        ("FLO-DATA-1GB", "ACTIVE"),
        ("FLO-DATA-1GB", "DETACHED"),
        ("FLO-SIM-PLAN", "ACTIVE"),
        ("TV-MOVIES", "ACTIVE"),
        ("TV-SPORTS", "ACTIVE"),
    ]);
    for channel in Channel::ALL {
        assert_eq!(
            products(&call(&app, channel, &Request::get_account("DS1000001")).await),
            expected
        );
    }
}

#[tokio::test]
async fn it_follows_the_credential_and_reference_rules_with_a_nil_account() {
    let app = spawn_app().await;
    let cases = [
        (Request::get_account("DS1000001").user(Some(("ds-readonly", "NoSoap-2024"))), "02", "Invalid user credentials"),
        (Request::get_account(&"9".repeat(16)), "13203", "AccountReferenceNo field cannot be more than 15 characters"),
        (Request::new(GET_ACCOUNT), "12016", "Missing required reference number. Must provide either ExternalAccountReferenceNo or AccountReferenceNo or both"),
        (Request::get_account("DS9999999"), "08", "There is no record found with this criteria"),
        (Request::new(GET_ACCOUNT).field("ExternalAccountReferenceNo", "EXT-SHARED"), "07", "Multiple accounts found with this criteria"),
    ];
    for (request, code, text) in cases {
        for channel in Channel::ALL {
            let outcome = call(&app, channel, &request).await;
            assert_eq!(outcome.notes, [note(code, text, "Error")], "{channel:?}");
            match channel {
                Channel::Json => assert!(outcome.json.unwrap()["Account"].is_null()),
                _ => assert!(outcome.result.unwrap().child("Account").is_nil()),
            }
        }
    }
}

async fn cancelled_bundle_instance(app: &TestApp, effective: chrono::DateTime<Utc>) {
    let ds = account(app, "acme", "DS1000008").await;
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            let product = tx
                .product_by_code(ds.tenant, "IP-STATIC")
                .await?
                .expect("IP-STATIC exists");
            let bundle = Bundle {
                id: BundleId::new(),
                tenant: ds.tenant,
                poid: Poid::parse(&format!(
                    "0.0.0.1+-purchased_bundle+{}",
                    effective.timestamp()
                ))
                .unwrap(),
                account: ds.id,
                service: Poid::parse("0.0.0.1+-service-ip+9").unwrap(),
                deal: Poid::parse("0.0.0.1+-deal+9").unwrap(),
                package_id: 9,
                purchased_at: Utc::now() - Duration::days(30),
                cancellation: Some(BundleCancellation {
                    effective_at: effective,
                    description: None,
                    flag: None,
                    extension: None,
                }),
            };
            tx.insert_bundle(&bundle).await?;
            tx.insert_product_instance(&ProductInstance {
                id: ProductInstanceId::new(),
                tenant: ds.tenant,
                product: product.id,
                customer: ds.customer,
                account: Some(ds.id),
                subscription: None,
                installed_item: None,
                bundle: Some(bundle.id),
                status: InstanceStatus::Active,
                effective_from: None,
                effective_to: None,
            })
            .await
        })
    })
    .await;
}

#[tokio::test]
async fn what_other_apis_changed_shows_here() {
    let app = spawn_app().await;
    let read = Request::get_account("DS1000008");
    let before = products(&call(&app, Channel::Json, &read).await);
    assert_eq!(
        before,
        pairs(&[("IP-STATIC", "ACTIVE"), ("TV-SPORTS", "ACTIVE")])
    );
    // A Billing Care cancel that took effect, and one scheduled for tomorrow.
    cancelled_bundle_instance(&app, Utc::now() - Duration::minutes(1)).await;
    cancelled_bundle_instance(&app, Utc::now() + Duration::days(1)).await;
    // A floLIVE detach.
    let tv = account(&app, "acme", "DS1000008").await;
    let detached = crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            let instances = tx.product_instances_of_account(tv.tenant, tv.id).await?;
            let Some(sports) = instances.iter().find(|i| i.installed_item.is_some()) else {
                return Ok(false);
            };
            tx.end_instance(tv.tenant, sports.id, InstanceEnd::Detached, Utc::now())
                .await?;
            Ok(true)
        })
    })
    .await;
    assert!(detached, "DS1000008 has an instance on an installed item");
    let after = products(&call(&app, Channel::Soap12, &read).await);
    assert_eq!(
        after,
        pairs(&[
            ("IP-STATIC", "ACTIVE"),
            ("IP-STATIC", "ACTIVE"),
            ("IP-STATIC", "CANCELLED"),
            ("TV-SPORTS", "DETACHED")
        ])
    );
    // And an adjustment over SOAP is what the JSON form reads.
    call(
        &app,
        Channel::Soap11,
        &Request::adjust("DS1000008", "2031-12-31"),
    )
    .await;
    let outcome = json_call(
        &app,
        GET_ACCOUNT,
        &read.json().to_string(),
        "application/json",
        None,
    )
    .await;
    assert_eq!(
        outcome.json.unwrap()["Account"]["TerminationDate"],
        "2031-12-31T00:00:00"
    );
}

#[tokio::test]
async fn a_contract_value_a_float_cannot_hold_comes_back_digit_for_digit_in_json_and_xml() {
    let app = spawn_app().await;
    // 1234.56 and 0.07 have no exact binary form; 90071992547409.93 is past 2^53 cents.
    let accounts = [
        ("DS7000001", "1234.56"),
        ("DS7000002", "0.07"),
        ("DS7000003", "90071992547409.93"),
    ];
    let mut yaml = String::from("accounts:\n");
    for (reference, value) in accounts {
        yaml.push_str(&format!(
            "  - {{ tenant: acme, customer: c0000000-0000-4000-8000-000000000002, reference_no: {reference}, \
             status: Active, start_date: 2024-01-01, total_contract_value: \"{value}\" }}\n"
        ));
    }
    billing_compat::service::import::import_yaml(
        app.store().as_ref(),
        &billing_compat::domain::clock::SystemClock,
        &yaml,
    )
    .await
    .expect("the accounts import");
    for (reference, value) in accounts {
        let request = Request::get_account(reference);
        let json = call(&app, Channel::Json, &request).await;
        let expected = format!(r#""TotalContractValue":{value}}}"#);
        assert!(json.body.contains(&expected), "{}", json.body);
        for channel in [Channel::Soap11, Channel::Soap12] {
            let outcome = call(&app, channel, &request).await;
            let account = outcome.result.unwrap().child("Account").clone();
            assert_eq!(account.child("TotalContractValue").text, value);
        }
    }
}
