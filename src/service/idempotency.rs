//! `Idempotency-Key` for REST mutations (docs/design.md §7): the first reply is stored and replayed
//! for 24 h; reuse with another request is refused; a concurrent duplicate waits (on the
//! key's unique index, PostgreSQL) or queues (SQLite's single writer) and then replays —
//! never applied twice.
//!
//! The key is recorded in the use-case's own transaction, so "effect committed" and "reply
//! stored" are one fact. Business refusals roll back and are not stored: a retry after a
//! refusal is evaluated afresh.

use sha2::{Digest, Sha256};

use crate::domain::rules::IdempotencyRule;
use crate::domain::store::{StoredReply, Tx, UnitFuture};
use crate::domain::user::Principal;
use crate::domain::DomainError;

use super::unit_of_work::{ReplayKey, Settle, Written};
use super::Services;

/// A validated key with the fingerprint of the request it came with.
#[derive(Clone, Debug)]
pub struct IdempotentRequest {
    key: String,
    request_hash: String,
}

impl IdempotentRequest {
    /// 1–255 visible ASCII characters (the IETF draft's recommendation of a UUID fits).
    pub fn new(key: &str, method: &str, path: &str, body: &[u8]) -> Result<Self, DomainError> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                "must be 1-255 visible ASCII characters",
            ));
        }
        let mut hasher = Sha256::new();
        for part in [method.as_bytes(), path.as_bytes(), body] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        Ok(Self {
            key: key.to_owned(),
            request_hash: hex::encode(hasher.finalize()),
        })
    }
}

/// Runs `work` as one unit of work (`unit_of_work.rs`) and renders its reply; with a key,
/// records it or replays the one recorded. A refusal rolls back and is not recorded.
pub async fn execute<O, W>(
    services: &Services,
    principal: &Principal,
    idempotency: Option<&IdempotentRequest>,
    work: W,
    render: impl FnOnce(&O) -> StoredReply + Send + 'static,
) -> Result<StoredReply, DomainError>
where
    O: Send + 'static,
    W: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, O> + Send + 'static,
{
    let replay = idempotency.map(|idem| ReplayKey {
        key: idem.key.clone(),
        fingerprint: idem.request_hash.clone(),
    });
    let settle = move |outcome: Result<O, DomainError>| match outcome {
        Ok(outcome) => Settle::Commit(render(&outcome)),
        Err(error) => Settle::RollBack(Err(error)),
    };
    match services
        .write_replayable(principal, replay, work, settle)
        .await?
    {
        Written::Fresh(reply) | Written::Replayed(reply) => Ok(reply),
        Written::Reused => Err(DomainError::rule(
            IdempotencyRule::KeyReused,
            "this Idempotency-Key was already used with a different request",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_cover_method_path_and_body() {
        let a = IdempotentRequest::new("k1", "POST", "/x", b"{}").unwrap();
        let b = IdempotentRequest::new("k1", "POST", "/x", b"{ }").unwrap();
        let c = IdempotentRequest::new("k1", "DELETE", "/x", b"{}").unwrap();
        assert_ne!(a.request_hash, b.request_hash);
        assert_ne!(a.request_hash, c.request_hash);
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        let d = IdempotentRequest::new("k", "PO", "ST/x", b"").unwrap();
        let e = IdempotentRequest::new("k", "POST", "/x", b"").unwrap();
        assert_ne!(d.request_hash, e.request_hash);
    }

    #[test]
    fn keys_are_bounded_visible_ascii() {
        assert!(IdempotentRequest::new("", "POST", "/", b"").is_err());
        assert!(IdempotentRequest::new("has space", "POST", "/", b"").is_err());
        assert!(IdempotentRequest::new(&"k".repeat(256), "POST", "/", b"").is_err());
        assert!(IdempotentRequest::new("7f0c-uuid-like", "POST", "/", b"").is_ok());
    }
}
