//! What SQLite and PostgreSQL do not share: URL handling, session settings, migrations
//! and the job-claim statement.

use sqlx::migrate::Migrator;

pub trait Dialect: Send + Sync + 'static {
    const NAME: &'static str;
    /// SQLite allows one writer at a time: give it a single writer connection so
    /// transactions queue in the pool instead of failing with `SQLITE_BUSY`.
    const SINGLE_WRITER: bool;
    /// Run on every new connection.
    const SESSION_SETUP: &'static [&'static str];
    /// Run at the start of a bulk-load transaction (`Store::begin_bulk`).
    const BULK_SETUP: &'static [&'static str];
    /// Whether the pool pings a connection before handing it out. Each ping is one more
    /// round trip per transaction (issue 9).
    const PING_BEFORE_USE: bool;
    /// Leases due jobs: `$1` worker, `$2` now, `$3` lease end, `$4` limit.
    const CLAIM_JOBS: &'static str;

    fn migrator() -> &'static Migrator;
    fn normalise_url(url: &str) -> String;
}

pub struct Sqlite;
pub struct Postgres;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The claim statement; the dialects differ only in the row lock of the sub-select.
macro_rules! claim_jobs {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $3, ",
            "attempts = attempts + 1, updated_at = $2 ",
            "WHERE id IN (SELECT id FROM jobs ",
            "WHERE (status = 'queued' AND run_at <= $2) OR (status = 'running' AND locked_until < $2) ",
            "ORDER BY run_at LIMIT $4 ",
            $lock,
            ") RETURNING id, tenant_id, kind, payload, attempts, max_attempts"
        )
    };
}

impl Dialect for Sqlite {
    const NAME: &'static str = "sqlite";
    const SINGLE_WRITER: bool = true;
    // WAL lets readers run beside the writer; NORMAL sync is durable against process
    // crashes in WAL mode (only an OS crash can lose the last commits).
    const SESSION_SETUP: &'static [&'static str] = &[
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
    ];
    const CLAIM_JOBS: &'static str = claim_jobs!("");
    // A SQLite connection is a file handle and a thread of our own process: it cannot go
    // stale the way a network connection can, and the ping was a thread hand-off per
    // transaction (a third of the SOAP path's wake-ups, issue 9).
    const PING_BEFORE_USE: bool = false;
    // SQLite plans each statement when it is prepared and re-prepares on schema change;
    // its planner reads no statistics during the import either way.
    const BULK_SETUP: &'static [&'static str] = &[];

    fn migrator() -> &'static Migrator {
        &SQLITE_MIGRATIONS
    }

    /// `sqlite://file.db` → create the file when missing (docs/design.md §4).
    fn normalise_url(url: &str) -> String {
        if url.contains("mode=") || url.contains(":memory:") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        }
    }
}

impl Dialect for Postgres {
    const NAME: &'static str = "postgres";
    const SINGLE_WRITER: bool = false;
    const SESSION_SETUP: &'static [&'static str] = &[];
    // SKIP LOCKED: several instances claim different jobs without waiting on each other.
    const CLAIM_JOBS: &'static str = claim_jobs!("FOR UPDATE SKIP LOCKED");
    // Connections die with the server or the network (docs/design.md §4: recovery without a
    // restart, tested by `reliability::outage`): test each before use.
    const PING_BEFORE_USE: bool = true;
    // After five executions PostgreSQL may switch a prepared statement to a generic plan
    // costed on the table as it was then — empty, at the start of an import — and keep
    // sequential scans while the table grows to millions of rows in the same transaction.
    const BULK_SETUP: &'static [&'static str] = &["SET LOCAL plan_cache_mode = force_custom_plan"];

    fn migrator() -> &'static Migrator {
        &POSTGRES_MIGRATIONS
    }

    fn normalise_url(url: &str) -> String {
        url.to_owned()
    }
}
