//! One SQL implementation of the store for both backends. Queries are written once
//! (sqlx's `Any` driver passes `$N` placeholders to both); what the dialects do not share
//! lives in [`dialect`]. See `migrations/README.md` for the column conventions.
//!
//! One file per aggregate, as the port (`domain::store`) is split: each implements its
//! repository trait and lists its tables' unique constraints for `errors.rs`.

mod accounts;
mod audit;
mod bundles;
mod catalog;
mod customers;
mod dialect;
mod disconnect;
pub(crate) mod errors;
mod events;
pub(crate) mod exec;
mod idempotency;
mod instances;
mod journal;
mod nonces;
mod operations;
mod operators;
mod provisioning;
mod queue;
mod queue_admin;
mod reset;
mod row;
mod sqlite_backup;
mod sqlite_checkpoint;
mod sqlite_lookups;
mod sqlite_writer;
mod tenants;
mod tokens;
mod webhooks;

use std::marker::PhantomData;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::FutureExt;
use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Connection, Executor};

use crate::domain::ids::TenantId;
use crate::domain::store::{Committed, Store, Tx, Unit};
use crate::domain::user::ApiUser;
use crate::domain::{DomainError, Unavailability};

pub use dialect::{Dialect, Postgres, Sqlite};
use errors::db_error;
use exec::{Conn, Query};
pub use sqlite_backup::{backup, BackupError, BackupReport};
use sqlite_writer::Writer;
pub use sqlite_writer::{Synchronous, COMMITS_METRIC, UNITS_METRIC};

/// Pool sizing and durability; the defaults suit one instance on a small machine.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// Connections for PostgreSQL, or SQLite readers (SQLite always has one writer).
    pub max_connections: u32,
    /// How long a request waits for a connection before the store reports itself unavailable.
    pub acquire_timeout: Duration,
    /// SQLite's `synchronous` on the write connection (docs/operations.md "Durability").
    pub synchronous: Synchronous,
    /// Begin every transaction with the dialect's `GUARDED_BEGIN`, so that a reset falls
    /// between transactions (`serve --allow-reset`; docs/operations.md "Reset for test
    /// systems"). Off: a plain `BEGIN`, and nothing to pay where no reset can happen.
    pub reset_guard: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            synchronous: Synchronous::Full,
            reset_guard: false,
        }
    }
}

impl PoolSettings {
    pub fn single() -> Self {
        Self {
            max_connections: 1,
            ..Self::default()
        }
    }
}

/// Where writes go: SQLite's writer thread, or (PostgreSQL) the shared pool.
enum Writes {
    Thread {
        writer: Writer,
        synchronous: Synchronous,
        lookups: sqlite_lookups::Lookups,
    },
    Pool,
}

pub struct SqlStore<D: Dialect> {
    /// PostgreSQL: every connection; SQLite: the readers (and the migrations).
    pool: AnyPool,
    /// How transactions begin: `D::GUARDED_BEGIN` with `PoolSettings::reset_guard`.
    begin: Option<&'static str>,
    writes: Writes,
    _dialect: PhantomData<D>,
}

/// A transaction on either kind of connection (`exec.rs`).
pub struct SqlTx<'c, D: Dialect> {
    conn: Conn<'c>,
    /// Set by `enqueue`.
    enqueued: bool,
    /// Set by an audit row that is an event of the feed (`audit.rs`).
    evented: bool,
    _dialect: PhantomData<D>,
}

impl<'c, D: Dialect> SqlTx<'c, D> {
    pub(crate) fn on(conn: Conn<'c>) -> Self {
        Self {
            conn,
            enqueued: false,
            evented: false,
            _dialect: PhantomData,
        }
    }

    pub(crate) fn query<'q>(&'q mut self, sql: &'q str) -> Query<'q, 'c> {
        Query::new(&mut self.conn, sql)
    }

    /// One bounded purge batch (docs/operations.md "Retention"): `sql` deletes at most `$2`
    /// rows older than `$1` (and, when given, of kind `$3`), picking them by id in a
    /// sub-select since SQLite has no `DELETE … LIMIT` by default.
    async fn delete_batch(
        &mut self,
        sql: &'static str,
        before: chrono::DateTime<chrono::Utc>,
        limit: i64,
        kind: Option<&str>,
    ) -> Result<u64, DomainError> {
        let mut query = self
            .query(sql)
            .bind(crate::domain::clock::to_storage(before))
            .bind(limit);
        if let Some(kind) = kind {
            query = query.bind(kind);
        }
        query.execute().await
    }
}

impl<D: Dialect> SqlStore<D> {
    pub async fn connect(url: &str, pools: PoolSettings) -> Result<Self, DomainError> {
        sqlx::any::install_default_drivers();
        let normalised = D::normalise_url(url);
        let pool = AnyPoolOptions::new()
            .max_connections(pools.max_connections.max(1))
            .acquire_timeout(pools.acquire_timeout)
            // No ping before each use (one more round trip per transaction, issue 15): a
            // dead connection shows at BEGIN, and `write` then retries once on a live one.
            .test_before_acquire(false)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    for statement in D::SESSION_SETUP {
                        conn.execute(*statement).await?;
                    }
                    Ok(())
                })
            })
            .connect(&normalised)
            .await
            .map_err(db_error)?;
        let writes = match D::SINGLE_WRITER {
            true => Writes::Thread {
                writer: Writer::start(url, pools.synchronous, pools.acquire_timeout)?,
                synchronous: pools.synchronous,
                lookups: sqlite_lookups::Lookups::new(sqlite_writer::file_of(url)?),
            },
            false => Writes::Pool,
        };
        Ok(Self {
            pool,
            begin: D::GUARDED_BEGIN.filter(|_| pools.reset_guard),
            writes,
            _dialect: PhantomData,
        })
    }

    pub async fn migrate(&self) -> Result<(), DomainError> {
        D::migrator()
            .run(&self.pool)
            .await
            .map_err(DomainError::internal)
    }

    /// One credential look-up: in place on SQLite (`sqlite_lookups.rs`), on the pool on
    /// PostgreSQL.
    async fn user_where(
        &self,
        sql: &'static str,
        value: &str,
    ) -> Result<Option<ApiUser>, DomainError> {
        match &self.writes {
            Writes::Thread { lookups, .. } => {
                let mut conn = lookups.take()?;
                let mut tx = SqlTx::<D>::on(Conn::Lite(&mut conn));
                let found = tenants::user_in(&mut tx, sql, value).await;
                drop(tx);
                lookups.put(conn);
                found
            }
            Writes::Pool => tenants::user_where(&self.pool, sql, value).await,
        }
    }

    /// A unit on a pooled connection. Without a ping before use, a connection the server
    /// dropped (a restart, a network cut) fails at `BEGIN`, before any of the unit has run:
    /// it is closed and the unit retried once, on a connection that answers a ping
    /// (`reliability::outage` tests this).
    async fn write_on_pool(&self, unit: Unit, bulk: bool) -> Result<Committed, DomainError> {
        let mut retry = false;
        loop {
            let mut conn = self.pool.acquire().await.map_err(db_error)?;
            if retry {
                conn = self.live(conn).await?;
            }
            let error = match begin(&mut conn, self.begin).await {
                Ok(tx) => return run_on::<D>(tx, unit, bulk).await,
                Err(error) => error,
            };
            if retry || !is_connection_error(&error) {
                return Err(db_error(error));
            }
            let _ = conn.close().await;
            retry = true;
        }
    }

    /// `conn`, or the first idle connection after it that answers a ping: after a server
    /// restart every idle connection is dead.
    async fn live(
        &self,
        mut conn: PoolConnection<Any>,
    ) -> Result<PoolConnection<Any>, DomainError> {
        for _ in 0..=self.pool.size() {
            if conn.ping().await.is_ok() {
                return Ok(conn);
            }
            let _ = conn.close().await;
            conn = self.pool.acquire().await.map_err(db_error)?;
        }
        Err(DomainError::unavailable(
            Unavailability::Down,
            "no live database connection",
        ))
    }
}

/// `BEGIN`, or `statement` in its place (`PoolSettings::reset_guard`).
async fn begin<'c>(
    conn: &'c mut PoolConnection<Any>,
    statement: Option<&'static str>,
) -> Result<sqlx::Transaction<'c, Any>, sqlx::Error> {
    match statement {
        Some(statement) => conn.begin_with(statement).await,
        None => conn.begin().await,
    }
}

/// Runs `unit` in `tx` and commits it, or rolls it back when the unit failed or discarded
/// its effects. A dropped future rolls back too: sqlx's transaction does it on drop.
async fn run_on<D: Dialect>(
    tx: sqlx::Transaction<'_, Any>,
    unit: Unit,
    bulk: bool,
) -> Result<Committed, DomainError> {
    let mut tx = SqlTx::<D>::on(Conn::Any(tx));
    if bulk {
        for statement in D::BULK_SETUP {
            tx.query(statement).execute().await?;
        }
    }
    // A panicking use-case is answered as an internal error, as on the SQLite writer; the
    // transaction is rolled back when `tx` drops.
    let settled = std::panic::AssertUnwindSafe(unit(&mut tx))
        .catch_unwind()
        .await
        .map_err(|_| DomainError::internal("a unit of work panicked"))??;
    let (enqueued, evented) = (tx.enqueued, tx.evented);
    let Conn::Any(tx) = tx.conn else {
        return Err(DomainError::internal("a pooled unit on the SQLite writer"));
    };
    if !settled.keep {
        tx.rollback().await.map_err(db_error)?;
        return Ok(Committed {
            value: settled.value,
            enqueued_jobs: false,
            recorded_events: false,
        });
    }
    tx.commit().await.map_err(db_error)?;
    Ok(Committed {
        value: settled.value,
        enqueued_jobs: enqueued,
        recorded_events: evented,
    })
}

/// The connection itself is gone (as opposed to the statement being refused).
fn is_connection_error(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_)
    ) || matches!(error, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("08") || c == "57P01"))
}

#[async_trait]
impl<D: Dialect> Store for SqlStore<D> {
    async fn write(&self, unit: Unit) -> Result<Committed, DomainError> {
        match &self.writes {
            Writes::Thread { writer, .. } => writer.run(unit, false).await,
            Writes::Pool => self.write_on_pool(unit, false).await,
        }
    }

    async fn write_bulk(&self, unit: Unit) -> Result<Committed, DomainError> {
        match &self.writes {
            Writes::Thread { writer, .. } => writer.run(unit, true).await,
            Writes::Pool => self.write_on_pool(unit, true).await,
        }
    }

    async fn read(&self) -> Result<Box<dyn Tx>, DomainError> {
        let tx = match self.begin {
            Some(statement) => self.pool.begin_with(statement).await,
            None => self.pool.begin().await,
        }
        .map_err(db_error)?;
        Ok(Box::new(SqlTx::<D>::on(Conn::Any(tx))))
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<ApiUser>, DomainError> {
        self.user_where(tenants::USER_BY_USERNAME, username).await
    }

    async fn user_by_api_key_hash(&self, hash: &str) -> Result<Option<ApiUser>, DomainError> {
        self.user_where(tenants::USER_BY_API_KEY_HASH, hash).await
    }

    async fn ping(&self) -> Result<(), DomainError> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        conn.execute("SELECT 1").await.map_err(db_error)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        D::NAME
    }

    fn batching(&self) -> Option<crate::domain::store::Batching> {
        match &self.writes {
            Writes::Thread { writer, .. } => Some(writer.batching()),
            Writes::Pool => None,
        }
    }

    fn synchronous(&self) -> Option<&'static str> {
        match &self.writes {
            Writes::Thread { synchronous, .. } => Some(synchronous.as_str()),
            Writes::Pool => None,
        }
    }

    async fn close(&self) {
        // Readers first, so that on SQLite the writer's connection is the last one open:
        // its checkpoint can then empty the WAL, and closing it removes the file.
        self.pool.close().await;
        if let Writes::Thread {
            writer, lookups, ..
        } = &self.writes
        {
            lookups.close();
            writer.close().await;
        }
    }
}

/// SQLite's column list for the counters' key (see `errors.rs`).
pub(crate) const COUNTERS_UNIQUE: &[(&str, &str)] =
    &[("counters.tenant_id, counters.name", "pk_counters")];

#[async_trait]
impl<D: Dialect> Tx for SqlTx<'_, D> {
    async fn next_counter(&mut self, tenant: TenantId, name: &str) -> Result<i64, DomainError> {
        // Upsert-and-increment in one statement: concurrent callers serialise on the row.
        let row = self
            .query(
                "INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, 1) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1 \
             RETURNING value",
            )
            .bind(tenant.to_string())
            .bind(name)
            .fetch_one()
            .await?;
        row::int(&row, "value")
    }
}
