//! `authentication/token` and `authentication/token/release` (docs/design.md §6.3; vendor notes A:
//! "Expiry: 1 hour of idle time"; "`POST authentication/token/release` takes `token` and
//! makes it unusable").
//!
//! Tokens are 256-bit random values shown once; the store keeps their SHA-256 only. A token
//! is bound to its user and organisation (tenant) and records the unit it was issued for.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::audit::AuditEvent;
use crate::domain::provisioning::Unit;
use crate::domain::rules::CrmcomRule;
use crate::domain::store::{Kept, StoredReply};
use crate::domain::tenant::TenantCode;
use crate::domain::token::{Token, TokenId, TokenKind, TokenState};
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::auth::{hash_api_key, token_secret, Attempt};
use crate::service::idempotency::{self, IdempotentRequest};
use crate::service::{Origin, Services};

use super::echo;

/// The longest idle expiry honoured, whatever the setting says (keeps timestamps sane).
const MAX_IDLE: chrono::Duration = chrono::Duration::days(3650);

/// The login method's parameters, as sent.
#[derive(Clone, Default)]
pub struct Login {
    pub username: Option<String>,
    pub password: Option<String>,
    pub organisation: Option<String>,
    pub unit: Option<String>,
}

/// An authenticated token: who calls, for which unit.
#[derive(Clone, Debug)]
pub struct Session {
    pub principal: Principal,
    pub unit: Unit,
    pub token: TokenId,
}

fn required(name: &str, value: Option<String>) -> Result<String, DomainError> {
    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        DomainError::rule(CrmcomRule::MissingParameter, format!("{name} is mandatory"))
    })
}

fn idle_of(setting: Duration) -> chrono::Duration {
    chrono::Duration::from_std(setting)
        .unwrap_or(MAX_IDLE)
        .clamp(chrono::Duration::seconds(1), MAX_IDLE)
}

fn unknown_organisation(organisation: &str) -> DomainError {
    DomainError::rule(
        CrmcomRule::UnknownOrganisation,
        format!("organisation '{}' does not exist", echo(organisation)),
    )
}

/// How tokens are issued (settings).
#[derive(Clone, Copy, Debug)]
pub struct TokenPolicy {
    /// Expiry after this much idle time (vendor notes A: 1 hour).
    pub idle: Duration,
    /// Live tokens one user may hold; minting past it releases the least recently used
    /// (issue 13: unlimited live tokens per user let one client fill the table).
    pub per_user: u32,
}

/// Checks the organisation, then the credentials (one answer for every credential fault),
/// and issues a token. Returns the token text: the only time it exists outside a hash.
///
/// Issue 13: a user minting faster than the services' mint rate is refused as busy before
/// anything is written, and the user's live tokens beyond `policy.per_user` are released in
/// the issuing transaction. Expired and released tokens are purged by the worker
/// (`service::retention`), no longer by each login.
#[tracing::instrument(skip_all, fields(organisation = tracing::field::Empty))]
pub async fn login(
    services: &Services,
    cmd: Login,
    policy: TokenPolicy,
    origin: &Origin,
) -> Result<String, DomainError> {
    let idle = policy.idle;
    let username = required("username", cmd.username)?;
    let password = required("password", cmd.password)?;
    let organisation = required("organisation", cmd.organisation)?;
    let unit = match cmd.unit.filter(|u| !u.trim().is_empty()) {
        Some(unit) => Unit::parse(&unit)?,
        None => Unit::default_unit(),
    };
    tracing::Span::current().record("organisation", echo(&organisation));
    let code =
        TenantCode::parse(organisation.trim()).map_err(|_| unknown_organisation(&organisation))?;
    let tenant = services
        .store
        .read()
        .await?
        .tenant_by_code(&code)
        .await?
        .ok_or_else(|| unknown_organisation(&organisation))?;
    let principal = services
        .auth
        .password(
            services.store.as_ref(),
            Attempt {
                username: &username,
                password: &password,
                source: origin.client,
            },
            Api::Crmcom,
        )
        .await?;
    if principal.tenant.id != tenant.id {
        // Never cross tenants: another organisation's user is just wrong credentials here.
        tracing::info!("credentials of another organisation refused");
        return Err(DomainError::Unauthenticated);
    }
    let now = services.clock.now();
    services.mint_rate.take(principal.user_id, now)?;
    let token = new_token_text();
    let record = Token {
        id: TokenId::new(),
        kind: TokenKind::Crmcom,
        tenant: tenant.id,
        user: principal.user_id,
        hash: hash_api_key(&token),
        unit: Some(unit.clone()),
        issued_at: now,
        last_used_at: now,
        expires_at: now + idle_of(idle),
        released_at: None,
    };
    let mut event = audit(
        &principal,
        origin,
        now,
        "crmcom.authentication.token",
        record.id,
        Some(unit.as_str()),
    );
    let (user, per_user) = (principal.user_id, policy.per_user.max(1));
    services
        .write(move |tx| {
            Box::pin(async move {
                tx.insert_token(&record).await?;
                let released = tx
                    .cap_live_tokens(TokenKind::Crmcom, user, per_user, now)
                    .await?;
                if released > 0 {
                    tracing::info!(
                        released,
                        "live-token cap reached; least recently used released"
                    );
                    event.after = Some(
                        serde_json::json!({ "unit": unit.as_str(), "releasedOverCap": released }),
                    );
                }
                tx.insert_audit(&event).await?;
                Ok(Kept::commit(()))
            })
        })
        .await?;
    Ok(token)
}

/// Resolves a token sent with a call and slides its idle expiry (each use counts).
pub async fn authenticate(
    services: &Services,
    token: Option<&str>,
    idle: Duration,
) -> Result<Session, DomainError> {
    let hash = token_hash(token)?;
    let now = services.clock.now();
    services
        .write(move |tx| {
            Box::pin(async move {
                let touched = tx
                    .touch_token(TokenKind::Crmcom, &hash, now, now + idle_of(idle))
                    .await?;
                let Some(record) = touched else {
                    let found = tx.token(TokenKind::Crmcom, &hash).await?;
                    return Err(refusal(found.map(|t| t.state_at(now))));
                };
                let principal = principal_of(tx, &record).await?;
                Ok(Kept::commit(Session {
                    principal,
                    unit: unit_of(&record)?,
                    token: record.id,
                }))
            })
        })
        .await
        // Noted here, in the request's task: the unit ran on the store's side.
        .inspect(|session| crate::service::journal::note::caller(&session.principal))
}

/// Makes a token unusable. With an `Idempotency-Key`, a repeat replays the first reply.
pub async fn release(
    services: &Services,
    token: Option<&str>,
    origin: &Origin,
    idempotency: Option<&IdempotentRequest>,
    render: impl FnOnce(&()) -> StoredReply + Send + 'static,
) -> Result<StoredReply, DomainError> {
    let hash = token_hash(token)?;
    // The principal (for the idempotency scope) comes from the token in any state; its
    // state is judged inside the use-case transaction below.
    let (record, principal) = {
        let mut tx = services.store.read().await?;
        let record = tx
            .token(TokenKind::Crmcom, &hash)
            .await?
            .ok_or_else(|| refusal(None))?;
        let principal = principal_of(tx.as_mut(), &record).await?;
        crate::service::journal::note::caller(&principal);
        (record, principal)
    };
    let now = services.clock.now();
    let event = audit(
        &principal,
        origin,
        now,
        "crmcom.authentication.token.release",
        record.id,
        None,
    );
    idempotency::execute(
        services,
        &principal,
        idempotency,
        move |tx| {
            Box::pin(async move {
                let current = tx.token(TokenKind::Crmcom, &hash).await?;
                match current.as_ref().map(|t| t.state_at(now)) {
                    Some(TokenState::Active) => {}
                    other => return Err(refusal(other)),
                }
                tx.release_token(record.id, now).await?;
                tx.insert_audit(&event).await?;
                Ok(())
            })
        },
        render,
    )
    .await
}

fn token_hash(token: Option<&str>) -> Result<String, DomainError> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| DomainError::rule(CrmcomRule::InvalidToken, "token is mandatory"))?;
    Ok(hash_api_key(token))
}

/// Why a token cannot be used, from its state (`None`: no such token).
fn refusal(state: Option<TokenState>) -> DomainError {
    match state {
        None => DomainError::rule(CrmcomRule::InvalidToken, "the token is not valid"),
        Some(TokenState::Released) => {
            DomainError::rule(CrmcomRule::ReleasedToken, "the token has been released")
        }
        // `Active` here lost a race with its own expiry between the update and the read.
        Some(TokenState::Expired | TokenState::Active) => DomainError::rule(
            CrmcomRule::ExpiredToken,
            "the token has expired after its idle time; log in again",
        ),
    }
}

/// The token's user, still allowed CRM.COM and still in the token's organisation.
async fn principal_of(
    tx: &mut dyn crate::domain::store::Tx,
    record: &Token,
) -> Result<Principal, DomainError> {
    match tx.api_user(record.user).await? {
        Some(user) if user.may_call(Api::Crmcom) && user.tenant.id == record.tenant => {
            Ok(Principal::from(user))
        }
        _ => Err(refusal(None)),
    }
}

/// The unit a CRM.COM token was issued for (every one has one: `ck_tokens_kind`).
fn unit_of(record: &Token) -> Result<Unit, DomainError> {
    record
        .unit
        .clone()
        .ok_or_else(|| DomainError::internal("a CRM.COM token without a unit"))
}

/// The token as CRM.COM clients know it: the secret in upper-case hex (64 characters).
fn new_token_text() -> String {
    hex::encode_upper(token_secret())
}

fn audit(
    principal: &Principal,
    origin: &Origin,
    at: DateTime<Utc>,
    operation: &str,
    token: TokenId,
    unit: Option<&str>,
) -> AuditEvent {
    AuditEvent {
        at,
        tenant: principal.tenant.id,
        user: Some(principal.user_id),
        initiator: None,
        channel: origin.channel,
        operation: operation.to_owned(),
        entity_type: "crmcom_token".to_owned(),
        entity_id: token.0.to_string(),
        before: None,
        after: unit.map(|u| serde_json::json!({ "unit": u })),
        request_id: origin.request_id.clone(),
        // Token logins and logouts are credentials, not changes to billing data: no event.
        event: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_upper_hex_and_distinct() {
        let a = new_token_text();
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
        assert_ne!(a, new_token_text());
    }

    #[test]
    fn idle_settings_are_clamped() {
        assert_eq!(
            idle_of(Duration::from_secs(3600)),
            chrono::Duration::hours(1)
        );
        assert_eq!(idle_of(Duration::ZERO), chrono::Duration::seconds(1));
        assert_eq!(idle_of(Duration::from_secs(u64::MAX)), MAX_IDLE);
    }
}
