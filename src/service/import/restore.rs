//! Putting a database back to a fixture (issue 19 item 4; docs/operations.md "Reset"): the
//! fixture is parsed, checked and its users' passwords hashed once, when the server starts
//! ([`prepare`]); each reset then clears the vendor data and writes the fixture again inside
//! the caller's transaction ([`restore`]), with no argon2 work in it.
//!
//! Tenants and users are restored in place rather than deleted and inserted: audit rows name
//! them, and the audit trail is the event feed, which never loses an event.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::domain::ids::{ApiUserId, CustomerId, TenantId};
use crate::domain::store::{NewApiUser, Retired, Tx};
use crate::domain::tenant::{Tenant, TenantCode, TimeZone};
use crate::domain::user::{Api, ApiSet, Username};
use crate::domain::DomainError;
use crate::service::auth::{hash_api_key, hash_password};

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::{ImportError, ImportReport};

/// A fixture ready to be restored: what `serve --demo` or `serve --fixture FILE` loaded.
pub struct PreparedFixture {
    /// What the fixture is, for operators: `demo` or the file's path.
    pub name: String,
    file: FixtureFile,
    tenants: Vec<Tenant>,
    users: Vec<PreparedUser>,
}

impl fmt::Debug for PreparedFixture {
    // Hashes and digest secrets stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedFixture")
            .field("name", &self.name)
            .field("tenants", &self.tenants.len())
            .field("users", &self.users.len())
            .finish()
    }
}

/// A fixture user with its secrets already hashed.
struct PreparedUser {
    tenant: TenantCode,
    username: Username,
    password_hash: String,
    api_key_hash: Option<String>,
    apis: ApiSet,
    customer: Option<CustomerId>,
    /// The password itself, for a `ws_digest` user (plaintext-equivalent, as on import).
    digest_secret: Option<String>,
}

/// Parses `text`, checks the tenants and users as the import does, and hashes each user's
/// password (argon2id, one per user: call it off the async threads, at start-up).
pub fn prepare(name: &str, text: &str) -> Result<PreparedFixture, ImportError> {
    let file: FixtureFile = serde_yaml_ng::from_str(text).map_err(|e| ImportError {
        entry: "file".into(),
        field: String::new(),
        message: e.to_string(),
    })?;
    let mut tenants = Vec::new();
    for (i, t) in file.tenants.iter().enumerate() {
        let ctx = Ctx::at("tenants", i, &t.code);
        tenants.push(Tenant {
            // Ignored: a restored tenant keeps its id, a missing one is inserted by the import.
            id: TenantId::new(),
            code: ctx.field("code", TenantCode::parse(&t.code))?,
            name: t.name.clone(),
            time_zone: match &t.timezone {
                Some(zone) => ctx.field("timezone", TimeZone::parse(zone))?,
                None => TimeZone::default(),
            },
        });
    }
    let mut users = Vec::new();
    for (i, u) in file.users.iter().enumerate() {
        let ctx = Ctx::at("users", i, &u.username);
        let apis = u
            .apis
            .iter()
            .map(|a| ctx.field("apis", a.parse::<Api>()))
            .collect::<Result<Vec<_>, _>>()?;
        users.push(PreparedUser {
            tenant: ctx.field("tenant", TenantCode::parse(&u.tenant))?,
            username: ctx.field("username", Username::parse(&u.username))?,
            password_hash: ctx.field("password", hash_password(&u.password))?,
            api_key_hash: u.api_key.as_deref().map(hash_api_key),
            apis: ApiSet::new(apis),
            customer: u
                .customer
                .as_deref()
                .map(|c| ctx.field("customer", CustomerId::parse(c)))
                .transpose()?,
            digest_secret: u.ws_digest.then(|| u.password.clone()),
        });
    }
    Ok(PreparedFixture {
        name: name.to_owned(),
        file,
        tenants,
        users,
    })
}

/// What a restore did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restored {
    /// Vendor rows deleted before the fixture was written again.
    pub rows_deleted: u64,
    /// The fixture's entries, as the import counts them (tenants and users restored in
    /// place count as already present).
    pub import: ImportReport,
    pub retired: Retired,
}

/// Clears every tenant's vendor data and writes `fixture` again, in `tx` (the caller's one
/// transaction, which must already hold [`crate::domain::store::ResetRepo::lock_for_reset`]).
/// The outer error is the store's (busy, down…), the inner one the fixture's: an entry the
/// database as it stands refuses (a username another tenant holds, say), named as the
/// import names it. Either way the caller rolls the transaction back.
pub async fn restore(
    tx: &mut dyn Tx,
    fixture: &PreparedFixture,
    now: DateTime<Utc>,
) -> Result<Result<Restored, ImportError>, DomainError> {
    let rows_deleted = tx.clear_vendor_data().await?;
    let mut import = ImportReport::default();
    // Parents before children, insert-if-absent: tenants and users still there are left for
    // the loop below, everything else was just deleted and is written afresh.
    if let Err(rejected) = Importer::new(tx, &mut import, now).run(&fixture.file).await {
        return Ok(Err(rejected));
    }
    for tenant in &fixture.tenants {
        tx.restore_tenant(tenant).await?;
    }
    for user in &fixture.users {
        let Some(tenant) = tx.tenant_by_code(&user.tenant).await? else {
            let ctx = Ctx::at("users", 0, user.username.as_str());
            return Ok(Err(ctx.err("tenant", "no such tenant")));
        };
        let restored = NewApiUser {
            // Ignored by the update: the stored id stays.
            id: ApiUserId::new(),
            tenant: tenant.id,
            username: user.username.clone(),
            password_hash: user.password_hash.clone(),
            api_key_hash: user.api_key_hash.clone(),
            apis: user.apis.clone(),
            customer: user.customer,
        };
        tx.restore_user(&restored, user.digest_secret.as_deref())
            .await?;
    }
    let keep_users: Vec<Username> = fixture.users.iter().map(|u| u.username.clone()).collect();
    let keep_tenants: Vec<TenantCode> = fixture.tenants.iter().map(|t| t.code.clone()).collect();
    let retired = tx.retire_all_but(&keep_users, &keep_tenants).await?;
    Ok(Ok(Restored {
        rows_deleted,
        import,
        retired,
    }))
}
