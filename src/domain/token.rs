//! Issued bearer tokens: CRM.COM's Web API tokens (docs/design.md §6.3) and Oracle Billing Care's
//! access tokens (docs/design.md §6.4) are one concept. A token is a random secret shown to
//! its client once and stored only as its SHA-256, bound to the user (and so the tenant) it
//! was issued to, usable until it expires or is released. What differs between the two is
//! the kind's [`ExpiryPolicy`].

use chrono::{DateTime, Utc};

use super::ids::{ApiUserId, TenantId};
use super::provisioning::Unit;
use super::DomainError;

/// The stored token's id (never shown to clients).
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

/// Which API issued a token; a token is only ever accepted by the API that issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A CRM.COM Web API token from `authentication/token`.
    Crmcom,
    /// A Billing Care access token from `GET …/authentication/queryAccessToken`.
    BillingCare,
}

/// What a live-token cap does to a user's tokens beyond it (issue 13: unlimited live tokens
/// per user let one client fill the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverCap {
    /// Releases the least recently used, i.e. the soonest to expire (use slides the expiry):
    /// it answers "released" from then on.
    ReleaseLeastRecentlyUsed,
    /// Revokes (deletes) the oldest, i.e. the soonest to expire (the expiry is fixed): it
    /// answers like an unknown token.
    RevokeOldest,
}

/// How a kind of token stops working, and what becomes of it then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// Each use moves the expiry to `use + idle` (CRM.COM, vendor notes A: "Expiry: 1 hour
    /// of idle time"); otherwise the expiry is fixed when the token is issued (Billing Care's
    /// `expires_in`), and a use writes nothing.
    pub slides_on_use: bool,
    pub over_cap: OverCap,
    /// Whether a dead (expired or released) token answers otherwise than an unknown one. If
    /// so (CRM.COM: "expired", "released") the purge keeps it for a retention period so
    /// the client hears why; if not (Billing Care: one 401 for all) it goes once expired.
    pub tells_dead_from_unknown: bool,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Crmcom => "crmcom",
            TokenKind::BillingCare => "billing_care",
        }
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "crmcom" => Ok(TokenKind::Crmcom),
            "billing_care" => Ok(TokenKind::BillingCare),
            _ => Err(DomainError::invalid("token kind", "unknown")),
        }
    }

    pub fn policy(self) -> ExpiryPolicy {
        match self {
            TokenKind::Crmcom => ExpiryPolicy {
                slides_on_use: true,
                over_cap: OverCap::ReleaseLeastRecentlyUsed,
                tells_dead_from_unknown: true,
            },
            TokenKind::BillingCare => ExpiryPolicy {
                slides_on_use: false,
                over_cap: OverCap::RevokeOldest,
                tells_dead_from_unknown: false,
            },
        }
    }
}

/// An issued token as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub id: TokenId,
    pub kind: TokenKind,
    pub tenant: TenantId,
    pub user: ApiUserId,
    /// SHA-256 (hex) of the token text; the text itself is never stored.
    pub hash: String,
    /// CRM.COM: the unit of the organisation the token was issued for (`None` for Billing
    /// Care, which has no such notion).
    pub unit: Option<Unit>,
    pub issued_at: DateTime<Utc>,
    /// The last use recorded: each use of a token whose expiry slides; the issue for one
    /// whose expiry is fixed (its uses are reads, and write nothing).
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set by CRM.COM's `authentication/token/release` or by a cap that releases; never for
    /// Billing Care, whose tokens are revoked by deletion.
    pub released_at: Option<DateTime<Utc>>,
}

/// Why a token can or cannot be used at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Released,
}

impl Token {
    /// A token is good strictly before its expiry instant. A release wins over expiry: a
    /// released token says so even once its idle time is up.
    pub fn state_at(&self, now: DateTime<Utc>) -> TokenState {
        if self.released_at.is_some() {
            TokenState::Released
        } else if now >= self.expires_at {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }

    pub fn is_live_at(&self, now: DateTime<Utc>) -> bool {
        self.state_at(now) == TokenState::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn token(kind: TokenKind, at: DateTime<Utc>) -> Token {
        Token {
            id: TokenId::new(),
            kind,
            tenant: TenantId::new(),
            user: ApiUserId::new(),
            hash: "h".into(),
            unit: (kind == TokenKind::Crmcom).then(Unit::default_unit),
            issued_at: at,
            last_used_at: at,
            expires_at: at + Duration::hours(1),
            released_at: None,
        }
    }

    #[test]
    fn a_token_expires_at_its_deadline_and_release_wins() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let mut token = token(TokenKind::Crmcom, at);
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

    #[test]
    fn a_fixed_expiry_token_is_live_strictly_before_its_expiry() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let token = token(TokenKind::BillingCare, at);
        assert!(token.is_live_at(at + Duration::hours(1) - Duration::microseconds(1)));
        assert!(!token.is_live_at(at + Duration::hours(1)));
    }

    #[test]
    fn kinds_round_trip_and_differ_only_by_policy() {
        for kind in [TokenKind::Crmcom, TokenKind::BillingCare] {
            assert_eq!(TokenKind::parse(kind.as_str()).unwrap(), kind);
        }
        assert!(TokenKind::parse("other").is_err());
        assert!(TokenKind::Crmcom.policy().slides_on_use);
        assert!(!TokenKind::BillingCare.policy().slides_on_use);
        assert_eq!(
            TokenKind::BillingCare.policy().over_cap,
            OverCap::RevokeOldest
        );
    }
}
