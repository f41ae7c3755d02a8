//! Issued tokens (migration 0008): CRM.COM Web API tokens and Billing Care access tokens in one
//! table, stored as SHA-256 only. Every statement names the kind, so an API never sees
//! another API's tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::provisioning::Unit;
use crate::domain::store::TokenRepo;
use crate::domain::token::{OverCap, Token, TokenId, TokenKind};
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{opt_text, opt_timestamp, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[("tokens.token_hash", "uq_tokens_hash")];

const COLUMNS: &str = "id, kind, tenant_id, api_user_id, token_hash, unit, issued_at, \
                       last_used_at, expires_at, released_at";

fn token_from(row: &Row) -> Result<Token, DomainError> {
    Ok(Token {
        id: TokenId(uuid(row, "id")?),
        kind: parsed("kind", &text(row, "kind")?, TokenKind::parse)?,
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        user: ApiUserId::from_uuid(uuid(row, "api_user_id")?),
        hash: text(row, "token_hash")?,
        unit: opt_text(row, "unit")?
            .map(|unit| parsed("unit", &unit, Unit::parse))
            .transpose()?,
        issued_at: timestamp(row, "issued_at")?,
        last_used_at: timestamp(row, "last_used_at")?,
        expires_at: timestamp(row, "expires_at")?,
        released_at: opt_timestamp(row, "released_at")?,
    })
}

#[async_trait]
impl<D: Dialect> TokenRepo for SqlTx<'_, D> {
    async fn insert_token(&mut self, t: &Token) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(t.id.0.to_string())
        .bind(t.kind.as_str())
        .bind(t.tenant.to_string())
        .bind(t.user.to_string())
        .bind(&t.hash)
        .bind(t.unit.as_ref().map(|unit| unit.as_str().to_owned()))
        .bind(clock::to_storage(t.issued_at))
        .bind(clock::to_storage(t.last_used_at))
        .bind(clock::to_storage(t.expires_at))
        .bind(t.released_at.map(clock::to_storage))
        .execute()
        .await?;
        Ok(())
    }

    async fn token(&mut self, kind: TokenKind, hash: &str) -> Result<Option<Token>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM tokens WHERE token_hash = $1 AND kind = $2"
        ))
        .bind(hash)
        .bind(kind.as_str())
        .fetch_optional()
        .await?
        .map(|row| token_from(&row))
        .transpose()
    }

    async fn touch_token(
        &mut self,
        kind: TokenKind,
        hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<Token>, DomainError> {
        if !kind.policy().slides_on_use {
            // A fixed expiry is never moved: such a token's uses are reads.
            return Err(DomainError::internal(format!(
                "a {} token's expiry does not slide",
                kind.as_str()
            )));
        }
        // Fixed-width UTC text compares as time (migrations/README.md).
        self.query(&format!(
            "UPDATE tokens SET last_used_at = $2, expires_at = $3 \
             WHERE token_hash = $1 AND kind = $4 AND released_at IS NULL AND expires_at > $2 \
             RETURNING {COLUMNS}"
        ))
        .bind(hash)
        .bind(clock::to_storage(now))
        .bind(clock::to_storage(expires_at))
        .bind(kind.as_str())
        .fetch_optional()
        .await?
        .map(|row| token_from(&row))
        .transpose()
    }

    async fn release_token(&mut self, id: TokenId, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.query("UPDATE tokens SET released_at = $2 WHERE id = $1 AND released_at IS NULL")
            .bind(id.0.to_string())
            .bind(clock::to_storage(now))
            .execute()
            .await?;
        Ok(())
    }

    async fn cap_live_tokens(
        &mut self,
        kind: TokenKind,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        // Newest expiry first, skip the `keep` kept, release or revoke the rest: the partial
        // index ix_tokens_user_live holds exactly the rows this reads (a Billing Care token
        // is never released, so `released_at IS NULL` excludes none of them; it is there so
        // the index serves). A CRM.COM use slides the expiry, so the soonest to expire is the
        // least recently used; a Billing Care expiry is fixed, so it is the oldest. SQL needs
        // a LIMIT before OFFSET; i64::MAX means "all".
        let sql = match kind.policy().over_cap {
            OverCap::ReleaseLeastRecentlyUsed => {
                "UPDATE tokens SET released_at = $3 WHERE id IN (SELECT id FROM tokens \
                 WHERE api_user_id = $1 AND kind = $5 AND released_at IS NULL AND expires_at > $3 \
                 ORDER BY expires_at DESC, id DESC LIMIT $4 OFFSET $2)"
            }
            OverCap::RevokeOldest => {
                "DELETE FROM tokens WHERE token_hash IN (SELECT token_hash FROM tokens \
                 WHERE api_user_id = $1 AND kind = $5 AND released_at IS NULL AND expires_at > $3 \
                 ORDER BY expires_at DESC, token_hash DESC LIMIT $4 OFFSET $2)"
            }
        };
        self.query(sql)
            .bind(user.to_string())
            .bind(i64::from(keep))
            .bind(clock::to_storage(now))
            .bind(i64::MAX)
            .bind(kind.as_str())
            .execute()
            .await
    }

    async fn delete_expired_tokens(
        &mut self,
        kind: TokenKind,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        // ix_tokens_user_live (hence `released_at IS NULL`).
        self.query(
            "DELETE FROM tokens WHERE api_user_id = $1 AND kind = $3 AND released_at IS NULL \
             AND expires_at <= $2",
        )
        .bind(user.to_string())
        .bind(clock::to_storage(now))
        .bind(kind.as_str())
        .execute()
        .await
    }

    async fn expire_user_tokens(
        &mut self,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        // ix_tokens_user_live (hence `released_at IS NULL`); both kinds.
        self.query(
            "UPDATE tokens SET expires_at = $2 WHERE api_user_id = $1 AND released_at IS NULL \
             AND expires_at > $2",
        )
        .bind(user.to_string())
        .bind(clock::to_storage(now))
        .execute()
        .await
    }

    async fn purge_tokens(
        &mut self,
        kind: TokenKind,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        // ix_tokens_expires_at and ix_tokens_released_at.
        self.delete_batch(
            "DELETE FROM tokens WHERE id IN (SELECT id FROM tokens \
             WHERE kind = $3 AND (expires_at < $1 OR released_at < $1) LIMIT $2)",
            before,
            limit,
            Some(kind.as_str()),
        )
        .await
    }
}
