//! `Idempotency-Key` for REST mutations (docs/design.md §7): the first reply is stored and replayed
//! for 24 h; reuse with another request is refused; a concurrent duplicate waits (on the
//! key's unique index, PostgreSQL) or queues (SQLite's single writer) and then replays —
//! never applied twice.
//!
//! The key is recorded in the use-case's own transaction, so "effect committed" and "reply
//! stored" are one fact. Business refusals roll back and are not stored: a retry after a
//! refusal is evaluated afresh.

use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::domain::store::{IdempotencyRecord, StoredReply, Tx};
use crate::domain::user::Principal;
use crate::domain::DomainError;

use super::Services;

/// Rule id adapters map to their own "key reused with another request" error.
pub const KEY_REUSED: &str = "idempotency_key_reused";

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

/// Runs `work` in one transaction and renders its reply; with a key, records or replays.
pub async fn execute<O>(
    services: &Services,
    principal: &Principal,
    idempotency: Option<&IdempotentRequest>,
    work: impl AsyncFnOnce(&mut dyn Tx) -> Result<O, DomainError>,
    render: impl FnOnce(&O) -> StoredReply,
) -> Result<StoredReply, DomainError> {
    let now = services.clock.now();
    let mut tx = services.store.begin().await?;
    if let Some(idem) = idempotency {
        if let Some(found) = tx
            .idempotency_record(principal.tenant.id, principal.user_id, &idem.key, now)
            .await?
        {
            return replay(found, idem);
        }
    }
    let outcome = work(tx.as_mut()).await?;
    let reply = render(&outcome);
    if let Some(idem) = idempotency {
        let ttl =
            Duration::from_std(services.settings.idempotency_ttl).unwrap_or(Duration::hours(24));
        let record = IdempotencyRecord {
            request_hash: idem.request_hash.clone(),
            reply: reply.clone(),
            expires_at: now + ttl,
        };
        if let Some(winner) = tx
            .claim_idempotency_key(
                principal.tenant.id,
                principal.user_id,
                &idem.key,
                &record,
                now,
            )
            .await?
        {
            // A concurrent duplicate committed first: drop our effects, answer as it did.
            drop(tx);
            return replay(winner, idem);
        }
    }
    let enqueued = tx.enqueued_jobs();
    tx.commit().await?;
    if enqueued {
        services.jobs_ready.notify_one();
    }
    Ok(reply)
}

fn replay(found: IdempotencyRecord, idem: &IdempotentRequest) -> Result<StoredReply, DomainError> {
    if found.request_hash == idem.request_hash {
        Ok(found.reply)
    } else {
        Err(DomainError::rule(
            KEY_REUSED,
            "this Idempotency-Key was already used with a different request",
        ))
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
