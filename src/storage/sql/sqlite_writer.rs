//! SQLite's one writer (docs/architecture.md "The write path"). The write connection lives
//! on one thread; a unit of work is sent there once and runs to its end there, its
//! statements executed in place (`exec.rs`) rather than handed to a driver thread one by
//! one. Every unit waiting when the thread is free goes into one transaction, each inside
//! its own SAVEPOINT: a unit that fails (a rule, a constraint conflict, an error, a panic)
//! is rolled back alone and gets its own answer. The transaction then commits once — one
//! fsync for the batch under `synchronous = FULL` — and only then is every caller answered.
//!
//! rusqlite drives this one connection; sqlx keeps the readers and the migrations. sqlx's
//! SQLite connections run each statement on a worker thread of their own (two thread
//! wake-ups per statement, about six statements per request), which measured as the
//! bulk of a write's cost (BENCHMARKS.md, issue 15).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::domain::store::{Batching, Committed, Unit};
use crate::domain::{DomainError, Unavailability};

use super::errors::lite_error;
use super::exec::Conn;
use super::sqlite_checkpoint;
use super::{SqlTx, Sqlite};

/// Units in one transaction at most: bounds the latency a unit adds to the batch's others.
const MAX_BATCH: usize = 256;

/// SQLite's `synchronous` for the write connection (docs/operations.md "Durability").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    /// An acknowledged write survives power loss: the WAL is synced at every commit.
    #[default]
    Full,
    /// Survives a crash of the process, not of the machine: the last commits before a
    /// power cut may be lost. Only by explicit setting.
    Normal,
}

impl Synchronous {
    pub fn as_str(self) -> &'static str {
        match self {
            Synchronous::Full => "full",
            Synchronous::Normal => "normal",
        }
    }
}

type Answer = Result<Committed, DomainError>;

/// What the writer's thread is sent.
enum Message {
    Unit(Job),
    /// The store is closing: the units sent before are served, then the thread checkpoints,
    /// closes its connection and says so.
    Close(oneshot::Sender<()>),
}

struct Job {
    unit: Unit,
    /// Alone in its transaction (`Store::write_bulk`).
    bulk: bool,
    answer: oneshot::Sender<Answer>,
    /// `QUEUED`, then `STARTED` by the writer or `ABANDONED` by a caller that stopped
    /// waiting — whichever comes first: a unit either runs and is answered, or never runs.
    state: Arc<AtomicU8>,
}

const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

/// The handle the store keeps; the thread ends when it is closed or dropped.
pub(crate) struct Writer {
    jobs: mpsc::Sender<Message>,
    stats: Arc<Stats>,
    /// How long a unit may wait for the thread before its caller is told "busy, retry"
    /// (the pool's acquire time-out, as for a connection on PostgreSQL).
    wait: Duration,
}

/// Counted by the writer thread, read by `Store::batching`.
#[derive(Default)]
struct Stats {
    commits: AtomicU64,
    units: AtomicU64,
    largest: AtomicU64,
}

/// Commits of the writer and the units they carried (kept or rolled back to their
/// savepoint), for `/metrics`: their ratio is the mean batch size, and the crash test reads
/// them to know that batching happened under its load.
pub const COMMITS_METRIC: &str = "billing_compat_sqlite_commits_total";
pub const UNITS_METRIC: &str = "billing_compat_sqlite_batched_units_total";

impl Writer {
    /// Opens the write connection at `path` and starts its thread.
    pub(crate) fn start(
        url: &str,
        synchronous: Synchronous,
        wait: Duration,
    ) -> Result<Self, DomainError> {
        let path = file_of(url)?;
        let conn = open(&path, synchronous, wait)?;
        let checkpoints = sqlite_checkpoint::start(&path, wait)?;
        let (jobs, queue) = mpsc::channel::<Message>();
        let stats = Arc::new(Stats::default());
        let counted = stats.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(DomainError::internal)?;
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || serve(conn, queue, runtime, &counted, checkpoints))
            .map_err(DomainError::internal)?;
        Ok(Self { jobs, stats, wait })
    }

    pub(crate) fn batching(&self) -> Batching {
        Batching {
            commits: self.stats.commits.load(Ordering::Relaxed),
            units: self.stats.units.load(Ordering::Relaxed),
            largest: self.stats.largest.load(Ordering::Relaxed),
        }
    }

    pub(crate) async fn run(&self, unit: Unit, bulk: bool) -> Answer {
        let stopped =
            || DomainError::unavailable(Unavailability::Down, "the SQLite writer has stopped");
        let (answer, mut answered) = oneshot::channel();
        let state = Arc::new(AtomicU8::new(QUEUED));
        self.jobs
            .send(Message::Unit(Job {
                unit,
                bulk,
                answer,
                state: state.clone(),
            }))
            .map_err(|_| stopped())?;
        tokio::select! {
            answer = &mut answered => return answer.map_err(|_| stopped())?,
            _ = tokio::time::sleep(self.wait) => {}
        }
        if state
            .compare_exchange(QUEUED, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            // Never started, and now never will: nothing of it can be committed.
            return Err(DomainError::unavailable(
                Unavailability::Busy,
                format!(
                    "timed out after {} ms waiting for the SQLite writer (busy)",
                    self.wait.as_millis()
                ),
            ));
        }
        // Started: its commit (or rollback) is on the way.
        answered.await.map_err(|_| stopped())?
    }

    /// Ends the thread after the units already sent, a final checkpoint and the close of
    /// its connection; returns once that is done (at once if the thread has ended).
    pub(crate) async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.jobs.send(Message::Close(done)).is_ok() {
            let _ = closed.await;
        }
    }
}

/// The file a `sqlite:` URL names. An in-memory database cannot be shared between the
/// writer and the readers, so it is refused.
pub(crate) fn file_of(url: &str) -> Result<String, DomainError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") || url.contains("mode=memory") {
        return Err(DomainError::invalid(
            "database URL",
            "SQLite needs a file (e.g. sqlite://billing-compat.db): an in-memory database cannot be shared by the writer and the readers",
        ));
    }
    Ok(path.to_owned())
}

fn open(
    path: &str,
    synchronous: Synchronous,
    busy: Duration,
) -> Result<rusqlite::Connection, DomainError> {
    let conn = rusqlite::Connection::open(path).map_err(lite_error)?;
    // Another process holding the file's write lock (an `import`) is waited for as long as a
    // caller waits for the thread, no longer.
    conn.busy_timeout(busy).map_err(lite_error)?;
    conn.set_prepared_statement_cache_capacity(256);
    conn.execute_batch(&format!(
        // No automatic checkpoint in the commit: `sqlite_checkpoint.rs` runs them beside.
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; \
         PRAGMA wal_autocheckpoint = 0;",
        synchronous.as_str()
    ))
    .map_err(lite_error)?;
    Ok(conn)
}

fn serve(
    mut conn: rusqlite::Connection,
    queue: mpsc::Receiver<Message>,
    runtime: tokio::runtime::Runtime,
    stats: &Stats,
    checkpoints: sqlite_checkpoint::Checkpoints,
) {
    let mut held: Option<Message> = None;
    let closed = loop {
        let first = match held.take().map_or_else(|| queue.recv().ok(), Some) {
            Some(Message::Unit(job)) => job,
            Some(Message::Close(done)) => break Some(done),
            None => break None, // the store is gone
        };
        if !start(&first) {
            continue;
        }
        let mut batch = vec![first];
        if !batch[0].bulk {
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(Message::Unit(job)) if job.bulk => {
                        held = Some(Message::Unit(job));
                        break;
                    }
                    Ok(Message::Unit(job)) if start(&job) => batch.push(job),
                    Ok(Message::Unit(_)) => {} // its caller stopped waiting
                    Ok(close) => {
                        held = Some(close);
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
        checkpoints.restart_if_asked(&conn);
        if let Some(commits) = run_batch(&mut conn, &runtime, batch, stats) {
            checkpoints.committed(commits);
        }
    };
    // The checkpointer's last checkpoint, then the writer's own: with every other connection
    // closed, TRUNCATE empties the WAL, and closing the last connection removes it.
    checkpoints.finish();
    if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
        tracing::warn!(%error, "final WAL checkpoint failed");
    }
    if let Err((_, error)) = conn.close() {
        tracing::warn!(%error, "closing the SQLite write connection failed");
    }
    if let Some(done) = closed {
        let _ = done.send(());
    }
}

/// Claims `job` for this thread; false when its caller gave up waiting first.
fn start(job: &Job) -> bool {
    job.state
        .compare_exchange(QUEUED, STARTED, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

/// Runs `batch` in one transaction; true when it committed.
fn run_batch(
    conn: &mut rusqlite::Connection,
    runtime: &tokio::runtime::Runtime,
    batch: Vec<Job>,
    stats: &Stats,
) -> Option<u64> {
    let count = batch.len() as u64;
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        let error = lite_error(error);
        for job in batch {
            let _ = job.answer.send(Err(copy_error(&error)));
        }
        return None;
    }
    let units = batch.len();
    let mut answers = Vec::with_capacity(units);
    let mut broken: Option<DomainError> = None;
    for job in batch {
        if broken.is_some() {
            answers.push((job.answer, None));
            continue;
        }
        match run_unit(conn, runtime, job.unit, job.bulk) {
            // Some errors (a full disk, I/O) make SQLite roll the whole transaction back: the
            // units before this one are gone too, so none of the batch may be acknowledged.
            Ok(_) if conn.is_autocommit() => {
                broken = Some(DomainError::unavailable(
                    Unavailability::Down,
                    "SQLite rolled the batch's transaction back",
                ));
                answers.push((job.answer, None));
            }
            Ok(outcome) => answers.push((job.answer, Some(outcome))),
            // The unit's savepoint could not be closed: its effects may still be in the
            // transaction, so nothing of this batch may commit.
            Err(error) => {
                broken = Some(error);
                answers.push((job.answer, None));
            }
        }
    }
    let committed = match broken {
        Some(error) => Err(error),
        None => conn.execute_batch("COMMIT").map_err(lite_error),
    };
    match committed {
        Ok(()) => {
            // Counted before anyone is answered: a caller that reads `Store::batching()`
            // after its answer sees its own commit.
            let commits = stats.commits.fetch_add(1, Ordering::Relaxed) + 1;
            stats.units.fetch_add(count, Ordering::Relaxed);
            stats.largest.fetch_max(count, Ordering::Relaxed);
            metrics::counter!(COMMITS_METRIC).increment(1);
            metrics::counter!(UNITS_METRIC).increment(count);
            for (answer, outcome) in answers {
                let outcome = outcome.unwrap_or_else(|| {
                    Err(DomainError::internal(
                        "a unit was skipped in a committed batch",
                    ))
                });
                let _ = answer.send(outcome);
            }
            Some(commits)
        }
        Err(error) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            for (answer, outcome) in answers {
                // A unit's own failure stays its answer; the others learn the commit failed.
                let own = match outcome {
                    Some(Err(own)) if !matches!(own, DomainError::Internal(_)) => own,
                    _ => copy_error(&error),
                };
                let _ = answer.send(Err(own));
            }
            None
        }
    }
}

/// One unit inside its savepoint: released when the unit keeps its effects, rolled back
/// to (alone) when it fails or discards them. The outer `Err`: the savepoint could not be
/// opened or closed, and the batch cannot commit.
fn run_unit(
    conn: &mut rusqlite::Connection,
    runtime: &tokio::runtime::Runtime,
    unit: Unit,
    bulk: bool,
) -> Result<Answer, DomainError> {
    if !bulk {
        conn.execute_batch("SAVEPOINT unit").map_err(lite_error)?;
    }
    let (settled, enqueued, evented) = {
        let mut tx = SqlTx::<Sqlite>::on(Conn::Lite(conn));
        let settled =
            std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(unit(&mut tx))));
        (settled, tx.enqueued, tx.evented)
    };
    let settled = match settled {
        Ok(settled) => settled,
        Err(_) => Err(DomainError::internal("a unit of work panicked")),
    };
    let keep = matches!(&settled, Ok(s) if s.keep);
    if !conn.is_autocommit() {
        match (keep, bulk) {
            (true, false) => conn.execute_batch("RELEASE unit"),
            (false, false) => conn.execute_batch("ROLLBACK TO unit; RELEASE unit"),
            // A bulk load is alone in its transaction: the batch's commit ends it, or it is
            // rolled back here and a fresh (empty) transaction stands in for the commit.
            (true, true) => Ok(()),
            (false, true) => conn.execute_batch("ROLLBACK; BEGIN IMMEDIATE"),
        }
        .map_err(lite_error)?;
    }
    Ok(settled.map(|settled| Committed {
        value: settled.value,
        enqueued_jobs: keep && enqueued,
        recorded_events: keep && evented,
    }))
}

/// The batch's failure, for each of its units: "unavailable", of the failure's own kind when
/// it was one (a locked database stays `Busy`: Debitsuccess answers 11, not 01), else
/// `Down`; the cause's text is kept for the logs.
fn copy_error(error: &DomainError) -> DomainError {
    let kind = match error {
        DomainError::Unavailable { kind, .. } => *kind,
        _ => Unavailability::Down,
    };
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    DomainError::unavailable(kind, text)
}
