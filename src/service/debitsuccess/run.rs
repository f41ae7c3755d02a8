//! How every Debitsuccess operation runs (docs/design.md §6.1): credentials first (02, never saying
//! which part was wrong), then — in one transaction — the stored reply of a repeated request
//! `Id`, the operation's own rules and effects (its audit row included), and the reply
//! stored under the `Id`. Business failures are replies too ("Business outcomes are HTTP
//! 200 with `Status`"), so they are stored and replayed like successes; a storage outage
//! is answered (01/11) but never stored, so a retry is judged afresh.

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::store::{IdempotencyRecord, StoredReply, Tx};
use crate::domain::tenant::TimeZone;
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::auth::Attempt;
use crate::service::Services;

use super::command::{Arrival, RequestBase};
use super::rules::{self, Warning};

/// What an operation came to, for the adapter to render.
#[derive(Debug)]
pub struct Answer<T> {
    /// When the message was processed (`DateCreated`).
    pub at: DateTime<Utc>,
    /// The caller's tenant's zone; the default zone before the caller is known.
    pub zone: TimeZone,
    /// Accumulated warnings, in rule order.
    pub warnings: Vec<Warning>,
    pub result: Result<T, DomainError>,
}

/// The message's identity for replays: its operation, the client's `Id` and a fingerprint
/// of its data fields. Reads pass `None` (a read is safe to repeat and must stay fresh).
pub struct Replay {
    pub fingerprint: String,
}

impl Replay {
    pub fn new(operation: &'static str, fields: &[Option<&str>]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(operation.as_bytes());
        for field in fields {
            match field {
                None => hasher.update([0u8]),
                Some(text) => {
                    hasher.update([1u8]);
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
            }
        }
        Self {
            fingerprint: hex::encode(hasher.finalize()),
        }
    }
}

/// The context the operation's work is given.
pub struct Call<'a> {
    pub principal: &'a Principal,
    pub now: DateTime<Utc>,
    pub warnings: &'a mut Vec<Warning>,
}

/// Runs one operation. `Err` only for internal errors (the adapter's server fault); every
/// other outcome, storage outages included, is an answer rendered by `render`.
pub async fn run<T, D>(
    services: &Services,
    base: &RequestBase,
    arrival: &Arrival,
    replay: Option<Replay>,
    work: impl AsyncFnOnce(&mut dyn Tx, Call<'_>) -> Result<T, DomainError>,
    render: impl Fn(&Answer<T>) -> D,
) -> Result<D, DomainError>
where
    D: Serialize + DeserializeOwned,
{
    let now = services.clock.now();
    let answer = |zone: TimeZone, warnings: Vec<Warning>, result| Answer {
        at: now,
        zone,
        warnings,
        result,
    };
    let principal = match authenticate(services, base, arrival).await {
        Ok(principal) => principal,
        Err(error) => return unstored(&render, answer(TimeZone::default(), vec![], Err(error))),
    };
    let zone = principal.tenant.time_zone;
    let mut tx = match services.store.begin().await {
        Ok(tx) => tx,
        Err(error) => return unstored(&render, answer(zone, vec![], Err(error))),
    };
    let key = replay
        .as_ref()
        .and_then(|_| rules::present(base.message_id.as_deref()))
        .map(message_key);
    if let (Some(key), Some(replay)) = (&key, &replay) {
        match tx
            .idempotency_record(principal.tenant.id, principal.user_id, key, now)
            .await
        {
            Ok(Some(found)) => return replayed(&render, found, replay, zone, now),
            Ok(None) => {}
            Err(error) => return unstored(&render, answer(zone, vec![], Err(error))),
        }
    }
    let mut warnings = Vec::new();
    let call = Call {
        principal: &principal,
        now,
        warnings: &mut warnings,
    };
    let result = work(tx.as_mut(), call).await;
    if let Err(DomainError::Unavailable(_) | DomainError::Internal(_)) = &result {
        return unstored(&render, answer(zone, warnings, result));
    }
    let doc = render(&answer(zone, warnings, result));
    if let (Some(key), Some(replay)) = (&key, &replay) {
        let ttl =
            Duration::from_std(services.settings.idempotency_ttl).unwrap_or(Duration::hours(24));
        // The reply's fields as JSON, rendered again in whichever SOAP version or format asks.
        let record = IdempotencyRecord {
            request_hash: replay.fingerprint.clone(),
            reply: StoredReply {
                status: 200,
                content_type: "application/json".to_owned(),
                body: serde_json::to_string(&doc).map_err(DomainError::internal)?,
            },
            expires_at: now + ttl,
        };
        match tx
            .claim_idempotency_key(principal.tenant.id, principal.user_id, key, &record, now)
            .await
        {
            Ok(None) => {}
            // A concurrent duplicate committed first: drop our effects, answer as it did.
            Ok(Some(winner)) => {
                drop(tx);
                return replayed(&render, winner, replay, zone, now);
            }
            Err(error) => return unstored(&render, answer(zone, vec![], Err(error))),
        }
    }
    let enqueued = tx.enqueued_jobs();
    match tx.commit().await {
        Ok(()) => {
            if enqueued {
                services.jobs_ready.notify_one();
            }
            Ok(doc)
        }
        Err(error) => unstored(&render, answer(zone, vec![], Err(error))),
    }
}

/// 02 for anything wrong with `User`: missing, unknown user, wrong password, no API access.
async fn authenticate(
    services: &Services,
    base: &RequestBase,
    arrival: &Arrival,
) -> Result<Principal, DomainError> {
    let user = base.user.as_ref();
    let attempt = Attempt {
        username: user.and_then(|u| u.username.as_deref()).unwrap_or(""),
        password: user.and_then(|u| u.password.as_deref()).unwrap_or(""),
        source: arrival.client,
    };
    services
        .auth
        .password(services.store.as_ref(), attempt, Api::Debitsuccess)
        .await
}

/// The key in the shared Idempotency-Key store (docs/design.md §7), which already scopes keys by
/// tenant and user: a namespace plus a fixed-width hash of the client's `Id` (an unbounded
/// `xs:string`), so it never meets a REST client's own keys.
fn message_key(id: &str) -> String {
    format!(
        "debitsuccess-request-id:{}",
        hex::encode(Sha256::digest(id.as_bytes()))
    )
}

fn unstored<T, D>(render: &impl Fn(&Answer<T>) -> D, answer: Answer<T>) -> Result<D, DomainError> {
    match answer.result {
        Err(DomainError::Internal(cause)) => Err(DomainError::Internal(cause)),
        _ => Ok(render(&answer)),
    }
}

fn replayed<T, D: DeserializeOwned>(
    render: &impl Fn(&Answer<T>) -> D,
    found: IdempotencyRecord,
    replay: &Replay,
    zone: TimeZone,
    now: DateTime<Utc>,
) -> Result<D, DomainError> {
    // The fingerprint covers the operation, so another operation under the same Id differs.
    if found.request_hash == replay.fingerprint {
        return serde_json::from_str(&found.reply.body).map_err(DomainError::internal);
    }
    Ok(render(&Answer {
        at: now,
        zone,
        warnings: vec![],
        result: Err(DomainError::rule(
            rules::ID_REUSED,
            "Failed to complete the process: this request Id was already used for a different request",
        )),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_absent_from_empty_and_fields_apart() {
        let a = Replay::new("Op", &[Some("ab"), Some("c")]).fingerprint;
        let b = Replay::new("Op", &[Some("a"), Some("bc")]).fingerprint;
        let c = Replay::new("Op", &[None, Some("c")]).fingerprint;
        let d = Replay::new("Op", &[Some(""), Some("c")]).fingerprint;
        let e = Replay::new("Other", &[Some("ab"), Some("c")]).fingerprint;
        let all = [&a, &b, &c, &d, &e];
        for (i, x) in all.iter().enumerate() {
            for y in all.iter().skip(i + 1) {
                assert_ne!(x, y);
            }
        }
        assert_eq!(a, Replay::new("Op", &[Some("ab"), Some("c")]).fingerprint);
    }

    #[test]
    fn message_keys_are_fixed_width_and_namespaced() {
        let short = message_key("x");
        assert!(short.starts_with("debitsuccess-request-id:"), "{short}");
        assert_eq!(short.len(), "debitsuccess-request-id:".len() + 64);
        assert_eq!(message_key(&"x".repeat(10_000)).len(), short.len());
        assert_ne!(message_key("x"), message_key("y"));
    }
}
