//! Storage (docs/design.md §4): the domain's [`Store`](crate::domain::store::Store) on SQLite (the
//! embedded default) or PostgreSQL, chosen by the database URL.

pub mod sql;

use std::sync::Arc;

use crate::domain::store::Store;
use crate::domain::DomainError;

pub use sql::{
    backup, BackupError, BackupReport, PoolSettings, SqlStore, Synchronous, COMMITS_METRIC,
    UNITS_METRIC,
};

/// The database used when none is configured: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://billing-compat.db";

/// Which backend a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Self, DomainError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DomainError::invalid(
                "database URL",
                "must start with sqlite: or postgres:// (e.g. sqlite://billing-compat.db)",
            ))
        }
    }
}

/// Opens the database named by `url`, creating a SQLite file if missing. Does not migrate.
pub async fn connect(url: &str, pools: PoolSettings) -> Result<Arc<dyn Store>, DomainError> {
    Ok(match Backend::of(url)? {
        Backend::Sqlite => Arc::new(SqlStore::<sql::Sqlite>::connect(url, pools).await?),
        Backend::Postgres => Arc::new(SqlStore::<sql::Postgres>::connect(url, pools).await?),
    })
}

/// Brings the schema up to date (idempotent; safe to run from several instances at once:
/// sqlx takes an advisory lock on PostgreSQL). The store opened for it is closed after.
pub async fn migrate(url: &str) -> Result<(), DomainError> {
    match Backend::of(url)? {
        Backend::Sqlite => {
            migrate_with(SqlStore::<sql::Sqlite>::connect(url, PoolSettings::single()).await?).await
        }
        Backend::Postgres => {
            migrate_with(SqlStore::<sql::Postgres>::connect(url, PoolSettings::single()).await?)
                .await
        }
    }
}

async fn migrate_with<D: sql::Dialect>(store: SqlStore<D>) -> Result<(), DomainError> {
    let migrated = store.migrate().await;
    store.close().await;
    migrated
}
