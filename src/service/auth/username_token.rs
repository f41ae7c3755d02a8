//! WS-Security UsernameToken (OASIS WSS 1.0/1.1 SOAP Message Security and UsernameToken Profile
//! 1.0/1.1; docs/debitsuccess.md "WS-Security"): the token a WCF or Java client puts in a
//! `wsse:Security` header, as the adapter parsed it, verified here.
//!
//! - PasswordText goes through [`Authenticator::password`]: the same verdict cache, throttle
//!   and failure delay as a password in the body.
//! - PasswordDigest = Base64(SHA-1(nonce + created + password)) (Profile §3.1) needs the
//!   plain password, which an argon2 hash cannot give: it is checked against the user's
//!   digest secret, set only for users an operator enabled. The throttle is checked before
//!   and told of a failure after, like a password; an unknown user, a user without a
//!   secret and a wrong digest cost the same (one indexed read, one SHA-1, one constant-time
//!   comparison) and get the same answer after the same delay.
//! - Freshness (WSS 1.0 §10, Profile §3.2): `Created` (token and Timestamp) within the
//!   window either side of now, `Expires` not passed.
//! - Replay (Profile §3.2): a nonce is remembered in the database per user until its token
//!   could no longer pass the window, and only once the credentials verified (an anonymous
//!   client cannot fill the table).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::ids::ApiUserId;
use crate::domain::store::{erase, Kept, Store, NONCE_CONSTRAINT};
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;

use super::{allowed, Attempt, Authenticator, Refusal};

/// `wsse:Password` and its `Type` (Profile §3.1; an absent Type is PasswordText).
#[derive(Clone, PartialEq, Eq)]
pub enum TokenPassword {
    Text(String),
    /// The digest's bytes (Base64-decoded by the adapter).
    Digest(Vec<u8>),
}

/// Passwords stay out of logs.
impl fmt::Debug for TokenPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenPassword::Text(_) => f.write_str("Text(***)"),
            TokenPassword::Digest(_) => f.write_str("Digest(***)"),
        }
    }
}

/// A `wsu:Created`: the instant, and the text as sent (the digest covers the text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsernameToken {
    pub username: String,
    pub password: TokenPassword,
    /// `wsse:Nonce`, decoded.
    pub nonce: Option<Vec<u8>>,
    pub created: Option<Created>,
}

/// `wsu:Timestamp` (WSS 1.0 §10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timestamp {
    pub created: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

/// What a `wsse:Security` header addressed to us carried, once the adapter understood it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityHeader {
    pub token: Option<UsernameToken>,
    pub timestamp: Option<Timestamp>,
}

/// The WSS 1.0 §12 fault codes a verification can end in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityFailure {
    /// `wsse:FailedAuthentication`: the credentials (or the nonce) were refused.
    FailedAuthentication,
    /// `wsse:InvalidSecurity`: the header cannot be processed as sent.
    InvalidSecurity,
    /// `wsu:MessageExpired`: outside the freshness window.
    MessageExpired,
}

/// A refusal as the client hears it. The reason never says whether the username exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityRefusal {
    pub failure: SecurityFailure,
    pub reason: String,
}

#[derive(Debug)]
pub enum TokenError {
    Refused(SecurityRefusal),
    /// Busy, unavailable or internal: answered as such, never as a refusal.
    Failed(DomainError),
}

impl TokenError {
    fn refused(failure: SecurityFailure, reason: impl Into<String>) -> Self {
        TokenError::Refused(SecurityRefusal {
            failure,
            reason: reason.into(),
        })
    }
}

/// The one answer to wrong credentials, whatever was wrong (Debitsuccess 02's rule: "never
/// reveal which").
const FAILED: &str = "The security token could not be authenticated or authorized.";

/// Freshness (WSS 1.0 §10; UsernameToken Profile §3.2): every `Created` within `window` of
/// `now` either side (the allowed clock skew), an `Expires` not passed and not before its
/// `Created`.
pub fn check_freshness(
    header: &SecurityHeader,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), SecurityRefusal> {
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let expired = |reason: String| SecurityRefusal {
        failure: SecurityFailure::MessageExpired,
        reason,
    };
    let secs = window.num_seconds();
    let created = [
        (
            "UsernameToken",
            header
                .token
                .as_ref()
                .and_then(|t| t.created.as_ref().map(|c| c.at)),
        ),
        (
            "Timestamp",
            header.timestamp.as_ref().and_then(|t| t.created),
        ),
    ];
    for (what, at) in created {
        let Some(at) = at else { continue };
        if at < now - window {
            return Err(expired(format!(
                "The {what}'s Created is more than {secs} seconds old."
            )));
        }
        if at > now + window {
            return Err(expired(format!(
                "The {what}'s Created is more than {secs} seconds in the future (clock skew)."
            )));
        }
    }
    if let Some(Timestamp {
        created,
        expires: Some(expires),
    }) = &header.timestamp
    {
        if created.is_some_and(|created| *expires < created) {
            return Err(SecurityRefusal {
                failure: SecurityFailure::InvalidSecurity,
                reason: "The Timestamp's Expires is before its Created.".into(),
            });
        }
        if *expires <= now {
            return Err(expired("The Timestamp's Expires has passed.".into()));
        }
    }
    Ok(())
}

/// Profile §3.1: Base64(SHA-1(nonce + created + password)); here the raw SHA-1.
pub fn password_digest(nonce: &[u8], created: &str, password: &str) -> [u8; 20] {
    let mut hasher = Sha1::new();
    hasher.update(nonce);
    hasher.update(created.as_bytes());
    hasher.update(password.as_bytes());
    hasher.finalize().into()
}

/// The stored key of a user's nonce: SHA-256 of the user id and the nonce (no client bytes
/// in the table, fixed width).
fn nonce_key(user: ApiUserId, nonce: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(user.to_string().as_bytes());
    hasher.update([0u8]);
    hasher.update(nonce);
    hex::encode(hasher.finalize())
}

impl Authenticator {
    /// Verifies a `wsse:Security` header for `api` at `now`: its freshness, then its
    /// UsernameToken (if any), then the token's nonce. `Ok(None)`: fresh, but no token
    /// (the body's `User` authenticates).
    pub async fn ws_security(
        &self,
        store: &dyn Store,
        header: &SecurityHeader,
        source: IpAddr,
        api: Api,
        now: DateTime<Utc>,
    ) -> Result<Option<Principal>, TokenError> {
        check_freshness(header, now, self.wss_window).map_err(TokenError::Refused)?;
        let Some(token) = &header.token else {
            return Ok(None);
        };
        let principal = match &token.password {
            TokenPassword::Text(password) => {
                let attempt = Attempt {
                    username: &token.username,
                    password,
                    source,
                };
                match self.password(store, attempt, api).await {
                    Ok(principal) => principal,
                    // Throttled: the same answer as a wrong password, already after the
                    // failure delay (as Debitsuccess 02 answers a throttled body password).
                    Err(DomainError::Unauthenticated | DomainError::Throttled { .. }) => {
                        return Err(TokenError::refused(
                            SecurityFailure::FailedAuthentication,
                            FAILED,
                        ))
                    }
                    Err(other) => return Err(TokenError::Failed(other)),
                }
            }
            TokenPassword::Digest(digest) => {
                let principal = self.digest(store, token, digest, source, api).await?;
                crate::service::journal::note::caller(&principal);
                principal
            }
        };
        if let Some(nonce) = &token.nonce {
            self.remember_nonce(store, &principal, nonce, token.created.as_ref(), now)
                .await?;
        }
        Ok(Some(principal))
    }

    async fn digest(
        &self,
        store: &dyn Store,
        token: &UsernameToken,
        digest: &[u8],
        source: IpAddr,
        api: Api,
    ) -> Result<Principal, TokenError> {
        // Without both, the digest is a constant: whoever saw it once could replay it for
        // ever (Profile §3.1 makes them optional; we cannot).
        let (Some(nonce), Some(created)) = (&token.nonce, &token.created) else {
            return Err(TokenError::refused(
                SecurityFailure::InvalidSecurity,
                "A PasswordDigest needs both a Nonce and a Created, or it could be replayed.",
            ));
        };
        let created = created.text.as_str();
        let username = token.username.as_str();
        let refused = |refusal: Refusal| async move {
            tracing::info!(?refusal, api = %api, "WS-Security digest refused");
            tokio::time::sleep(self.failure_delay).await;
            TokenError::refused(SecurityFailure::FailedAuthentication, FAILED)
        };
        // A NUL never names a user (see `password`).
        let user = match username.contains('\0') {
            true => None,
            false => store
                .user_by_username(username)
                .await
                .map_err(TokenError::Failed)?,
        };
        let secret = user.as_ref().and_then(|u| u.digest_secret.as_ref());
        // The same work with or without a secret: a dummy one that no digest matches.
        let expected = password_digest(
            nonce,
            created,
            secret.map_or("\0no digest secret\0", |s| s.expose()),
        );
        let matches: bool = expected.ct_eq(digest).into();
        // Every digest carries a fresh nonce, so the verdict cache that lets a verified
        // password through a throttle window cannot be keyed by what was sent. It is keyed
        // by what was proved instead — the user's stored hash, name and secret, as
        // `check_password` keys a verified pair — so the real integration keeps signing
        // in while someone guesses from its address (docs/operations.md "Credential
        // checks under attack"); a wrong digest never reaches the cache and is throttled.
        let proved = match (&user, secret) {
            (Some(user), Some(secret)) if matches => Some(super::verdict_key(
                &user.password_hash,
                username,
                secret.expose(),
            )),
            _ => None,
        };
        let known = match &proved {
            Some(key) => self.verified.get(key).await == Some(true),
            None => false,
        };
        if !known && self.throttle.check(username, source).is_err() {
            return Err(refused(Refusal::Throttled).await);
        }
        if let Some(key) = proved {
            self.verified.insert(key, true).await;
        }
        let has_secret = secret.is_some();
        let refusal = match (user, has_secret, matches) {
            (None, _, _) => Refusal::UnknownUser,
            (Some(_), false, _) => Refusal::DigestNotEnabled,
            (Some(_), true, false) => Refusal::WrongSecret,
            (Some(user), true, true) => match allowed(user, api) {
                Ok(principal) => return Ok(principal),
                Err(refusal) => refusal,
            },
        };
        if !matches!(refusal, Refusal::ApiNotAllowed | Refusal::Disabled) {
            self.throttle.failed(username, source);
        }
        Err(refused(refusal).await)
    }

    /// Records the nonce until the token could no longer pass the window (its Created, or
    /// now without one, plus the window); a nonce already there is a replay.
    async fn remember_nonce(
        &self,
        store: &dyn Store,
        principal: &Principal,
        nonce: &[u8],
        created: Option<&Created>,
        now: DateTime<Utc>,
    ) -> Result<(), TokenError> {
        let window = chrono::Duration::from_std(self.wss_window).unwrap_or(chrono::Duration::MAX);
        let from = created.map_or(now, |c| c.at.max(now));
        let expires_at = from
            .checked_add_signed(window)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let key = nonce_key(principal.user_id, nonce);
        let written = store
            .write(erase(move |tx| {
                Box::pin(async move {
                    tx.remember_nonce(&key, now, expires_at).await?;
                    Ok(Kept::commit(()))
                })
            }))
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(error) if error.is_conflict_on(NONCE_CONSTRAINT) => {
                tracing::info!(api = "ws-security", "WS-Security nonce replayed");
                tokio::time::sleep(self.failure_delay).await;
                Err(TokenError::refused(
                    SecurityFailure::FailedAuthentication,
                    "The nonce has already been used: a replayed message is refused.",
                ))
            }
            Err(error) => Err(TokenError::Failed(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_digest_is_profile_3_1s_formula() {
        // Computed independently: base64(sha1(b64decode(nonce) + created + password)) in Python.
        use base64::Engine;
        let nonce = base64::engine::general_purpose::STANDARD
            .decode("WScqanjCEAC4mQoBE07sAQ==")
            .unwrap();
        let digest = password_digest(&nonce, "2003-07-16T01:24:32Z", "Digest-Pass-2024");
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(digest),
            "hj2YtEmYb6u3/oPgoj6dMbGDLnY="
        );
    }

    #[test]
    fn freshness_allows_the_window_either_side_and_nothing_more() {
        let now = at("2024-05-01T10:00:00Z");
        let window = Duration::from_secs(300);
        let token = |created: &str| SecurityHeader {
            token: Some(UsernameToken {
                username: "u".into(),
                password: TokenPassword::Text("p".into()),
                nonce: None,
                created: Some(Created {
                    text: created.into(),
                    at: at(created),
                }),
            }),
            timestamp: None,
        };
        for ok in ["2024-05-01T09:55:00Z", "2024-05-01T10:05:00Z"] {
            assert_eq!(check_freshness(&token(ok), now, window), Ok(()), "{ok}");
        }
        for late in ["2024-05-01T09:54:59Z", "2024-05-01T10:05:01Z"] {
            let refusal = check_freshness(&token(late), now, window).unwrap_err();
            assert_eq!(refusal.failure, SecurityFailure::MessageExpired, "{late}");
        }
        let stamp = |created: &str, expires: &str| SecurityHeader {
            token: None,
            timestamp: Some(Timestamp {
                created: Some(at(created)),
                expires: Some(at(expires)),
            }),
        };
        let passed = stamp("2024-05-01T09:56:00Z", "2024-05-01T10:00:00Z");
        assert_eq!(
            check_freshness(&passed, now, window).unwrap_err().failure,
            SecurityFailure::MessageExpired
        );
        let backwards = stamp("2024-05-01T10:01:00Z", "2024-05-01T09:59:00Z");
        assert_eq!(
            check_freshness(&backwards, now, window)
                .unwrap_err()
                .failure,
            SecurityFailure::InvalidSecurity
        );
        let fine = stamp("2024-05-01T09:59:00Z", "2024-05-01T10:04:00Z");
        assert_eq!(check_freshness(&fine, now, window), Ok(()));
    }

    #[test]
    fn nonce_keys_are_per_user_and_hide_the_nonce() {
        let (a, b) = (ApiUserId::new(), ApiUserId::new());
        assert_ne!(nonce_key(a, b"n"), nonce_key(b, b"n"));
        assert_ne!(nonce_key(a, b"n"), nonce_key(a, b"m"));
        assert_eq!(nonce_key(a, b"n").len(), 64);
    }

    #[test]
    fn passwords_stay_out_of_debug() {
        let shown = format!("{:?}", TokenPassword::Text("s3cret".into()));
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
