//! Migration 0010 on a database that already holds audit rows: the rows that record changes
//! become events, in time order, before any new one; token rows do not (docs/events.md
//! "Where events come from").

use sqlx::migrate::Migrator;
use sqlx::{Connection, Executor};

use super::support::{all_events, change, operator_app, record, subjects, tenant_id};
use crate::helpers::{empty_database, spawn_on, TestDb};
use billing_compat::domain::event::EventType;

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// The migrations before 0010.
fn before_events(db: &TestDb) -> Migrator {
    let all = if db.is_postgres() { &POSTGRES } else { &SQLITE };
    Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < 10)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..Migrator::DEFAULT
    }
}

#[tokio::test]
async fn audit_rows_written_before_the_migration_become_events_in_time_order() {
    let db = empty_database().await;
    sqlx::any::install_default_drivers();
    // A new SQLite file is created only when asked to.
    let url = match db.is_postgres() {
        true => db.url().to_owned(),
        false => format!("{}?mode=rwc", db.url()),
    };
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    before_events(&db).run(&mut conn).await.unwrap();
    let tenant = "11111111-1111-4111-8111-111111111111";
    conn.execute(
        format!(
            "INSERT INTO tenants (id, code, name, timezone, created_at) VALUES \
             ('{tenant}', 'old', 'Old', 'UTC', '2026-01-01T00:00:00.000000Z')"
        )
        .as_str(),
    )
    .await
    .unwrap();
    // Out of time order on purpose; a token mint among them.
    for (id, at, operation, entity_type, entity_id, after) in [
        (
            "a2",
            "2026-01-01T00:00:02.000000Z",
            "billing_care.cancelBundle",
            "bundle",
            "b-1",
            "{}",
        ),
        (
            "a1",
            "2026-01-01T00:00:01.000000Z",
            "AdjustAccountTerminationDate",
            "account",
            "acc-1",
            "{}",
        ),
        (
            "a3",
            "2026-01-01T00:00:03.000000Z",
            "crmcom.login",
            "crmcom_token",
            "t-1",
            "{}",
        ),
        (
            "a4",
            "2026-01-01T00:00:04.000000Z",
            "flolive.detach_product.completed",
            "product_instance",
            "pi-1",
            r#"{"status":"SUCCESS"}"#,
        ),
        (
            "a5",
            "2026-01-01T00:00:05.000000Z",
            "flolive.attach_product.completed",
            "product_instance",
            "pi-2",
            r#"{"status":"FAILED"}"#,
        ),
        (
            "a6",
            "2026-01-01T00:00:06.000000Z",
            "verizon.disconnect",
            "disconnect_order",
            "9001",
            "{}",
        ),
    ] {
        conn.execute(
            format!(
                "INSERT INTO audit_events (id, at, tenant_id, channel, operation, entity_type, \
                 entity_id, after_json) VALUES ('{id}', '{at}', '{tenant}', 'worker', \
                 '{operation}', '{entity_type}', '{entity_id}', '{after}')"
            )
            .as_str(),
        )
        .await
        .unwrap();
    }
    conn.close().await.unwrap();

    let app = spawn_on(db, |_| {}).await; // migrates to the end
    billing_compat::service::admin::operators::ensure_demo_operator(
        app.store().as_ref(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let events = all_events(&app).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "com.billing-compat.account.termination_date_changed",
            "com.billing-compat.bundle.cancelled",
            "com.billing-compat.product_instance.detached",
            "com.billing-compat.product_instance.operation_failed",
            "com.billing-compat.disconnect_order.completed",
        ]
    );
    assert_eq!(events[0]["source"], "/billing-compat/tenants/old");
    // New changes follow the old ones.
    let acme = tenant_id(&app, "old").await;
    record(&app, change(acme, EventType::BundleCancelled, "new")).await;
    let events = super::support::settled(&app, 6).await;
    assert_eq!(subjects(&events).last().unwrap(), "new");
}

#[tokio::test]
async fn a_fresh_demo_database_has_no_events() {
    let app = operator_app(|_| {}).await;
    assert!(all_events(&app).await.is_empty());
}
