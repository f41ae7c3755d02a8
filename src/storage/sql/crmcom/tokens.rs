//! `crmcom_tokens`: Web API tokens, stored as SHA-256 only.

use crate::storage::sql::exec::Row;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::crmcom_token::{CrmToken, TokenId};
use crate::domain::ids::{ApiUserId, CustomerId, TenantId};
use crate::domain::provisioning::Unit;
use crate::domain::user::{ApiSet, ApiUser, Username};
use crate::domain::DomainError;

use super::super::row::{opt_timestamp, opt_uuid, parsed, text, timestamp, uuid};
use super::super::tenants::tenant_from;
use super::super::{Dialect, SqlTx};

const COLUMNS: &str = "id, tenant_id, api_user_id, token_hash, unit, created_at, last_used_at, \
                       expires_at, released_at";

fn token_from(row: &Row) -> Result<CrmToken, DomainError> {
    Ok(CrmToken {
        id: TokenId(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        user: ApiUserId::from_uuid(uuid(row, "api_user_id")?),
        hash: text(row, "token_hash")?,
        unit: parsed("unit", &text(row, "unit")?, Unit::parse)?,
        created_at: timestamp(row, "created_at")?,
        last_used_at: timestamp(row, "last_used_at")?,
        expires_at: timestamp(row, "expires_at")?,
        released_at: opt_timestamp(row, "released_at")?,
    })
}

pub(super) async fn insert<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    t: &CrmToken,
) -> Result<(), DomainError> {
    tx.query(&format!(
        "INSERT INTO crmcom_tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(t.id.0.to_string())
    .bind(t.tenant.to_string())
    .bind(t.user.to_string())
    .bind(&t.hash)
    .bind(t.unit.as_str())
    .bind(clock::to_storage(t.created_at))
    .bind(clock::to_storage(t.last_used_at))
    .bind(clock::to_storage(t.expires_at))
    .bind(t.released_at.map(clock::to_storage))
    .execute()
    .await?;
    Ok(())
}

pub(super) async fn by_hash<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    hash: &str,
) -> Result<Option<CrmToken>, DomainError> {
    tx.query(&format!(
        "SELECT {COLUMNS} FROM crmcom_tokens WHERE token_hash = $1"
    ))
    .bind(hash)
    .fetch_optional()
    .await?
    .map(|row| token_from(&row))
    .transpose()
}

pub(super) async fn touch<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Option<CrmToken>, DomainError> {
    // Fixed-width UTC text compares as time (migrations/README.md).
    tx.query(&format!(
        "UPDATE crmcom_tokens SET last_used_at = $2, expires_at = $3 \
         WHERE token_hash = $1 AND released_at IS NULL AND expires_at > $2 \
         RETURNING {COLUMNS}"
    ))
    .bind(hash)
    .bind(clock::to_storage(now))
    .bind(clock::to_storage(expires_at))
    .fetch_optional()
    .await?
    .map(|row| token_from(&row))
    .transpose()
}

pub(super) async fn api_user<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    id: ApiUserId,
) -> Result<Option<ApiUser>, DomainError> {
    let row = tx
        .query(
            "SELECT u.id, u.username, u.password_hash, u.apis, u.customer_id, \
         t.id AS tenant_id, t.code AS tenant_code, t.name AS tenant_name, \
         t.timezone AS tenant_timezone \
         FROM api_users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional()
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(ApiUser {
        id: ApiUserId::from_uuid(uuid(&row, "id")?),
        tenant: tenant_from(&row, "tenant_")?,
        username: parsed("username", &text(&row, "username")?, Username::parse)?,
        password_hash: text(&row, "password_hash")?,
        apis: parsed("apis", &text(&row, "apis")?, ApiSet::from_csv)?,
        customer: opt_uuid(&row, "customer_id")?.map(CustomerId::from_uuid),
    }))
}

pub(super) async fn release<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    id: TokenId,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    tx.query("UPDATE crmcom_tokens SET released_at = $2 WHERE id = $1 AND released_at IS NULL")
        .bind(id.0.to_string())
        .bind(clock::to_storage(now))
        .execute()
        .await?;
    Ok(())
}

pub(super) async fn purge<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<u64, DomainError> {
    // ix_crmcom_tokens_expires_at and ix_crmcom_tokens_released_at.
    tx.delete_batch(
        "DELETE FROM crmcom_tokens WHERE id IN (SELECT id FROM crmcom_tokens \
         WHERE expires_at < $1 OR released_at < $1 LIMIT $2)",
        before,
        limit,
        None,
    )
    .await
}

pub(super) async fn release_beyond<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    user: ApiUserId,
    keep: u32,
    now: DateTime<Utc>,
) -> Result<u64, DomainError> {
    // Newest expiry first (a use slides it), skip the `keep` kept, release the rest: the
    // partial index ix_crmcom_tokens_user_live holds exactly the rows this reads. SQL
    // needs a LIMIT before OFFSET; i64::MAX means "all".
    let done = tx
        .query(
            "UPDATE crmcom_tokens SET released_at = $3 WHERE id IN (SELECT id FROM crmcom_tokens \
         WHERE api_user_id = $1 AND released_at IS NULL AND expires_at > $3 \
         ORDER BY expires_at DESC, id DESC LIMIT $4 OFFSET $2)",
        )
        .bind(user.to_string())
        .bind(i64::from(keep))
        .bind(clock::to_storage(now))
        .bind(i64::MAX)
        .execute()
        .await?;
    Ok(done)
}
