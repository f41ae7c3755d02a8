//! The Billing Care access-token flow (docs/design.md §6.4; Oracle's "Authenticate" page):
//! `GET …/authentication/queryAccessToken` with Basic client_id:client_secret returns a
//! bearer token that later calls present as `Authorization: Bearer <token>`.
//!
//! Tokens are 256 random bits from the OS, base64url; only their SHA-256 is stored, bound to
//! the user and tenant. Nothing lives in process memory, so any instance sharing the
//! database accepts a token another instance issued (docs/design.md §4).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use crate::domain::audit::AuditEvent;
use crate::domain::store::Kept;
use crate::domain::token::{Token, TokenId, TokenKind};
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::auth::{hash_api_key, token_secret};
use crate::service::{Origin, Services};

/// A freshly issued token. `Debug` hides the secret.
pub struct IssuedToken {
    pub token: String,
    /// Seconds until it expires (`expires_in`).
    pub expires_in: u64,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedToken(***, expires_in={})", self.expires_in)
    }
}

/// Issues a token to an authenticated client. The same transaction drops the user's expired
/// tokens (so the table does not grow with every login), revokes the user's oldest live
/// tokens beyond `per_user` (issue 13: unlimited live tokens let one client fill the
/// table) and writes the audit row. A user minting faster than the services' mint rate is
/// refused as busy before anything is written.
#[tracing::instrument(skip_all, fields(user = %principal.username.as_str()))]
pub async fn issue(
    services: &Services,
    principal: &Principal,
    ttl: Duration,
    per_user: u32,
    origin: &Origin,
) -> Result<IssuedToken, DomainError> {
    let now = services.clock.now();
    let lifetime = chrono::Duration::from_std(ttl).map_err(DomainError::internal)?;
    services.mint_rate.take(principal.user_id, now)?;
    let token = random_token();
    let (tenant, user) = (principal.tenant.id, principal.user_id);
    let hash = hash_api_key(&token);
    let (channel, request_id) = (origin.channel, origin.request_id.clone());
    services
        .write(move |tx| {
            Box::pin(async move {
                tx.delete_expired_tokens(TokenKind::BillingCare, user, now)
                    .await?;
                tx.insert_token(&Token {
                    id: TokenId::new(),
                    kind: TokenKind::BillingCare,
                    tenant,
                    user,
                    hash,
                    unit: None,
                    issued_at: now,
                    last_used_at: now,
                    expires_at: now + lifetime,
                    released_at: None,
                })
                .await?;
                let revoked = tx
                    .cap_live_tokens(TokenKind::BillingCare, user, per_user.max(1), now)
                    .await?;
                if revoked > 0 {
                    tracing::info!(revoked, "live-token cap reached; oldest revoked");
                }
                tx.insert_audit(&AuditEvent {
                    at: now,
                    tenant,
                    user: Some(user),
                    initiator: None,
                    channel,
                    operation: "billing_care.queryAccessToken".into(),
                    entity_type: "api_user".into(),
                    entity_id: user.to_string(),
                    before: None,
                    after: Some(json!({
                        "token_expires_at": crate::domain::clock::to_storage(now + lifetime),
                        "revoked_over_cap": revoked,
                    })),
                    request_id,
                    // A minted token is a credential, not a change to billing data: no event.
                    event: None,
                })
                .await?;
                Ok(Kept::commit(()))
            })
        })
        .await?;
    Ok(IssuedToken {
        token,
        expires_in: ttl.as_secs(),
    })
}

/// The caller behind a bearer token. Unknown, expired and revoked tokens (the user lost the
/// billing_care API, or was removed) are one undifferentiated refusal.
pub async fn authenticate(services: &Services, token: &str) -> Result<Principal, DomainError> {
    let now = services.clock.now();
    let mut tx = services.store.read().await?;
    let found = tx
        .token(TokenKind::BillingCare, &hash_api_key(token))
        .await?;
    let Some(found) = found.filter(|t| t.is_live_at(now)) else {
        tracing::info!("bearer token refused (unknown or expired)");
        return Err(DomainError::Unauthenticated);
    };
    // The user must still belong to the token's tenant (a token never moves tenants).
    let user = tx
        .api_user(found.user)
        .await?
        .filter(|u| u.tenant.id == found.tenant);
    match user {
        Some(user) if user.may_call(Api::BillingCare) => {
            let principal = Principal::from(user);
            crate::service::journal::note::caller(&principal);
            Ok(principal)
        }
        _ => {
            tracing::info!("bearer token refused (user disabled or no longer allowed)");
            Err(DomainError::Unauthenticated)
        }
    }
}

/// The token as Billing Care clients know it: the secret in base64url (43 characters).
fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(token_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_url_safe_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn debug_hides_the_token() {
        let issued = IssuedToken {
            token: "s3cret-token".into(),
            expires_in: 60,
        };
        assert!(!format!("{issued:?}").contains("s3cret"));
    }
}
