//! Nonces of accepted WS-Security UsernameTokens (migration 0009; WSS UsernameToken Profile
//! 1.0 §3.2: "a nonce … seen within the freshness window is refused"). Stored, not kept in
//! memory, so every instance on one PostgreSQL database refuses a nonce any of them accepted.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::DomainError;

/// The constraint a nonce already remembered runs into (`ws_nonces`' primary key).
pub const NONCE_CONSTRAINT: &str = "pk_ws_nonces";

#[async_trait]
pub trait NonceRepo: Send {
    /// Remembers `key` (SHA-256 hex of the user id and the nonce) until `expires_at`. A row
    /// of the same key that expired at or before `now` is forgotten first; a live one makes
    /// the insert fail as `DomainError::Conflict` on [`NONCE_CONSTRAINT`] — the constraint
    /// decides, so two instances racing with one nonce cannot both succeed.
    async fn remember_nonce(
        &mut self,
        key: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), DomainError>;
    /// Deletes up to `limit` nonces that expired at or before `now`; returns how many
    /// (the retention purge's).
    async fn purge_nonces(&mut self, now: DateTime<Utc>, limit: i64) -> Result<u64, DomainError>;
}
