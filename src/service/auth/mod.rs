//! Credential checks (docs/design.md §7): argon2id passwords, SHA-256-hashed API keys, and a
//! brief cache of verdicts so per-request SOAP credentials do not cost a hash each call.
//!
//! Under attack (issue 13; docs/operations.md "Credential checks under attack"):
//! - the cache key is SHA-256(stored PHC hash ‖ username ‖ presented password), with a
//!   fixed dummy hash for unknown usernames, and both verdicts are cached: a known and an
//!   unknown username cost the same on the first try (one hash) and on every repeat (none),
//!   so response time does not tell which usernames exist. When a password changes its PHC
//!   hash changes, so every cached entry for the old password stops matching at once;
//! - a pair already verified is answered from the cache before anything else, so it is
//!   never throttled;
//! - other checks pass the [`Throttle`] first (refused without hashing while a window is
//!   open), then the bounded [`Verifier`];
//! - every refusal is answered after the same fixed delay, so a guessing connection gets a
//!   few answers a second however fast it asks, and its answers cost us almost nothing.
//!
//! Concurrent first requests with the same credentials share one verification (single
//! flight): a burst on a cold cache costs one hash, not one per request (issue 9).

pub mod digest_secret;
mod operators;
mod secret;
pub mod throttle;
pub mod username_token;
pub mod verifier;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use moka::future::Cache;
use sha2::{Digest, Sha256};

use crate::domain::limits::{Busy, Limit};
use crate::domain::store::Store;
use crate::domain::user::{Api, ApiUser, Principal};
use crate::domain::DomainError;

pub use secret::token_secret;
pub use throttle::{Throttle, ThrottleSettings};
pub use username_token::{
    Created, SecurityFailure, SecurityHeader, SecurityRefusal, Timestamp, TokenError,
    TokenPassword, UsernameToken,
};
pub use verifier::{Saturated, Verifier};

/// How credential checks are bounded (settings; see `config.rs`).
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// How long a verdict stays cached after its last use (docs/design.md §7).
    pub cache_ttl: Duration,
    /// argon2 verifications at once (0: one per core).
    pub verify_slots: usize,
    /// How long a check may wait for a slot before it is answered "busy, retry".
    pub verify_wait: Duration,
    /// Every refused password (and every throttled attempt) is answered after this delay.
    pub failure_delay: Duration,
    pub throttle: ThrottleSettings,
    /// WS-Security freshness: how far a `Created` may be from now either side, and how
    /// long a nonce is remembered (docs/debitsuccess.md "WS-Security"; WCF's MaxClockSkew
    /// default, 5 minutes).
    pub wss_window: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(300),
            verify_slots: 0,
            verify_wait: Duration::from_millis(500),
            failure_delay: Duration::from_millis(250),
            throttle: ThrottleSettings::default(),
            wss_window: Duration::from_secs(300),
        }
    }
}

pub struct Authenticator {
    /// Verdicts of password checks, keyed as the module documentation says.
    verified: Cache<[u8; 32], bool>,
    verifier: Verifier,
    throttle: Throttle,
    failure_delay: Duration,
    wss_window: Duration,
    /// argon2 verifications run so far (each costs tens of milliseconds of CPU).
    hashes: AtomicU64,
}

/// Why a check failed — for logs only. Clients get one undifferentiated answer
/// (Debitsuccess 02: "never reveal which").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    UnknownUser,
    WrongSecret,
    ApiNotAllowed,
    Throttled,
    /// A WS-Security PasswordDigest for a user without a digest secret.
    DigestNotEnabled,
    /// The user or its tenant is disabled (docs/operations.md "Admin API").
    Disabled,
}

/// A password sign-in as presented: who, with what, from where.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client's address (see `adapters::http::client_addr`).
    pub source: IpAddr,
}

impl Authenticator {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            // Idle, not absolute, expiry: a pair the integration keeps using stays verified,
            // so it is never throttled mid-attack when an absolute lifetime would run out.
            // Safe: the key holds the stored hash (a password change misses at once) and
            // the user row is read on every request (a disabled user or API is refused).
            verified: Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(settings.cache_ttl)
                .build(),
            verifier: Verifier::new(settings.verify_slots, settings.verify_wait),
            throttle: Throttle::new(settings.throttle.clone()),
            failure_delay: settings.failure_delay,
            wss_window: settings.wss_window,
            hashes: AtomicU64::new(0),
        }
    }

    /// How many password hashes this authenticator has verified (cache misses).
    pub fn hashes_verified(&self) -> u64 {
        self.hashes.load(Ordering::Relaxed)
    }

    /// Username + password for `api`.
    pub async fn password(
        &self,
        store: &dyn Store,
        attempt: Attempt<'_>,
        api: Api,
    ) -> Result<Principal, DomainError> {
        // No stored username holds a NUL, and PostgreSQL refuses the character in a query
        // parameter (an error, not "no such user"): such a name is simply unknown, and is
        // checked against the dummy hash like any other (found by schemathesis, issue 15 CI).
        let user = match attempt.username.contains('\0') {
            true => None,
            false => store.user_by_username(attempt.username).await?,
        };
        let phc = user
            .as_ref()
            .map_or_else(|| dummy_hash(), |u| u.password_hash.as_str());
        let outcome = match self.check_password(phc, attempt).await {
            Err(error) => return Err(error),
            Ok(Err(retry_after)) => Err((Refusal::Throttled, Some(retry_after))),
            Ok(Ok(true)) => match user {
                Some(user) => allowed(user, api).map_err(|refusal| (refusal, None)),
                None => Err((Refusal::UnknownUser, None)),
            },
            Ok(Ok(false)) if user.is_none() => Err((Refusal::UnknownUser, None)),
            Ok(Ok(false)) => Err((Refusal::WrongSecret, None)),
        };
        match outcome {
            Ok(principal) => Ok(principal),
            Err((refusal, retry_after)) => {
                tracing::info!(?refusal, api = %api, "credentials refused");
                tokio::time::sleep(self.failure_delay).await;
                Err(match retry_after {
                    Some(retry_after) => DomainError::Throttled { retry_after },
                    None => DomainError::Unauthenticated,
                })
            }
        }
    }

    /// An API key (sent as `Authorization: Bearer <key>`) for `api`. Keys are
    /// operator-issued secrets (docs/operations.md "Credential checks under attack") looked
    /// up by their SHA-256: a wrong one costs one indexed read and no hash, so key failures
    /// are not throttled.
    pub async fn api_key(
        &self,
        store: &dyn Store,
        key: &str,
        api: Api,
    ) -> Result<Principal, DomainError> {
        let user = store.user_by_api_key_hash(&hash_api_key(key)).await?;
        let outcome = match user {
            None => Err(Refusal::UnknownUser),
            Some(user) => allowed(user, api),
        };
        outcome.map_err(|refusal| {
            tracing::info!(?refusal, api = %api, "api key refused");
            DomainError::Unauthenticated
        })
    }

    /// The verdict on `attempt` against `phc`, or `Err(retry_after)` when throttled.
    async fn check_password(
        &self,
        phc: &str,
        attempt: Attempt<'_>,
    ) -> Result<Result<bool, Duration>, DomainError> {
        let key = verdict_key(phc, attempt.username, attempt.password);
        let cached = self.verified.get(&key).await;
        // A verified pair is never throttled; anything else is, even a refutation we
        // remember (the answer must not depend on what was tried before).
        if cached != Some(true) {
            if let Err(retry_after) = self.throttle.check(attempt.username, attempt.source) {
                return Ok(Err(retry_after));
            }
        }
        let verdict = match cached {
            Some(verdict) => verdict,
            None => {
                // Concurrent checks of the same credentials share this one (single flight),
                // so the admission is taken once for all of them. Neither refusal is cached;
                // both verdicts are.
                let verify = async {
                    let _admission = self
                        .throttle
                        .admit(attempt.source)
                        .map_err(Unchecked::Throttled)?;
                    self.hashes.fetch_add(1, Ordering::Relaxed);
                    self.verifier
                        .verify(phc, attempt.password)
                        .await
                        .map_err(|Saturated| Unchecked::Saturated)
                };
                match self.verified.try_get_with(key, verify).await {
                    Ok(verdict) => verdict,
                    Err(refusal) => match *refusal {
                        Unchecked::Throttled(retry_after) => return Ok(Err(retry_after)),
                        Unchecked::Saturated => {
                            tracing::warn!("credential checks saturated; answered busy");
                            return Err(DomainError::Busy(Busy::new(
                                Limit::CredentialChecks,
                                Duration::from_secs(1),
                            )));
                        }
                    },
                }
            }
        };
        // A success clears nothing: the real integration signing in from a guesser's
        // address (one NAT) must not hand the guesser fresh tries; records fade instead.
        if !verdict {
            self.throttle.failed(attempt.username, attempt.source);
        }
        Ok(Ok(verdict))
    }
}

/// Why a password was not checked.
#[derive(Debug, Clone, Copy)]
enum Unchecked {
    Throttled(Duration),
    Saturated,
}

fn verdict_key(phc: &str, username: &str, password: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(phc.as_bytes());
    hasher.update([0u8]);
    hasher.update(username.as_bytes());
    hasher.update([0u8]);
    hasher.update(password.as_bytes());
    hasher.finalize().into()
}

/// The principal, noted for the request journal (`journal::note`) as every verified caller is.
fn allowed(user: ApiUser, api: Api) -> Result<Principal, Refusal> {
    if user.is_disabled() {
        Err(Refusal::Disabled)
    } else if user.may_call(api) {
        let principal = Principal::from(user);
        crate::service::journal::note::caller(&principal);
        Ok(principal)
    } else {
        Err(Refusal::ApiNotAllowed)
    }
}

/// argon2id with the crate's default (OWASP-recommended) parameters.
pub fn hash_password(password: &str) -> Result<String, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DomainError::internal(e.to_string()))
}

/// API keys and tokens are long random strings: a fast hash suffices and allows lookup.
pub fn hash_api_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("timing-equaliser").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_argon2id() {
        let phc = hash_password("s3cret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert_ne!(phc, hash_password("s3cret").unwrap(), "salted");
    }

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn attempt<'a>(username: &'a str, password: &'a str) -> Attempt<'a> {
        Attempt {
            username,
            password,
            source: HERE,
        }
    }

    fn quick_settings() -> AuthSettings {
        AuthSettings {
            failure_delay: Duration::ZERO,
            ..AuthSettings::default()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_checks_share_one_hash_and_verdicts_are_cached() {
        let auth = std::sync::Arc::new(Authenticator::new(&quick_settings()));
        let phc = hash_password("s3cret").unwrap();
        let burst: Vec<_> = (0..8)
            .map(|_| {
                let (auth, phc) = (auth.clone(), phc.clone());
                tokio::spawn(async move { auth.check_password(&phc, attempt("u", "s3cret")).await })
            })
            .collect();
        for check in burst {
            assert_eq!(check.await.unwrap().unwrap(), Ok(true));
        }
        assert_eq!(auth.hashes_verified(), 1);
        // A wrong password is hashed once too, then refused from the cache.
        assert_eq!(
            auth.check_password(&phc, attempt("u", "wrong"))
                .await
                .unwrap(),
            Ok(false)
        );
        assert_eq!(
            auth.check_password(&phc, attempt("u", "wrong"))
                .await
                .unwrap(),
            Ok(false)
        );
        assert_eq!(
            auth.check_password(&phc, attempt("u", "s3cret"))
                .await
                .unwrap(),
            Ok(true)
        );
        assert_eq!(auth.hashes_verified(), 2);
    }

    #[tokio::test]
    async fn a_verified_pair_is_never_throttled() {
        let settings = AuthSettings {
            throttle: ThrottleSettings {
                per_user_threshold: 2,
                per_source_threshold: 2,
                ..ThrottleSettings::default()
            },
            ..quick_settings()
        };
        let auth = Authenticator::new(&settings);
        let phc = hash_password("s3cret").unwrap();
        assert_eq!(
            auth.check_password(&phc, attempt("u", "s3cret"))
                .await
                .unwrap(),
            Ok(true)
        );
        for guess in ["a", "b"] {
            assert_eq!(
                auth.check_password(&phc, attempt("u", guess))
                    .await
                    .unwrap(),
                Ok(false)
            );
        }
        // The source is in a window now: a new guess is refused without a hash …
        let hashes = auth.hashes_verified();
        assert!(auth
            .check_password(&phc, attempt("u", "c"))
            .await
            .unwrap()
            .is_err());
        assert_eq!(auth.hashes_verified(), hashes);
        // … while the verified pair still passes.
        assert_eq!(
            auth.check_password(&phc, attempt("u", "s3cret"))
                .await
                .unwrap(),
            Ok(true)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_the_right_credentials_shares_one_admission_despite_failures() {
        let auth = std::sync::Arc::new(Authenticator::new(&quick_settings()));
        let phc = hash_password("s3cret").unwrap();
        // A guesser from the same address leaves failures on record …
        assert_eq!(
            auth.check_password(&phc, attempt("u", "guess"))
                .await
                .unwrap(),
            Ok(false)
        );
        // … and the real integration's cold-cache burst still passes as one check.
        let burst: Vec<_> = (0..8)
            .map(|_| {
                let (auth, phc) = (auth.clone(), phc.clone());
                tokio::spawn(async move { auth.check_password(&phc, attempt("u", "s3cret")).await })
            })
            .collect();
        for check in burst {
            assert_eq!(check.await.unwrap().unwrap(), Ok(true));
        }
    }

    #[tokio::test]
    async fn known_and_unknown_usernames_cost_the_same() {
        let auth = Authenticator::new(&quick_settings());
        let known = hash_password("s3cret").unwrap();
        for (phc, username) in [(known.as_str(), "known"), (dummy_hash(), "nobody")] {
            let before = auth.hashes_verified();
            assert_eq!(
                auth.check_password(phc, attempt(username, "x"))
                    .await
                    .unwrap(),
                Ok(false)
            );
            assert_eq!(
                auth.check_password(phc, attempt(username, "x"))
                    .await
                    .unwrap(),
                Ok(false)
            );
            // One hash for the first try, none for the repeat, either way.
            assert_eq!(auth.hashes_verified(), before + 1, "{username}");
        }
    }

    #[test]
    fn api_key_hashes_are_stable_hex() {
        assert_eq!(hash_api_key("abc").len(), 64);
        assert_eq!(hash_api_key("abc"), hash_api_key("abc"));
        assert_ne!(hash_api_key("abc"), hash_api_key("abd"));
    }
}
