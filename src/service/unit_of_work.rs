//! The one way a use-case writes (docs/architecture.md "The write path"): the use-case is a
//! unit of work over `&mut dyn Tx` that the store runs where its connection lives, in one
//! transaction with its audit row, answered only after the commit; the job worker is woken
//! when the commit left work on the queue. With a replay key (a REST `Idempotency-Key`, a
//! Debitsuccess request `Id`; docs/design.md §7) the same unit first looks for the stored
//! reply, and records its own reply in the same transaction — "effect committed" and "reply
//! stored" are one fact.

use chrono::Duration;

use crate::domain::store::{self, IdempotencyRecord, Kept, StoredReply, Tx, UnitFuture};
use crate::domain::user::Principal;
use crate::domain::DomainError;

use super::Services;

/// A stored reply's key (already namespaced per API) and the request's fingerprint.
#[derive(Clone, Debug)]
pub struct ReplayKey {
    pub key: String,
    pub fingerprint: String,
}

/// A reply that can be stored under a replay key and given back.
pub trait Reply: Sized + Send + 'static {
    fn to_stored(&self) -> Result<StoredReply, DomainError>;
    fn from_stored(stored: StoredReply) -> Result<Self, DomainError>;
}

impl Reply for StoredReply {
    fn to_stored(&self) -> Result<StoredReply, DomainError> {
        Ok(self.clone())
    }
    fn from_stored(stored: StoredReply) -> Result<Self, DomainError> {
        Ok(stored)
    }
}

/// What becomes of the work's result.
pub enum Settle<R> {
    /// Commit the effects with this reply (stored under the replay key, when given).
    Commit(R),
    /// Roll the effects back and answer this, unstored: a retry is judged afresh.
    RollBack(Result<R, DomainError>),
}

/// Pins a unit's closure to the shape the store takes, so that its argument and future
/// lifetimes are inferred where it is not passed straight to a `write`.
pub fn unit<O, W>(work: W) -> W
where
    W: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, O> + Send + 'static,
{
    work
}

/// How a replayable write came out.
pub enum Written<R> {
    /// This call's own reply (committed, or rolled back and unstored).
    Fresh(R),
    /// The reply stored for an earlier call with the same key and request.
    Replayed(R),
    /// The key was used before with a different request.
    Reused,
}

impl Services {
    /// Runs `work` as one unit of work; wakes the worker when it enqueued jobs.
    pub async fn write<T, F>(&self, work: F) -> Result<T, DomainError>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, Kept<T>> + Send + 'static,
    {
        let committed = self.store.write(store::erase(work)).await?;
        self.settle(committed)
    }

    /// Like [`Services::write`], for a unit that runs alone in its transaction: a bulk load
    /// (`import`) or the reset (docs/operations.md "Reset").
    pub async fn write_bulk<T, F>(&self, work: F) -> Result<T, DomainError>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, Kept<T>> + Send + 'static,
    {
        let committed = self.store.write_bulk(store::erase(work)).await?;
        self.settle(committed)
    }

    /// A write that may be a replay: with `replay`, one unit looks up the stored reply, or
    /// runs `work`, settles its result and stores the reply under the key.
    pub async fn write_replayable<O, R, W, S>(
        &self,
        principal: &Principal,
        replay: Option<ReplayKey>,
        work: W,
        settle: S,
    ) -> Result<Written<R>, DomainError>
    where
        O: Send + 'static,
        R: Reply,
        W: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, O> + Send + 'static,
        S: FnOnce(Result<O, DomainError>) -> Settle<R> + Send + 'static,
    {
        let now = self.clock.now();
        let ttl = Duration::from_std(self.settings.idempotency_ttl).unwrap_or(Duration::hours(24));
        let (tenant, user) = (principal.tenant.id, principal.user_id);
        let unit_replay = replay.clone();
        let step = self
            .write(move |tx| {
                Box::pin(async move {
                    if let Some(replay) = &unit_replay {
                        if let Some(found) = tx
                            .idempotency_record(tenant, user, &replay.key, now)
                            .await?
                        {
                            return Ok(Kept::discard(Step::Found(found)));
                        }
                    }
                    let reply = match settle(work(&mut *tx).await) {
                        Settle::RollBack(answer) => return Ok(Kept::discard(Step::Own(answer))),
                        Settle::Commit(reply) => reply,
                    };
                    if let Some(replay) = &unit_replay {
                        let record = IdempotencyRecord {
                            request_hash: replay.fingerprint.clone(),
                            reply: reply.to_stored()?,
                            expires_at: now + ttl,
                        };
                        let claimed = tx
                            .claim_idempotency_key(tenant, user, &replay.key, &record, now)
                            .await?;
                        // A concurrent duplicate committed first: drop our effects, answer as it did.
                        if let Some(winner) = claimed {
                            return Ok(Kept::discard(Step::Found(winner)));
                        }
                    }
                    Ok(Kept::commit(Step::Own(Ok(reply))))
                })
            })
            .await?;
        match step {
            Step::Own(answer) => answer.map(Written::Fresh),
            Step::Found(found) => match replay {
                Some(replay) if found.request_hash == replay.fingerprint => {
                    R::from_stored(found.reply).map(Written::Replayed)
                }
                _ => Ok(Written::Reused),
            },
        }
    }
}

impl Services {
    /// After a commit: wakes the feed's readers when it wrote events and the worker when it
    /// enqueued jobs, then gives the unit's value.
    fn settle<T: 'static>(&self, committed: store::Committed) -> Result<T, DomainError> {
        self.wake_feed(committed.recorded_events);
        let (value, enqueued) = store::value_of(committed)?;
        if enqueued {
            self.wake_jobs();
        }
        Ok(value)
    }

    /// After a commit that enqueued work: every lane of this instance's worker starts at
    /// once instead of at its next poll.
    pub fn wake_jobs(&self) {
        self.jobs_ready
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// After a commit that wrote events, wakes this instance's long-polling feed readers
    /// at once (docs/events.md "Long polling"); a commit without events wakes nobody.
    fn wake_feed(&self, recorded_events: bool) {
        if recorded_events {
            self.events_committed
                .send_modify(|count| *count = count.wrapping_add(1));
        }
    }
}

enum Step<R> {
    Own(Result<R, DomainError>),
    Found(IdempotencyRecord),
}
