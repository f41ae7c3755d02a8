//! CRM.COM Web API tokens (docs/design.md §6.3): issued by `authentication/token`, bound to one user
//! of one organisation (tenant), "1 hour of idle time" by default (vendor notes A), made
//! unusable by `authentication/token/release`. Only the SHA-256 of a token is stored.

use chrono::{DateTime, Utc};

use super::ids::{ApiUserId, TenantId};
use super::provisioning::Unit;

/// The stored token row's id (never shown to clients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenId(pub uuid::Uuid);

impl TokenId {
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl Default for TokenId {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmToken {
    pub id: TokenId,
    pub tenant: TenantId,
    pub user: ApiUserId,
    /// SHA-256 (hex) of the token text.
    pub hash: String,
    pub unit: Unit,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// Idle expiry: each use moves it to `use + idle`.
    pub expires_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

/// Why a token can or cannot be used at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Released,
}

impl CrmToken {
    /// A release wins over expiry: a released token says so even once its idle time is up.
    pub fn state_at(&self, now: DateTime<Utc>) -> TokenState {
        if self.released_at.is_some() {
            TokenState::Released
        } else if now >= self.expires_at {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn a_token_expires_at_its_idle_deadline_and_release_wins() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let mut token = CrmToken {
            id: TokenId::new(),
            tenant: TenantId::new(),
            user: ApiUserId::new(),
            hash: "h".into(),
            unit: Unit::default_unit(),
            created_at: at,
            last_used_at: at,
            expires_at: at + Duration::hours(1),
            released_at: None,
        };
        assert_eq!(token.state_at(at), TokenState::Active);
        assert_eq!(
            token.state_at(at + Duration::hours(1) - Duration::microseconds(1)),
            TokenState::Active
        );
        assert_eq!(token.state_at(at + Duration::hours(1)), TokenState::Expired);
        token.released_at = Some(at);
        assert_eq!(
            token.state_at(at + Duration::hours(2)),
            TokenState::Released
        );
    }
}
