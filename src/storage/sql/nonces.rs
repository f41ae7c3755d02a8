//! Nonces of accepted WS-Security UsernameTokens (migration 0009, `domain::store::NonceRepo`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::store::{NonceRepo, NONCE_CONSTRAINT};
use crate::domain::DomainError;

use super::{Dialect, SqlTx};

/// SQLite's column list for the table's unique constraint (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[("ws_nonces.nonce_key", NONCE_CONSTRAINT)];

#[async_trait]
impl<D: Dialect> NonceRepo for SqlTx<'_, D> {
    async fn remember_nonce(
        &mut self,
        key: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        // A row the purge has not reached yet no longer counts (fixed-width UTC text
        // compares as time, migrations/README.md) …
        self.query("DELETE FROM ws_nonces WHERE nonce_key = $1 AND expires_at <= $2")
            .bind(key)
            .bind(clock::to_storage(now))
            .execute()
            .await?;
        // … and a live one refuses the insert through pk_ws_nonces, on both backends and
        // across instances (docs/design.md §4: races resolve through named constraints).
        self.query("INSERT INTO ws_nonces (nonce_key, expires_at) VALUES ($1, $2)")
            .bind(key)
            .bind(clock::to_storage(expires_at))
            .execute()
            .await?;
        Ok(())
    }

    async fn purge_nonces(&mut self, now: DateTime<Utc>, limit: i64) -> Result<u64, DomainError> {
        // A bounded batch by the key; ix_ws_nonces_expires_at finds them.
        self.delete_batch(
            "DELETE FROM ws_nonces WHERE nonce_key IN \
             (SELECT nonce_key FROM ws_nonces WHERE expires_at <= $1 LIMIT $2)",
            now,
            limit,
            None,
        )
        .await
    }
}
