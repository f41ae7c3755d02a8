//! Credential checks (DESIGN §7): argon2id passwords, SHA-256-hashed API keys, and a
//! brief cache of verified passwords so per-request SOAP credentials do not cost a hash
//! each call.
//!
//! The cache key is SHA-256(stored PHC hash ‖ presented password). The user row is read
//! on every request anyway; when a password changes its PHC hash changes, so every
//! cached entry for the old password stops matching at once. Concurrent first requests
//! with the same credentials share one verification (single flight): a burst on a cold
//! cache costs one hash, not one per request (issue 9).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use moka::future::Cache;
use sha2::{Digest, Sha256};

use crate::domain::store::Store;
use crate::domain::user::{Api, ApiUser, Principal};
use crate::domain::DomainError;

pub struct Authenticator {
    /// Verified (or refuted) password checks; both outcomes are cached so a client
    /// hammering a wrong password cannot make us hash on every request.
    verified: Cache<[u8; 32], bool>,
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
}

impl Authenticator {
    pub fn new(ttl: Duration) -> Self {
        Self {
            verified: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            hashes: AtomicU64::new(0),
        }
    }

    /// How many password hashes this authenticator has verified (cache misses).
    pub fn hashes_verified(&self) -> u64 {
        self.hashes.load(Ordering::Relaxed)
    }

    /// Username + password for `api`. Unknown users still cost one hash, so response
    /// time does not tell which usernames exist.
    pub async fn password(
        &self,
        store: &dyn Store,
        username: &str,
        password: &str,
        api: Api,
    ) -> Result<Principal, DomainError> {
        let user = store.user_by_username(username).await?;
        let outcome = match user {
            None => {
                verify_blocking(dummy_hash().to_owned(), password.to_owned()).await?;
                Err(Refusal::UnknownUser)
            }
            Some(user) => {
                if self.check_password(&user.password_hash, password).await? {
                    allowed(user, api)
                } else {
                    Err(Refusal::WrongSecret)
                }
            }
        };
        outcome.map_err(|refusal| {
            tracing::info!(?refusal, api = %api, "credentials refused");
            DomainError::Unauthenticated
        })
    }

    /// An API key (sent as `Authorization: Bearer <key>`) for `api`.
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

    async fn check_password(&self, phc: &str, password: &str) -> Result<bool, DomainError> {
        let mut hasher = Sha256::new();
        hasher.update(phc.as_bytes());
        hasher.update([0u8]);
        hasher.update(password.as_bytes());
        let key: [u8; 32] = hasher.finalize().into();
        // Errors (a failed blocking task) are not cached; both verdicts are.
        let verify = async {
            self.hashes.fetch_add(1, Ordering::Relaxed);
            verify_blocking(phc.to_owned(), password.to_owned()).await
        };
        self.verified
            .try_get_with(key, verify)
            .await
            .map_err(DomainError::internal)
    }
}

fn allowed(user: ApiUser, api: Api) -> Result<Principal, Refusal> {
    if user.apis.contains(api) {
        Ok(Principal::from(user))
    } else {
        Err(Refusal::ApiNotAllowed)
    }
}

/// argon2 takes tens of milliseconds of CPU: keep it off the request threads.
async fn verify_blocking(phc: String, password: String) -> Result<bool, DomainError> {
    tokio::task::spawn_blocking(move || verify_password(&phc, &password))
        .await
        .map_err(DomainError::internal)
}

pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
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
    fn hashes_are_argon2id_and_verify() {
        let phc = hash_password("s3cret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password(&phc, "s3cret"));
        assert!(!verify_password(&phc, "s3creT"));
        assert!(!verify_password("not a hash", "s3cret"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_checks_share_one_hash_and_verdicts_are_cached() {
        let auth = std::sync::Arc::new(Authenticator::new(Duration::from_secs(60)));
        let phc = hash_password("s3cret").unwrap();
        let burst: Vec<_> = (0..8)
            .map(|_| {
                let (auth, phc) = (auth.clone(), phc.clone());
                tokio::spawn(async move { auth.check_password(&phc, "s3cret").await })
            })
            .collect();
        for check in burst {
            assert!(check.await.unwrap().unwrap());
        }
        assert_eq!(auth.hashes_verified(), 1);
        // A wrong password is hashed once too, then refused from the cache.
        assert!(!auth.check_password(&phc, "wrong").await.unwrap());
        assert!(!auth.check_password(&phc, "wrong").await.unwrap());
        assert!(auth.check_password(&phc, "s3cret").await.unwrap());
        assert_eq!(auth.hashes_verified(), 2);
    }

    #[test]
    fn api_key_hashes_are_stable_hex() {
        assert_eq!(hash_api_key("abc").len(), 64);
        assert_eq!(hash_api_key("abc"), hash_api_key("abc"));
        assert_ne!(hash_api_key("abc"), hash_api_key("abd"));
    }
}
