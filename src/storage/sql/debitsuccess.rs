//! SQL for the debitsuccess API's own storage: replies under the client's request `Id`
//! (migrations/*/0002_debitsuccess.sql).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use crate::domain::clock;
use crate::domain::debitsuccess::StoredMessageReply;
use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::store::DebitsuccessRepo;
use crate::domain::DomainError;

use super::errors::db_error;
use super::row::{text, timestamp};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[(
    "ds_message_replies.tenant_id, ds_message_replies.api_user_id, ds_message_replies.message_key",
    "pk_ds_message_replies",
)];

fn reply_from(row: &AnyRow) -> Result<StoredMessageReply, DomainError> {
    Ok(StoredMessageReply {
        operation: text(row, "operation")?,
        request_hash: text(row, "request_hash")?,
        reply: text(row, "reply")?,
        created_at: timestamp(row, "created_at")?,
        expires_at: timestamp(row, "expires_at")?,
    })
}

#[async_trait]
impl<D: Dialect> DebitsuccessRepo for SqlTx<D> {
    async fn ds_message_reply(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        message_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredMessageReply>, DomainError> {
        sqlx::query(
            "SELECT operation, request_hash, reply, created_at, expires_at FROM ds_message_replies \
             WHERE tenant_id = $1 AND api_user_id = $2 AND message_key = $3 AND expires_at > $4",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(message_key)
        .bind(clock::to_storage(now))
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?
        .map(|row| reply_from(&row))
        .transpose()
    }

    async fn ds_claim_message_reply(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        message_key: &str,
        reply: &StoredMessageReply,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredMessageReply>, DomainError> {
        // Insert, or replace an expired record; a live one is kept. One statement, no
        // "try, catch the conflict, continue" (PostgreSQL aborts on a failed statement).
        let inserted = sqlx::query(
            "INSERT INTO ds_message_replies (tenant_id, api_user_id, message_key, operation, \
             request_hash, reply, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (tenant_id, api_user_id, message_key) DO UPDATE SET \
               operation = excluded.operation, request_hash = excluded.request_hash, \
               reply = excluded.reply, created_at = excluded.created_at, \
               expires_at = excluded.expires_at \
             WHERE ds_message_replies.expires_at <= $9",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(message_key)
        .bind(&reply.operation)
        .bind(&reply.request_hash)
        .bind(&reply.reply)
        .bind(clock::to_storage(reply.created_at))
        .bind(clock::to_storage(reply.expires_at))
        .bind(clock::to_storage(now))
        .execute(&mut *self.tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if inserted == 1 {
            return Ok(None);
        }
        self.ds_message_reply(tenant, user, message_key, now).await
    }
}
