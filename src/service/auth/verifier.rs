//! The argon2 verifications, bounded (issue 13 row 1; docs/operations.md "Credential checks
//! under attack").
//!
//! Each verification of a default argon2id hash fills 19 MiB and takes ~20 ms of a core.
//! Run on `spawn_blocking` without a bound, 64 guessing connections kept hundreds of them
//! in flight (7.6 GB resident, the real integration starved). Here at most `slots` run at
//! once, each on a memory block reused from a pool of at most `slots` blocks; a check that
//! cannot start within `wait` is refused as [`Saturated`] (the vendor's "busy, retry"),
//! never as a wrong password.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

/// No verification slot became free in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saturated;

pub struct Verifier {
    slots: Arc<Semaphore>,
    wait: Duration,
    /// Idle argon2 work areas: at most one per slot ever exists.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Verifier {
    /// `slots` = 0 means one per core.
    pub fn new(slots: usize, wait: Duration) -> Self {
        let slots = if slots == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            slots
        };
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            wait,
            memory: Arc::new(Mutex::new(Vec::with_capacity(slots))),
        }
    }

    /// Does `password` match the PHC string `phc`? An unreadable PHC string never matches.
    pub async fn verify(&self, phc: &str, password: &str) -> Result<bool, Saturated> {
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| Saturated)?
            .map_err(|_| Saturated)?;
        let (phc, password, memory) = (phc.to_owned(), password.to_owned(), self.memory.clone());
        let verdict = tokio::task::spawn_blocking(move || {
            let mut blocks = memory.lock().map(|mut idle| idle.pop()).unwrap_or(None);
            let verdict = verify_with(&phc, password.as_bytes(), &mut blocks);
            if let (Some(blocks), Ok(mut idle)) = (blocks, memory.lock()) {
                idle.push(blocks);
            }
            drop(permit);
            verdict
        })
        .await;
        // A panic inside argon2 would be a bug; it is no match, never a crash.
        Ok(verdict.unwrap_or(false))
    }
}

/// The PHC string's own algorithm, version and parameters, hashed into `blocks` (grown
/// when too small, and kept for the next check).
fn verify_with(phc: &str, password: &[u8], blocks: &mut Option<Vec<Block>>) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let needed = params.block_count();
    let blocks = blocks.get_or_insert_with(Vec::new);
    if blocks.len() < needed {
        blocks.resize(needed, Block::default());
    }
    let mut out = [0u8; Output::MAX_LENGTH];
    let out = &mut out[..expected.len()];
    let argon2 = Argon2::new(algorithm, version, params);
    if argon2
        .hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(out).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::auth::hash_password;

    #[tokio::test]
    async fn verifies_like_the_argon2_crate_and_reuses_its_memory() {
        let verifier = Verifier::new(1, Duration::from_secs(5));
        let phc = hash_password("s3cret").unwrap();
        assert_eq!(verifier.verify(&phc, "s3cret").await, Ok(true));
        assert_eq!(verifier.verify(&phc, "s3creT").await, Ok(false));
        assert_eq!(verifier.verify("not a hash", "s3cret").await, Ok(false));
        assert_eq!(verifier.memory.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn other_parameters_and_algorithms_verify_too() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap();
        let verifier = Verifier::new(1, Duration::from_secs(5));
        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d, Algorithm::Argon2id] {
            let params = Params::new(8192, 3, 2, Some(24)).unwrap();
            let phc = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            assert_eq!(verifier.verify(&phc, "pw").await, Ok(true), "{phc}");
            assert_eq!(verifier.verify(&phc, "px").await, Ok(false), "{phc}");
        }
    }

    #[tokio::test]
    async fn a_check_that_cannot_start_in_time_is_saturated_not_false() {
        let verifier = Verifier::new(1, Duration::from_millis(20));
        let held = verifier.slots.clone().acquire_owned().await.unwrap();
        let phc = hash_password("s3cret").unwrap();
        assert_eq!(verifier.verify(&phc, "s3cret").await, Err(Saturated));
        drop(held);
        assert_eq!(verifier.verify(&phc, "s3cret").await, Ok(true));
    }
}
