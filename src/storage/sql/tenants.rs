//! Tenants and their API users (migration 0001): the credential look-ups run on every request
//! (`Store::user_by_username`, `sqlite_lookups.rs`), the rest inside units of work.

use crate::storage::sql::exec::{Query, Row};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::{ApiUserId, CustomerId, TenantId};
use crate::domain::store::{NewApiUser, TenantRecord, TenantRepo};
use crate::domain::tenant::{Tenant, TenantCode, TimeZone};
use crate::domain::user::{ApiSet, ApiUser, DigestSecret, Username};
use crate::domain::DomainError;

use super::errors::db_error;
use super::row::{int, opt_text, opt_timestamp, opt_uuid, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for these tables' unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("tenants.code", "uq_tenants_code"),
    ("api_users.username", "uq_api_users_username"),
    ("api_users.api_key_hash", "uq_api_users_api_key"),
];

/// The columns [`user_from`] reads: a user with its tenant. `has_api_key` says whether a
/// key is set without reading its hash into memory.
macro_rules! user_columns {
    () => {
        concat!(
            "SELECT u.id, u.username, u.password_hash, u.apis, u.customer_id, u.wss_digest_secret, ",
            "u.disabled_at, CAST(CASE WHEN u.api_key_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_api_key, ",
            "t.id AS tenant_id, t.code AS tenant_code, t.name AS tenant_name, ",
            "t.timezone AS tenant_timezone, t.disabled_at AS tenant_disabled_at ",
            "FROM api_users u JOIN tenants t ON t.id = u.tenant_id"
        )
    };
}

/// A user with its tenant, by one unique column.
macro_rules! user_by {
    ($column:literal) => {
        concat!(user_columns!(), " WHERE u.", $column, " = $1")
    };
}

pub(super) const USER_BY_USERNAME: &str = user_by!("username");
pub(super) const USER_BY_API_KEY_HASH: &str = user_by!("api_key_hash");
const USER_BY_ID: &str = user_by!("id");
/// A tenant's users in username order, after a username (`$2`; `''` from the start, as
/// no username is empty), on ix_api_users_tenant.
const USERS_OF_TENANT: &str = concat!(
    user_columns!(),
    " WHERE u.tenant_id = $1 AND u.username > $2 ORDER BY u.username LIMIT $3"
);
const TENANT_COLUMNS: &str = "id, code, name, timezone, created_at, disabled_at";

/// One of the `USER_BY_*` look-ups, straight on a pool.
pub(super) async fn user_where<'c, E>(
    executor: E,
    sql: &'static str,
    value: &str,
) -> Result<Option<ApiUser>, DomainError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(sql)
        .bind(value)
        .fetch_optional(executor)
        .await
        .map_err(db_error)?
        .map(|row| user_from(&Row::Any(row)))
        .transpose()
}

/// One of the `USER_BY_*` look-ups inside a transaction.
pub(super) async fn user_in<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    sql: &'static str,
    value: &str,
) -> Result<Option<ApiUser>, DomainError> {
    tx.query(sql)
        .bind(value)
        .fetch_optional()
        .await?
        .map(|row| user_from(&row))
        .transpose()
}

pub(super) fn tenant_from(row: &Row, prefix: &str) -> Result<Tenant, DomainError> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(Tenant {
        id: TenantId::from_uuid(uuid(row, &col("id"))?),
        code: parsed("tenant code", &text(row, &col("code"))?, TenantCode::parse)?,
        name: text(row, &col("name"))?,
        time_zone: parsed("timezone", &text(row, &col("timezone"))?, TimeZone::parse)?,
    })
}

fn user_from(row: &Row) -> Result<ApiUser, DomainError> {
    Ok(ApiUser {
        id: ApiUserId::from_uuid(uuid(row, "id")?),
        tenant: tenant_from(row, "tenant_")?,
        username: parsed("username", &text(row, "username")?, Username::parse)?,
        password_hash: text(row, "password_hash")?,
        apis: parsed("apis", &text(row, "apis")?, ApiSet::from_csv)?,
        customer: opt_uuid(row, "customer_id")?.map(CustomerId::from_uuid),
        digest_secret: opt_text(row, "wss_digest_secret")?.map(DigestSecret::new),
        disabled_at: opt_timestamp(row, "disabled_at")?,
        tenant_disabled_at: opt_timestamp(row, "tenant_disabled_at")?,
        has_api_key: int(row, "has_api_key")? != 0,
    })
}

fn tenant_record_from(row: &Row) -> Result<TenantRecord, DomainError> {
    Ok(TenantRecord {
        tenant: tenant_from(row, "")?,
        created_at: timestamp(row, "created_at")?,
        disabled_at: opt_timestamp(row, "disabled_at")?,
    })
}

/// A tenant's values, shared by the plain and the if-absent insert: $1 to $5 as
/// `id, code, name, timezone, created_at`.
fn bind_tenant<'q, 'c>(
    query: Query<'q, 'c>,
    tenant: &Tenant,
    created_at: DateTime<Utc>,
) -> Query<'q, 'c> {
    query
        .bind(tenant.id.to_string())
        .bind(tenant.code.as_str())
        .bind(&tenant.name)
        .bind(tenant.time_zone.name())
        .bind(clock::to_storage(created_at))
}

#[async_trait]
impl<D: Dialect> TenantRepo for SqlTx<'_, D> {
    async fn insert_tenant(
        &mut self,
        tenant: &Tenant,
        created_at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        bind_tenant(
            self.query("INSERT INTO tenants (id, code, name, timezone, created_at) VALUES ($1, $2, $3, $4, $5)"),
            tenant,
            created_at,
        )
        .execute()
            .await?;
        Ok(())
    }

    async fn tenant_by_code(&mut self, code: &TenantCode) -> Result<Option<Tenant>, DomainError> {
        self.query("SELECT id, code, name, timezone FROM tenants WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional()
            .await?
            .map(|row| tenant_from(&row, ""))
            .transpose()
    }

    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>, DomainError> {
        self.query("SELECT id, code, name, timezone FROM tenants WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional()
            .await?
            .map(|row| tenant_from(&row, ""))
            .transpose()
    }

    async fn insert_user(&mut self, user: &NewApiUser) -> Result<(), DomainError> {
        self.query(
            "INSERT INTO api_users (id, tenant_id, username, password_hash, api_key_hash, apis, customer_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user.id.to_string())
        .bind(user.tenant.to_string())
        .bind(user.username.as_str())
        .bind(&user.password_hash)
        .bind(user.api_key_hash.as_deref())
        .bind(user.apis.to_csv())
        .bind(user.customer.map(|c| c.to_string()))
        .execute()
        .await?;
        Ok(())
    }

    async fn user_by_username(&mut self, username: &str) -> Result<Option<ApiUser>, DomainError> {
        user_in(self, USER_BY_USERNAME, username).await
    }

    async fn user_by_api_key_hash(&mut self, hash: &str) -> Result<Option<ApiUser>, DomainError> {
        user_in(self, USER_BY_API_KEY_HASH, hash).await
    }

    async fn api_user(&mut self, id: ApiUserId) -> Result<Option<ApiUser>, DomainError> {
        user_in(self, USER_BY_ID, &id.to_string()).await
    }

    async fn set_password_hash(&mut self, user: ApiUserId, hash: &str) -> Result<(), DomainError> {
        self.query("UPDATE api_users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn set_digest_secret(
        &mut self,
        user: ApiUserId,
        secret: Option<&DigestSecret>,
    ) -> Result<(), DomainError> {
        self.query("UPDATE api_users SET wss_digest_secret = $1 WHERE id = $2")
            .bind(secret.map(|s| s.expose().to_owned()))
            .bind(user.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn tenants_page(
        &mut self,
        after: Option<&TenantCode>,
        limit: i64,
    ) -> Result<Vec<TenantRecord>, DomainError> {
        // uq_tenants_code orders the walk; no code is empty, so '' starts it.
        let rows = self
            .query(&format!(
                "SELECT {TENANT_COLUMNS} FROM tenants WHERE code > $1 ORDER BY code LIMIT $2"
            ))
            .bind(after.map_or("", |c| c.as_str()).to_owned())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(tenant_record_from).collect()
    }

    async fn tenant_record(
        &mut self,
        code: &TenantCode,
    ) -> Result<Option<TenantRecord>, DomainError> {
        self.query(&format!(
            "SELECT {TENANT_COLUMNS} FROM tenants WHERE code = $1"
        ))
        .bind(code.as_str())
        .fetch_optional()
        .await?
        .map(|row| tenant_record_from(&row))
        .transpose()
    }

    async fn set_tenant_disabled(
        &mut self,
        tenant: TenantId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, DomainError> {
        // Guarded in SQL: only a change of state counts (and is audited).
        let sql = match at {
            Some(_) => "UPDATE tenants SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL",
            None => "UPDATE tenants SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NOT NULL",
        };
        let changed = self
            .query(sql)
            .bind(tenant.to_string())
            .bind(at.map(clock::to_storage))
            .execute()
            .await?;
        Ok(changed == 1)
    }

    async fn users_of_tenant(
        &mut self,
        tenant: TenantId,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ApiUser>, DomainError> {
        let rows = self
            .query(USERS_OF_TENANT)
            .bind(tenant.to_string())
            .bind(after.unwrap_or("").to_owned())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(user_from).collect()
    }

    async fn set_user_disabled(
        &mut self,
        user: ApiUserId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, DomainError> {
        let sql = match at {
            Some(_) => {
                "UPDATE api_users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL"
            }
            None => {
                "UPDATE api_users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NOT NULL"
            }
        };
        let changed = self
            .query(sql)
            .bind(user.to_string())
            .bind(at.map(clock::to_storage))
            .execute()
            .await?;
        Ok(changed == 1)
    }

    async fn set_user_apis(&mut self, user: ApiUserId, apis: &ApiSet) -> Result<(), DomainError> {
        self.query("UPDATE api_users SET apis = $1 WHERE id = $2")
            .bind(apis.to_csv())
            .bind(user.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn set_api_key_hash(
        &mut self,
        user: ApiUserId,
        hash: Option<&str>,
    ) -> Result<(), DomainError> {
        self.query("UPDATE api_users SET api_key_hash = $1 WHERE id = $2")
            .bind(hash.map(str::to_owned))
            .bind(user.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn insert_tenant_if_absent(
        &mut self,
        tenant: &Tenant,
        created_at: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let inserted = bind_tenant(
            self.query(
                "INSERT INTO tenants (id, code, name, timezone, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (code) DO NOTHING",
            ),
            tenant,
            created_at,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
