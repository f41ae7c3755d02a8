//! How every Debitsuccess operation runs (docs/design.md §6.1): credentials first (02, never saying
//! which part was wrong), then — in one transaction — the stored reply of a repeated request
//! `Id`, the operation's own rules and effects (its audit row included), and the reply
//! stored under the `Id`. Business failures are replies too ("Business outcomes are HTTP
//! 200 with `Status`"), so they are stored and replayed like successes; a storage outage
//! is answered (01/11) but never stored, so a retry is judged afresh.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::rules::DebitsuccessRule;
use crate::domain::store::{StoredReply, Tx, UnitFuture};
use crate::domain::tenant::TimeZone;
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::auth::Attempt;
use crate::service::unit_of_work::{unit, ReplayKey, Reply, Settle, Written};
use crate::service::{Origin, Services};

use super::command::RequestBase;
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

/// Who is calling: how the call arrived and, when the envelope's WS-Security header
/// authenticated it ([`super::ws_security`]), as whom.
pub struct Caller<'a> {
    pub origin: &'a Origin,
    pub signed_in: Option<Principal>,
}

/// The context the operation's work is given.
pub struct Context {
    pub principal: Principal,
    pub now: DateTime<Utc>,
    pub warnings: Vec<Warning>,
}

/// Pins an operation's closure to the shape [`run`] takes, so its argument and future
/// lifetimes are inferred.
pub fn operation<T, W>(work: W) -> W
where
    W: for<'t> FnOnce(&'t mut dyn Tx, &'t mut Context) -> UnitFuture<'t, T> + Send + 'static,
{
    work
}

/// The rendered reply, as stored under the request `Id`: its fields as JSON, rendered again
/// in whichever SOAP version or format asks.
struct Doc<D>(D);

impl<D: Serialize + DeserializeOwned + Send + 'static> Reply for Doc<D> {
    fn to_stored(&self) -> Result<StoredReply, DomainError> {
        Ok(StoredReply {
            status: 200,
            content_type: "application/json".to_owned(),
            body: serde_json::to_string(&self.0).map_err(DomainError::internal)?,
        })
    }
    fn from_stored(stored: StoredReply) -> Result<Self, DomainError> {
        serde_json::from_str(&stored.body)
            .map(Doc)
            .map_err(DomainError::internal)
    }
}

/// Runs one operation. `replay: None` is a read, on a read snapshot; `Some` a write, one unit
/// of work (`service::unit_of_work`) replayed by the message's `Id` when it has one. `Err`
/// only for internal errors (the adapter's server fault); every other outcome, storage
/// outages included, is an answer rendered by `render`.
pub async fn run<T, D, W, R>(
    services: &Services,
    base: &RequestBase,
    caller: Caller<'_>,
    replay: Option<Replay>,
    work: W,
    render: R,
) -> Result<D, DomainError>
where
    T: Send + 'static,
    D: Serialize + DeserializeOwned + Send + 'static,
    W: for<'t> FnOnce(&'t mut dyn Tx, &'t mut Context) -> UnitFuture<'t, T> + Send + 'static,
    R: Fn(&Answer<T>) -> D + Clone + Send + 'static,
{
    let now = services.clock.now();
    let answer = move |zone: TimeZone, warnings: Vec<Warning>, result| Answer {
        at: now,
        zone,
        warnings,
        result,
    };
    let principal = match authenticate(services, base, caller).await {
        Ok(principal) => principal,
        Err(error) => return unstored(&render, answer(TimeZone::default(), vec![], Err(error))),
    };
    let zone = principal.tenant.time_zone;
    let mut call = Context {
        principal: principal.clone(),
        now,
        warnings: Vec::new(),
    };
    let Some(replay) = replay else {
        let mut tx = match services.store.read().await {
            Ok(tx) => tx,
            Err(error) => return unstored(&render, answer(zone, vec![], Err(error))),
        };
        let result = work(tx.as_mut(), &mut call).await;
        return unstored(&render, answer(zone, call.warnings, result));
    };
    let key = rules::present(base.message_id.as_deref()).map(|id| ReplayKey {
        key: message_key(id),
        fingerprint: replay.fingerprint.clone(),
    });
    let unit = unit(move |tx: &mut dyn Tx| {
        Box::pin(async move {
            let result = work(tx, &mut call).await;
            Ok((result, call.warnings))
        })
    });
    let settle_render = render.clone();
    let settle = move |outcome: Result<(Result<T, DomainError>, Vec<Warning>), DomainError>| {
        let (result, warnings) = outcome.unwrap_or_else(|error| (Err(error), vec![]));
        // An outage is answered (01/11) but never stored, so a retry is judged afresh.
        if let Err(DomainError::Unavailable { .. } | DomainError::Internal(_)) = &result {
            return Settle::RollBack(
                unstored(&settle_render, answer(zone, warnings, result)).map(Doc),
            );
        }
        // Business failures are replies too ("Business outcomes are HTTP 200 with
        // `Status`"), stored and replayed like successes.
        Settle::Commit(Doc(settle_render(&answer(zone, warnings, result))))
    };
    match services
        .write_replayable(&principal, key, unit, settle)
        .await
    {
        Ok(Written::Fresh(Doc(doc)) | Written::Replayed(Doc(doc))) => Ok(doc),
        // The fingerprint covers the operation, so another operation under the same Id differs.
        Ok(Written::Reused) => Ok(render(&answer(
            zone,
            vec![],
            Err(DomainError::rule(
                DebitsuccessRule::IdReused,
                "this request Id was already used for a different request",
            )),
        ))),
        Err(error) => unstored(&render, answer(zone, vec![], Err(error))),
    }
}

/// 02 for anything wrong with `User`: missing, unknown user, wrong password, no API access.
/// A caller the WS-Security header signed in needs no `User`; a password the body carries
/// anyway is checked as always, for that user (docs/debitsuccess.md "WS-Security": the
/// usernames were already found to agree).
async fn authenticate(
    services: &Services,
    base: &RequestBase,
    caller: Caller<'_>,
) -> Result<Principal, DomainError> {
    let user = base.user.as_ref();
    let password = user.and_then(|u| u.password.as_deref());
    if let Some(principal) = caller.signed_in {
        let Some(password) = password.filter(|p| !p.is_empty()) else {
            return Ok(principal);
        };
        let attempt = Attempt {
            username: principal.username.as_str(),
            password,
            source: caller.origin.client,
        };
        return services
            .auth
            .password(services.store.as_ref(), attempt, Api::Debitsuccess)
            .await;
    }
    let attempt = Attempt {
        username: user.and_then(|u| u.username.as_deref()).unwrap_or(""),
        password: password.unwrap_or(""),
        source: caller.origin.client,
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
