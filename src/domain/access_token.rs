//! Bearer access tokens (Oracle Billing Care, docs/design.md §6.4): random strings handed out by
//! `GET …/authentication/queryAccessToken`, stored only as their SHA-256 and bound to the
//! user (and so the tenant) they were issued to.

use chrono::{DateTime, Utc};

use super::ids::{ApiUserId, TenantId};

/// An access token to record; the token itself never reaches the store, only its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccessToken {
    /// SHA-256 (hex) of the token.
    pub hash: String,
    pub tenant: TenantId,
    pub user: ApiUserId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored token with the user it was issued to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenGrant {
    pub tenant: TenantId,
    pub user: ApiUserId,
    pub username: String,
    pub expires_at: DateTime<Utc>,
}

impl AccessTokenGrant {
    /// A token is good strictly before its expiry instant.
    pub fn is_live_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}
