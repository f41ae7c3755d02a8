use crate::storage::sql::exec::Row;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::store::{IdempotencyRecord, IdempotencyRepo, StoredReply};
use crate::domain::DomainError;

use super::row::{int, text, timestamp};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[(
    "idempotency_keys.tenant_id, idempotency_keys.api_user_id, idempotency_keys.key",
    "pk_idempotency_keys",
)];

fn record_from(row: &Row) -> Result<IdempotencyRecord, DomainError> {
    Ok(IdempotencyRecord {
        request_hash: text(row, "request_hash")?,
        reply: StoredReply {
            status: u16::try_from(int(row, "reply_status")?).map_err(DomainError::internal)?,
            content_type: text(row, "reply_type")?,
            body: text(row, "reply_body")?,
        },
        expires_at: timestamp(row, "expires_at")?,
    })
}

#[async_trait]
impl<D: Dialect> IdempotencyRepo for SqlTx<'_, D> {
    async fn claim_idempotency_key(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        key: &str,
        record: &IdempotencyRecord,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, DomainError> {
        // An expired record is replaced; a live one is kept and returned. One statement, so
        // two claimants of one key cannot both win.
        let inserted = self.query(
            "INSERT INTO idempotency_keys (tenant_id, api_user_id, key, request_hash, reply_status, reply_type, reply_body, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (tenant_id, api_user_id, key) DO UPDATE SET request_hash = excluded.request_hash, \
               reply_status = excluded.reply_status, reply_type = excluded.reply_type, \
               reply_body = excluded.reply_body, expires_at = excluded.expires_at \
             WHERE idempotency_keys.expires_at <= $9",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(key)
        .bind(&record.request_hash)
        .bind(i64::from(record.reply.status))
        .bind(&record.reply.content_type)
        .bind(&record.reply.body)
        .bind(clock::to_storage(record.expires_at))
        .bind(clock::to_storage(now))
        .execute()
        .await?;
        if inserted == 1 {
            return Ok(None);
        }
        self.idempotency_record(tenant, user, key, now).await
    }

    async fn purge_idempotency_records(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        // A bounded batch by the primary key (row values: SQLite ≥ 3.15 and PostgreSQL);
        // ix_idempotency_keys_expires_at finds them.
        self.delete_batch(
            "DELETE FROM idempotency_keys WHERE (tenant_id, api_user_id, key) IN \
             (SELECT tenant_id, api_user_id, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)",
            now,
            limit,
            None,
        )
        .await
    }

    async fn idempotency_record(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, DomainError> {
        self.query(
            "SELECT request_hash, reply_status, reply_type, reply_body, expires_at FROM idempotency_keys \
             WHERE tenant_id = $1 AND api_user_id = $2 AND key = $3 AND expires_at > $4",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(key)
        .bind(clock::to_storage(now))
        .fetch_optional()
        .await?
        .map(|row| record_from(&row))
        .transpose()
    }
}
