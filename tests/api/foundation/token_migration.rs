//! Issue 16, item 2: migration 0008 moves the tokens of both old tables (`crmcom_tokens`,
//! `billing_care_tokens`) into the one `tokens` table. A database migrated to 0007 holding
//! tokens of both kinds is migrated to the latest; each token still answers as before.

use std::borrow::Cow;
use std::path::Path;

use billing_compat::domain::ids::{ApiUserId, TenantId};
use billing_compat::domain::store::NewApiUser;
use billing_compat::domain::tenant::{Tenant, TenantCode, TimeZone};
use billing_compat::domain::token::{TokenId, TokenKind};
use billing_compat::domain::user::{Api, ApiSet, Username};
use billing_compat::service::auth::hash_api_key;
use billing_compat::storage::{self, PoolSettings};
use chrono::{DateTime, Duration, Utc};
use sqlx::migrate::Migrator;
use sqlx::Connection;

use crate::crmcom::{assert_error, assert_ok, get, LIST};
use crate::helpers::{empty_database, spawn_on, write, TestDb};

/// The last migration before the one table.
const BEFORE_TOKENS: i64 = 7;

const CRM_LIVE: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
const CRM_RELEASED: &str = "F9E8D7C6B5A4938271605F4E3D2C1B0AF9E8D7C6B5A4938271605F4E3D2C1B0A";
const BC_LIVE: &str = "bc-live-token-issued-before-the-one-table-0";
const BC_EXPIRED: &str = "bc-expired-token-issued-before-one-table-0";

/// Applies this backend's migrations up to `version` only.
async fn migrate_to(db: &TestDb, version: i64) {
    let dir = match db.is_postgres() {
        true => "migrations/postgres",
        false => "migrations/sqlite",
    };
    let mut migrator = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .await
        .unwrap();
    migrator.migrations = Cow::Owned(
        migrator
            .migrations
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect(),
    );
    // A SQLite file is created by its first connection.
    let url = match db.is_postgres() {
        true => db.url().to_owned(),
        false => format!("{}?mode=rwc", db.url()),
    };
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

fn at(t: DateTime<Utc>) -> String {
    billing_compat::domain::clock::to_storage(t)
}

/// Writes `sql` with `binds` straight to the database (the old tables have no code left).
async fn exec(db: &TestDb, sql: &str, binds: &[String]) {
    let mut conn = sqlx::AnyConnection::connect(db.url()).await.unwrap();
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = query.bind(bind.as_str());
    }
    query.execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

/// A user allowed one API. Its password is never checked (tokens are), so its hash is a
/// placeholder: no argon2 here, whose memory would show in the tests that measure the
/// process's peak.
fn user_of(tenant: TenantId, name: &str, api: Api) -> NewApiUser {
    NewApiUser {
        id: ApiUserId::new(),
        tenant,
        username: Username::parse(name).unwrap(),
        password_hash: "not-a-password-hash".into(),
        api_key_hash: None,
        apis: ApiSet::new([api]),
        customer: None,
    }
}

/// The Billing Care seed's cancel (docs/design.md §6.4) with a bearer token: its status
/// and body. The account it names does not exist here, so a token that is accepted gets
/// Billing Care's not-found, one that is not gets 401.
async fn cancel_bundle(app: &crate::helpers::TestApp, token: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/bcws/webresources/v1.0/subscriptions/cancel/bundle"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(
            r#"{"dealRef":{"id":"0.0.0.1+-deal+41056","uri":null},"serviceRef":{"id":"0.0.0.1+-service-email+175025","uri":null},"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"description":"Charges monthly for 1 email account.","packageId":1}"#,
        )
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn tokens_issued_before_the_one_table_still_answer_as_before_after_migrating() {
    // Arrange: the schema as of 0007, a tenant with a CRM.COM and a Billing Care user, and
    // tokens of both kinds in the old tables, as the code of that time wrote them.
    let db = empty_database().await;
    migrate_to(&db, BEFORE_TOKENS).await;
    let store = storage::connect(db.url(), PoolSettings::single())
        .await
        .unwrap();
    let tenant = Tenant {
        id: TenantId::new(),
        code: TenantCode::parse("acme").unwrap(),
        name: "Acme".into(),
        time_zone: TimeZone::default(),
    };
    let crm = user_of(tenant.id, "crm-agent", Api::Crmcom);
    let bc = user_of(tenant.id, "bc-client", Api::BillingCare);
    let rows = (tenant.clone(), crm.clone(), bc.clone());
    write(store.as_ref(), move |tx| {
        Box::pin(async move {
            let (tenant, crm, bc) = rows;
            tx.insert_tenant(&tenant, chrono::Utc::now()).await?;
            tx.insert_user(&crm).await?;
            tx.insert_user(&bc).await
        })
    })
    .await;
    drop(store);
    let now = Utc::now();
    let (crm_live_id, crm_released_id) = (TokenId::new(), TokenId::new());
    let crm_row = "INSERT INTO crmcom_tokens (id, tenant_id, api_user_id, token_hash, unit, \
                   created_at, last_used_at, expires_at, released_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    for (id, token, released) in [
        (crm_live_id, CRM_LIVE, None),
        (
            crm_released_id,
            CRM_RELEASED,
            Some(now - Duration::minutes(1)),
        ),
    ] {
        let mut binds = vec![
            id.0.to_string(),
            crm.tenant.to_string(),
            crm.id.to_string(),
            hash_api_key(token),
            "Call Centre".to_owned(),
            at(now - Duration::minutes(10)),
            at(now - Duration::minutes(5)),
            at(now + Duration::minutes(55)),
        ];
        let sql = match released {
            Some(released) => {
                binds.push(at(released));
                crm_row.to_owned()
            }
            None => crm_row.replace("$9", "NULL"),
        };
        exec(&db, &sql, &binds).await;
    }
    for (token, expires_at) in [
        (BC_LIVE, now + Duration::minutes(59)),
        (BC_EXPIRED, now - Duration::seconds(1)),
    ] {
        exec(
            &db,
            "INSERT INTO billing_care_tokens (token_hash, tenant_id, api_user_id, issued_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                hash_api_key(token),
                bc.tenant.to_string(),
                bc.id.to_string(),
                at(expires_at - Duration::hours(1)),
                at(expires_at),
            ],
        )
        .await;
    }

    // Act: migrate to the latest (the server does at start).
    storage::migrate(db.url()).await.unwrap();
    let app = spawn_on(db, |_| {}).await;

    // Assert: each token answers on the wire as it did, and is stored as it was.
    assert_ok(get(&app, &format!("{LIST}?token={CRM_LIVE}")).await);
    assert_error(
        &get(&app, &format!("{LIST}?token={CRM_RELEASED}")).await,
        "ReleasedTokenException",
        "the token has been released",
    );
    let (expired, _) = cancel_bundle(&app, BC_EXPIRED).await;
    assert_eq!(expired, 401);
    let (live, body) = cancel_bundle(&app, BC_LIVE).await;
    assert_eq!(live, 404, "{body}");

    let mut tx = app.store().read().await.unwrap();
    let moved = tx
        .token(TokenKind::Crmcom, &hash_api_key(CRM_LIVE))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.id, crm_live_id);
    assert_eq!(moved.user, crm.id);
    assert_eq!(moved.unit.unwrap().as_str(), "Call Centre");
    assert_eq!(moved.issued_at, stored_form(now - Duration::minutes(10)));
    let moved = tx
        .token(TokenKind::BillingCare, &hash_api_key(BC_LIVE))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((moved.user, moved.tenant), (bc.id, bc.tenant));
    assert_eq!(moved.unit, None);
    assert_eq!(moved.expires_at, stored_form(now + Duration::minutes(59)));
    // Each API sees its own tokens only.
    assert!(tx
        .token(TokenKind::Crmcom, &hash_api_key(BC_LIVE))
        .await
        .unwrap()
        .is_none());
}

/// `t` as stored: to the microsecond.
fn stored_form(t: DateTime<Utc>) -> DateTime<Utc> {
    billing_compat::domain::clock::from_storage(&at(t)).unwrap()
}
