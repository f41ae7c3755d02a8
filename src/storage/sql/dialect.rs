//! What SQLite and PostgreSQL do not share: URL handling, session settings, migrations
//! and the job-claim statement.

use sqlx::migrate::Migrator;

pub trait Dialect: Send + Sync + 'static {
    const NAME: &'static str;
    /// SQLite allows one writer at a time: its writes go to one writer thread
    /// (`sqlite_writer.rs`), which batches them, instead of failing with `SQLITE_BUSY`.
    const SINGLE_WRITER: bool;
    /// Run on every new connection.
    const SESSION_SETUP: &'static [&'static str];
    /// Run at the start of a bulk-load transaction (`Store::write_bulk`).
    const BULK_SETUP: &'static [&'static str];
    /// Whether the pool pings a connection before handing it out. Each ping is one more
    /// round trip per transaction (issue 9).
    const PING_BEFORE_USE: bool;
    /// Leases due jobs: `$1` worker, `$2` now, `$3` lease end, `$4` limit.
    const CLAIM_JOBS: &'static str;
    /// Inserts an audit row (`$1`…`$13`), giving it its place in the event feed
    /// (docs/events.md "The cursor").
    const INSERT_AUDIT: &'static str;
    /// The event feed's horizon (`domain::store::EventRepo::feed_horizon`), as `horizon`.
    const FEED_HORIZON: &'static str;
    /// Run first in the reset's transaction (`domain::store::ResetRepo::lock_for_reset`):
    /// waits for every other transaction to end and keeps new ones out until it commits.
    const RESET_LOCK: &'static [&'static str];
    /// How every transaction begins (units of work and read snapshots) on a server that
    /// allows resets (`PoolSettings::reset_guard`); `None`: sqlx's plain `BEGIN`.
    const GUARDED_BEGIN: Option<&'static str>;

    fn migrator() -> &'static Migrator;
    fn normalise_url(url: &str) -> String;
}

pub struct Sqlite;
pub struct Postgres;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The claim statement; the dialects differ only in the row lock.
///
/// Fair across tenants (issue 13, item 3): due jobs are ranked within their tenant, oldest
/// first (`turn` 1 is each tenant's oldest due job, 2 its next…), and the batch is taken
/// turn by turn: every tenant with due work gets its oldest job into the batch before any
/// tenant gets its second. A tenant's burst of thousands of jobs therefore delays another
/// tenant's job by at most one batch, where the old `ORDER BY run_at` made it wait behind
/// the whole burst. A lone tenant still gets full batches.
///
/// Bounded work per claim, however long the queue: only each tenant's `$4` oldest due jobs
/// are ranked. `tenants_due` walks the distinct tenants with queued jobs by successive
/// `MIN(tenant_id) … > previous` look-ups (a loose index scan of `ix_jobs_tenant_due`: one
/// index seek per tenant), and each tenant's candidates are one range read of the same
/// index. Ranking every due row instead (`ROW_NUMBER()` over the whole queue) cost 28 ms per
/// claim on SQLite with 7 700 queued jobs — the single writer held for it — against 1 ms
/// this way. Jobs whose lease ran out (their worker died) are rare and all ranked.
///
/// The due condition is repeated on `j`, the locked table: on PostgreSQL a row another
/// instance claimed and committed after this statement's snapshot is re-checked against its
/// new version after the lock (and dropped), and a row still locked is skipped; the window
/// function sits in a sub-select because `FOR UPDATE` is not allowed beside one, and
/// `FOR UPDATE OF j` locks only the jobs rows. Two instances claiming at the same instant
/// see the same candidates, so the second may come away with fewer jobs (or none, and poll
/// again): never with the same job.
///
/// `$5`/`$6` pick the lane (`domain::store::JobLane`): jobs of kind `$5` when `$6` is 1,
/// every other kind when 0 — a residual filter on rows the index already found.
macro_rules! claim_jobs {
    ($lock:literal) => {
        concat!(
            "WITH RECURSIVE tenants_due (tenant_id) AS (",
            "SELECT MIN(tenant_id) FROM jobs WHERE status = 'queued' ",
            "UNION ALL SELECT (SELECT MIN(q.tenant_id) FROM jobs q ",
            "WHERE q.status = 'queued' AND q.tenant_id > t.tenant_id) ",
            "FROM tenants_due t WHERE t.tenant_id IS NOT NULL), ",
            "candidates AS (",
            "SELECT c.id, c.tenant_id, c.run_at FROM tenants_due t JOIN jobs c ON c.id IN (",
            "SELECT q.id FROM jobs q WHERE q.status = 'queued' AND q.tenant_id = t.tenant_id ",
            "AND q.run_at <= $2 AND (q.kind = $5) = ($6 = 1) ORDER BY q.run_at LIMIT $4) ",
            "UNION ALL SELECT id, tenant_id, run_at FROM jobs ",
            "WHERE status = 'running' AND locked_until < $2 AND (kind = $5) = ($6 = 1)), ",
            "ranked AS (SELECT id, ",
            "ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY run_at, id) AS turn ",
            "FROM candidates) ",
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $3, ",
            "attempts = attempts + 1, updated_at = $2 ",
            "WHERE id IN (SELECT j.id FROM jobs j JOIN ranked ON ranked.id = j.id ",
            "WHERE ((j.status = 'queued' AND j.run_at <= $2) OR (j.status = 'running' AND j.locked_until < $2)) ",
            "AND (j.kind = $5) = ($6 = 1) ",
            "ORDER BY ranked.turn, j.run_at, j.id LIMIT $4 ",
            $lock,
            ") RETURNING id, tenant_id, kind, payload, attempts, max_attempts"
        )
    };
}

/// The audit insert; the dialects differ in how a row gets its feed position.
macro_rules! insert_audit {
    ($seq_column:literal, $seq_value:literal) => {
        concat!(
            "INSERT INTO audit_events (id, at, tenant_id, api_user_id, initiator, channel, ",
            "operation, entity_type, entity_id, before_json, after_json, request_id, event_type",
            $seq_column,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13",
            $seq_value,
            ")"
        )
    };
}

impl Dialect for Sqlite {
    const NAME: &'static str = "sqlite";
    const SINGLE_WRITER: bool = true;
    // sqlx's SQLite connections are the readers and the migrations; the writes' own
    // connection (`sqlite_writer.rs`) sets its `synchronous`. WAL lets readers run beside
    // the writer; the migrations keep SQLite's default `synchronous = FULL`.
    const SESSION_SETUP: &'static [&'static str] = &[
        "PRAGMA journal_mode = WAL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 5000",
    ];
    const CLAIM_JOBS: &'static str = claim_jobs!("");
    // One writer commits in order, so the next number after the highest (one seek of
    // uq_audit_events_seq) orders the feed by commit; xid keeps its default, 0.
    const INSERT_AUDIT: &'static str = insert_audit!(
        ", seq",
        ", (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events)"
    );
    // Nothing runs beside the writer: every committed event (xid 0) is below 1.
    const FEED_HORIZON: &'static str = "SELECT 1 AS horizon";
    // The reset is a bulk unit, which the writer thread runs alone: no other write can
    // interleave, and readers keep their snapshot (WAL) until it commits.
    const RESET_LOCK: &'static [&'static str] = &[];
    const GUARDED_BEGIN: Option<&'static str> = None;
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
    const CLAIM_JOBS: &'static str = claim_jobs!("FOR UPDATE OF j SKIP LOCKED");
    // seq and xid come from the columns' defaults (migration 0010): nextval, which never
    // waits on another transaction, and the top-level transaction's id.
    const INSERT_AUDIT: &'static str = insert_audit!("", "");
    // Every transaction below the snapshot's xmin has finished (committed or rolled back),
    // so no event below it can still appear (docs/events.md "The cursor").
    const FEED_HORIZON: &'static str =
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon";
    // The reset and every other transaction exclude each other through one advisory lock:
    // each transaction holds it shared from its BEGIN (sent with the BEGIN in one simple
    // query: no round trip more), the reset takes it exclusive. The reset so waits for the
    // transactions under way and keeps new ones waiting until it commits: each unit of work
    // falls wholly before or after it (docs/operations.md "Reset for test systems").
    // Table locks did not do it: EXCLUSIVE let a unit read an account before the reset and
    // update it by id after, when its row was gone (its audit row recorded a change that
    // never happened; found by `admin::reset::concurrent_requests_…`), and ACCESS EXCLUSIVE,
    // taken table by table while units held some of them, deadlocked with them under load.
    // One lock held shared by everything never deadlocks; two resets at once upgrade
    // theirs, and PostgreSQL's deadlock detection refuses one of them as busy. Only servers
    // started with --allow-reset begin so: the shared lock cost trivial read-only
    // transactions up to a fifth of their rate in pgbench on this machine (noisy), which no
    // server that cannot reset should pay. The key is "bc-reset" in
    // ASCII, as a big-endian 64-bit number.
    const RESET_LOCK: &'static [&'static str] =
        &["SELECT pg_advisory_xact_lock(7089560207762875764)"];
    const GUARDED_BEGIN: Option<&'static str> =
        Some("BEGIN; SELECT pg_advisory_xact_lock_shared(7089560207762875764)");
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
