//! A unit of work (docs/architecture.md "The write path"): everything one use-case reads
//! and writes, its audit row included, as one closure over a [`Tx`] that the store runs
//! where the connection lives. On SQLite that is the writer thread, which puts every unit
//! waiting into one transaction, each in its own savepoint; on PostgreSQL it is a pooled
//! connection's transaction. Either way the caller hears back only after the commit.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use super::Tx;
use crate::domain::DomainError;

/// The future a unit's closure returns: it may borrow the transaction, nothing else.
pub type UnitFuture<'t, T> = Pin<Box<dyn Future<Output = Result<T, DomainError>> + Send + 't>>;

/// A type-erased unit, as the store receives it. Owned (`'static`): on SQLite it runs on
/// another thread, and it must stay valid even if its caller stops waiting.
pub type Unit = Box<dyn for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, Settled> + Send>;

/// What a unit came to, before the commit.
pub struct Settled {
    pub value: Box<dyn Any + Send>,
    /// False: roll this unit's effects back (alone) but still answer with `value` — the
    /// replay of a concurrent duplicate that committed first, say.
    pub keep: bool,
}

/// What the store answers once the unit's transaction has committed (or, for a unit that
/// did not keep its effects, once they were rolled back).
pub struct Committed {
    pub value: Box<dyn Any + Send>,
    /// The unit put work on the durable queue (and kept it): wake the worker.
    pub enqueued_jobs: bool,
    /// The unit wrote (and kept) an event of the feed: wake its long-polling readers.
    pub recorded_events: bool,
}

/// How SQLite's writer has grouped units into commits since the store opened (for tests,
/// `/metrics` and operators: a largest batch of 1 under load means no group commit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batching {
    pub commits: u64,
    pub units: u64,
    pub largest: u64,
}

/// A typed unit's outcome: the value, and whether its effects are kept.
pub struct Kept<T> {
    pub value: T,
    pub keep: bool,
}

impl<T> Kept<T> {
    pub fn commit(value: T) -> Self {
        Self { value, keep: true }
    }
    pub fn discard(value: T) -> Self {
        Self { value, keep: false }
    }
}

/// Erases `work`'s type for [`super::Store::write`].
pub fn erase<T, F>(work: F) -> Unit
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, Kept<T>> + Send + 'static,
{
    Box::new(move |tx: &mut dyn Tx| {
        let future = work(tx);
        Box::pin(async move {
            let kept = future.await?;
            Ok(Settled {
                value: Box::new(kept.value),
                keep: kept.keep,
            })
        })
    })
}

/// The value a unit erased by [`erase::<T, _>`] committed with.
pub fn value_of<T: 'static>(committed: Committed) -> Result<(T, bool), DomainError> {
    let enqueued = committed.enqueued_jobs;
    committed
        .value
        .downcast::<T>()
        .map(|value| (*value, enqueued))
        .map_err(|_| DomainError::internal("a unit of work answered with another type"))
}

/// Runs `work` on `store` as one unit of work: its value, and whether it left work on
/// the durable queue (the caller wakes the worker then, the commit being done).
pub async fn run<T, F>(store: &dyn super::Store, work: F) -> Result<(T, bool), DomainError>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, Kept<T>> + Send + 'static,
{
    value_of(store.write(erase(work)).await?)
}
