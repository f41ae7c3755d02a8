//! Detach Customer Product (the floLIVE *Detach Customer Product* page): eligibility, planType, ownership, state, tenants.

use billing_compat::domain::catalog::InstanceStatus;

use super::*;
use crate::helpers::{hold_writes, spawn_app};

#[tokio::test]
async fn a_parent_detaches_an_instance_of_its_sub_customer_and_the_queue_completes_it() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, "application/json");
    let request_id = reply.request_id();
    assert!(uuid::Uuid::parse_str(&request_id).is_ok());
    assert_eq!(
        reply.body,
        detach_ack(&request_id),
        "the seed's ACK, byte for byte"
    );

    let done = completed(&app, PARENT_KEY, &request_id).await;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert_eq!(done["errorCode"], "");
    assert_eq!(done["errorMessage"], "");
    assert_eq!(done["productInstanceId"], ON_NORTH);
    let detached = instance(&app, "acme", ON_NORTH).await.unwrap();
    assert_eq!(detached.status, InstanceStatus::Detached);
    assert!(detached.effective_to.is_some(), "the detach time is kept");
}

#[tokio::test]
async fn the_accept_and_the_completion_are_audited() {
    let app = spawn_app().await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    completed(&app, PARENT_KEY, &request_id).await;
    let accepted = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE operation = 'flolive.detach_product.accepted' \
             AND entity_id = '{request_id}' AND channel = 'json' AND request_id IS NOT NULL"
        ),
    )
    .await;
    let completed = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE operation = 'flolive.detach_product.completed' \
             AND entity_id = '{ON_NORTH}' AND channel = 'worker' AND after_json LIKE '%SUCCESS%'"
        ),
    )
    .await;
    assert_eq!((accepted, completed), (1, 1));
}

#[tokio::test]
async fn basic_credentials_work_like_the_api_key() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_BASIC, SOUTH, ON_SOUTH).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done = completed(&app, PARENT_BASIC, &reply.request_id()).await;
    assert_eq!(done["status"], "SUCCESS");
    assert_eq!(
        instance_status(&app, ON_SOUTH).await,
        InstanceStatus::Detached
    );
}

#[tokio::test]
async fn the_requestor_itself_is_not_eligible() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, HOLDINGS, ON_NORTH).await;
    assert_nak(
        &reply,
        403,
        "AUTH_1003",
        "Access denied",
        &format!("customer {HOLDINGS} is not a direct sub-customer of the requestor {HOLDINGS}"),
    );
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn grandchildren_are_not_eligible() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, NORTH_GYM, ON_GYM).await;
    assert_nak(
        &reply,
        403,
        "AUTH_1003",
        "Access denied",
        &format!("customer {NORTH_GYM} is not a direct sub-customer"),
    );
    assert_eq!(instance_status(&app, ON_GYM).await, InstanceStatus::Active);
}

#[tokio::test]
async fn a_sub_customer_may_not_detach_from_its_parent_or_itself() {
    let app = spawn_app().await;
    for (customer, instance) in [(HOLDINGS, ON_NORTH), (NORTH, ON_NORTH)] {
        let reply = detach(&app, NORTH_BASIC, customer, instance).await;
        assert_nak(
            &reply,
            403,
            "AUTH_1003",
            "Access denied",
            "not a direct sub-customer",
        );
    }
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn a_sub_customer_acting_as_requestor_detaches_from_its_own_sub_customers() {
    let app = spawn_app().await;
    let reply = detach(&app, NORTH_BASIC, NORTH_GYM, ON_GYM).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done = completed(&app, NORTH_BASIC, &reply.request_id()).await;
    assert_eq!(done["status"], "SUCCESS");
    assert_eq!(
        instance_status(&app, ON_GYM).await,
        InstanceStatus::Detached
    );
}

#[tokio::test]
async fn products_other_than_account_products_are_refused() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, NORTH, SIM_ON_NORTH).await;
    assert_detach_nak(
        &reply,
        400,
        &format!(
            "product {SIM_PLAN} (FLO-SIM-PLAN) has planType SIM_PRODUCT; only ACCOUNT_PRODUCT"
        ),
    );
    assert_eq!(
        instance_status(&app, SIM_ON_NORTH).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn an_instance_that_is_already_detached_is_refused() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, NORTH, DETACHED_ON_NORTH).await;
    assert_detach_nak(
        &reply,
        400,
        &format!("product instance {DETACHED_ON_NORTH} is DETACHED, not attached (ACTIVE)"),
    );
}

#[tokio::test]
async fn an_instance_whose_bundle_cancel_took_effect_reads_cancelled_and_is_refused() {
    let app = spawn_app().await;
    sql(
        &app,
        "UPDATE bundles SET cancel_effective_at = '2025-01-01T00:00:00.000000Z' \
         WHERE poid = '0.0.0.1+-purchased_bundle+5001' AND account_id IN \
         (SELECT id FROM accounts WHERE reference_no = 'DS1000001')",
    )
    .await;
    let reply = detach(&app, PARENT_KEY, NORTH, EMAIL_IN_BUNDLE).await;
    assert_detach_nak(
        &reply,
        400,
        &format!("product instance {EMAIL_IN_BUNDLE} is CANCELLED, not attached"),
    );
}

#[tokio::test]
async fn a_bundle_cancel_scheduled_for_later_does_not_stop_the_detach() {
    let app = spawn_app().await;
    sql(
        &app,
        "UPDATE bundles SET cancel_effective_at = '2999-01-01T00:00:00.000000Z' \
         WHERE poid = '0.0.0.1+-purchased_bundle+5001' AND account_id IN \
         (SELECT id FROM accounts WHERE reference_no = 'DS1000001')",
    )
    .await;
    let reply = detach(&app, PARENT_KEY, NORTH, EMAIL_IN_BUNDLE).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let done = completed(&app, PARENT_KEY, &reply.request_id()).await;
    assert_eq!(done["status"], "SUCCESS");
}

#[tokio::test]
async fn an_instance_of_another_sub_customer_is_not_found_on_this_one() {
    let app = spawn_app().await;
    let reply = detach(&app, PARENT_KEY, SOUTH, ON_NORTH).await;
    assert_detach_nak(&reply, 404, "product instance not found");
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );
}

#[tokio::test]
async fn unknown_customers_and_instances_are_not_found() {
    let app = spawn_app().await;
    let nobody = "c0000000-0000-4000-8000-0000000000ff";
    let nothing = "f0000000-0000-4000-8000-0000000000ff";
    assert_detach_nak(
        &detach(&app, PARENT_KEY, nobody, ON_NORTH).await,
        404,
        "customer not found",
    );
    assert_detach_nak(
        &detach(&app, PARENT_KEY, NORTH, nothing).await,
        404,
        "product instance not found",
    );
}

#[tokio::test]
async fn other_tenants_ids_are_not_found() {
    let app = spawn_app().await;
    // Acme's requestor naming Globex's customer and instance, and the other way round.
    assert_detach_nak(
        &detach(&app, PARENT_KEY, GLOBEX_RETAIL, GLOBEX_INSTANCE).await,
        404,
        "customer not found",
    );
    assert_detach_nak(
        &detach(&app, GLOBEX_KEY, NORTH, ON_NORTH).await,
        404,
        "customer not found",
    );
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        InstanceStatus::Active
    );
    let globex = instance(&app, "globex", GLOBEX_INSTANCE).await.unwrap();
    assert_eq!(globex.status, InstanceStatus::Active);
}

#[tokio::test]
async fn malformed_ids_are_refused_naming_the_field() {
    let app = spawn_app().await;
    assert_detach_nak(
        &detach(&app, PARENT_KEY, "north", ON_NORTH).await,
        400,
        "invalid customer id: 'north' is not a UUID",
    );
    assert_detach_nak(
        &detach(&app, PARENT_KEY, NORTH, "42").await,
        400,
        "invalid product instance id: '42' is not a UUID",
    );
}

#[tokio::test]
async fn an_unavailable_store_answers_global_1001_with_503() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.run_worker = false;
        s.pool.max_connections = 1;
        s.pool.acquire_timeout = std::time::Duration::from_millis(300);
    })
    .await;
    // Warm the credential cache, then take every connection the server has.
    assert_eq!(
        request_status(&app, PARENT_BASIC, HOLDINGS).await.status,
        404
    );
    let store = app.store();
    let writes = hold_writes(&app).await;
    let reader = if app.db.is_postgres() {
        None
    } else {
        Some(store.read().await.unwrap())
    };
    for reply in [
        detach(&app, PARENT_BASIC, NORTH, ON_NORTH).await,
        attach(
            &app,
            PARENT_BASIC,
            NORTH,
            serde_json::json!({ "productId": DATA_1GB }),
        )
        .await,
        request_status(&app, PARENT_BASIC, HOLDINGS).await,
    ] {
        assert_nak(
            &reply,
            503,
            "GLOBAL_1001",
            "Service unavailable. Please try again",
            "unavailable",
        );
    }
    drop(reader);
    writes.release().await;
}
