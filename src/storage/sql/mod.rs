//! One SQL implementation of the store for both backends. Queries are written once
//! (sqlx's `Any` driver passes `$N` placeholders to both); what the dialects do not share
//! lives in [`dialect`]. See `migrations/README.md` for the column conventions.

mod accounts;
mod audit;
mod billing_care;
mod catalog;
mod crmcom;
mod customers;
mod debitsuccess;
mod dialect;
mod disconnect;
pub(crate) mod errors;
mod flolive;
mod idempotency;
mod queue;
mod row;
mod tenants;
mod verizon;

use std::marker::PhantomData;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Row};

use crate::domain::ids::TenantId;
use crate::domain::store::{Store, Tx};
use crate::domain::user::ApiUser;
use crate::domain::DomainError;

pub use dialect::{Dialect, Postgres, Sqlite};
use errors::db_error;

/// Pool sizing; the defaults suit one instance on a small machine.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// Connections for PostgreSQL, or SQLite readers (SQLite always has one writer).
    pub max_connections: u32,
    /// How long a request waits for a connection before the store reports itself unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
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

pub struct SqlStore<D: Dialect> {
    writer: AnyPool,
    reader: AnyPool,
    _dialect: PhantomData<D>,
}

pub struct SqlTx<D: Dialect> {
    tx: sqlx::Transaction<'static, Any>,
    /// Set by `enqueue`.
    enqueued: bool,
    _dialect: PhantomData<D>,
}

impl<D: Dialect> SqlTx<D> {
    fn new(tx: sqlx::Transaction<'static, Any>) -> Box<Self> {
        Box::new(Self {
            tx,
            enqueued: false,
            _dialect: PhantomData,
        })
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
        let mut query = sqlx::query(sql)
            .bind(crate::domain::clock::to_storage(before))
            .bind(limit);
        if let Some(kind) = kind {
            query = query.bind(kind.to_owned());
        }
        let done = query.execute(&mut *self.tx).await.map_err(db_error)?;
        Ok(done.rows_affected())
    }
}

impl<D: Dialect> SqlStore<D> {
    pub async fn connect(url: &str, pools: PoolSettings) -> Result<Self, DomainError> {
        sqlx::any::install_default_drivers();
        let url = D::normalise_url(url);
        let options = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .acquire_timeout(pools.acquire_timeout)
                .test_before_acquire(D::PING_BEFORE_USE)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        for statement in D::SESSION_SETUP {
                            conn.execute(*statement).await?;
                        }
                        Ok(())
                    })
                })
        };
        let (writer, reader) = match D::SINGLE_WRITER {
            true => {
                let writer = options(1).connect(&url).await.map_err(db_error)?;
                let reader = options(pools.max_connections.max(1))
                    .connect(&url)
                    .await
                    .map_err(db_error)?;
                (writer, reader)
            }
            false => {
                let pool = options(pools.max_connections.max(1))
                    .connect(&url)
                    .await
                    .map_err(db_error)?;
                (pool.clone(), pool)
            }
        };
        Ok(Self {
            writer,
            reader,
            _dialect: PhantomData,
        })
    }

    pub async fn migrate(&self) -> Result<(), DomainError> {
        D::migrator()
            .run(&self.writer)
            .await
            .map_err(DomainError::internal)
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

#[async_trait]
impl<D: Dialect> Store for SqlStore<D> {
    async fn begin(&self) -> Result<Box<dyn Tx>, DomainError> {
        let tx = self.writer.begin().await.map_err(db_error)?;
        Ok(SqlTx::<D>::new(tx))
    }

    async fn begin_bulk(&self) -> Result<Box<dyn Tx>, DomainError> {
        let mut tx = self.writer.begin().await.map_err(db_error)?;
        for statement in D::BULK_SETUP {
            tx.execute(*statement).await.map_err(db_error)?;
        }
        Ok(SqlTx::<D>::new(tx))
    }

    async fn read(&self) -> Result<Box<dyn Tx>, DomainError> {
        let tx = self.reader.begin().await.map_err(db_error)?;
        Ok(SqlTx::<D>::new(tx))
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<ApiUser>, DomainError> {
        tenants::user_where(&self.reader, tenants::USER_BY_USERNAME, username).await
    }

    async fn user_by_api_key_hash(&self, hash: &str) -> Result<Option<ApiUser>, DomainError> {
        tenants::user_where(&self.reader, tenants::USER_BY_API_KEY_HASH, hash).await
    }

    async fn ping(&self) -> Result<(), DomainError> {
        let mut conn = self.reader.acquire().await.map_err(db_error)?;
        conn.execute("SELECT 1").await.map_err(db_error)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        D::NAME
    }
}

#[async_trait]
impl<D: Dialect> Tx for SqlTx<D> {
    async fn commit(self: Box<Self>) -> Result<(), DomainError> {
        self.tx.commit().await.map_err(db_error)
    }

    fn enqueued_jobs(&self) -> bool {
        self.enqueued
    }

    async fn next_counter(&mut self, tenant: TenantId, name: &str) -> Result<i64, DomainError> {
        // Upsert-and-increment in one statement: concurrent callers serialise on the row.
        let row: AnyRow = sqlx::query(
            "INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, 1) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1 \
             RETURNING value",
        )
        .bind(tenant.to_string())
        .bind(name)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error)?;
        row.try_get::<i64, _>("value").map_err(db_error)
    }
}
