//! Issued tokens of both token-based APIs (`domain::token`): one table, the kind saying which
//! API a token belongs to and so which expiry policy it follows.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::ids::ApiUserId;
use crate::domain::token::{Token, TokenId, TokenKind};
use crate::domain::DomainError;

#[async_trait]
pub trait TokenRepo: Send {
    async fn insert_token(&mut self, token: &Token) -> Result<(), DomainError>;
    /// The token of `kind` behind a hash, in any state (the caller judges it). A token of
    /// another kind reads as absent: an API only accepts the tokens it issued.
    async fn token(&mut self, kind: TokenKind, hash: &str) -> Result<Option<Token>, DomainError>;
    /// Records a use of a token that is usable at `now` and slides its expiry to
    /// `expires_at` (kinds whose expiry slides on use), in one conditional `UPDATE` so a
    /// concurrent release is never undone. `None`: not usable (unknown, released or
    /// expired; [`TokenRepo::token`] tells which).
    async fn touch_token(
        &mut self,
        kind: TokenKind,
        hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<Token>, DomainError>;
    async fn release_token(&mut self, id: TokenId, now: DateTime<Utc>) -> Result<(), DomainError>;
    /// The live-token cap: the user's live tokens of `kind` beyond the newest `keep` (by
    /// expiry) are released or revoked, as the kind's policy says (`OverCap`), soonest to
    /// expire first; returns how many.
    async fn cap_live_tokens(
        &mut self,
        kind: TokenKind,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;
    /// Deletes the user's unreleased tokens of `kind` that expired at or before `now`;
    /// returns how many.
    async fn delete_expired_tokens(
        &mut self,
        kind: TokenKind,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;
    /// Ends every live token of the user, of both kinds, at `now` (its expiry set to `now`;
    /// the purge deletes it later): a password rotation leaves no session of the old one
    /// (docs/operations.md "Admin API"). Returns how many.
    async fn expire_user_tokens(
        &mut self,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;
    /// Deletes up to `limit` tokens of `kind` (of any user) that expired or were released
    /// before `before`; returns how many. The purge's, bounded so one call never holds the
    /// writer long.
    async fn purge_tokens(
        &mut self,
        kind: TokenKind,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;
}
