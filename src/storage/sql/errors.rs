//! sqlx errors → `DomainError`. Named unique constraints become `Conflict` on both
//! backends (PostgreSQL reports the name; SQLite reports the columns, so we map those
//! back to the names the migrations give).

use sqlx::error::ErrorKind;

use crate::domain::DomainError;

/// SQLite's `UNIQUE constraint failed: <cols>` text → our constraint name: each aggregate's
/// storage file lists the column sets of its tables' constraints.
fn sqlite_constraint(message: &str) -> Option<String> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    let lists = [
        super::tenants::SQLITE_UNIQUE,
        super::accounts::SQLITE_UNIQUE,
        super::catalog::SQLITE_UNIQUE,
        super::bundles::SQLITE_UNIQUE,
        super::disconnect::SQLITE_UNIQUE,
        super::provisioning::SQLITE_UNIQUE,
        super::operations::SQLITE_UNIQUE,
        super::tokens::SQLITE_UNIQUE,
        super::idempotency::SQLITE_UNIQUE,
        super::COUNTERS_UNIQUE,
    ];
    if let Some((_, name)) = lists
        .iter()
        .flat_map(|l| l.iter())
        .find(|(cols, _)| *cols == columns)
    {
        return Some((*name).to_owned());
    }
    // Primary keys of single-column tables: `<table>.id` → `pk_<table>`.
    columns
        .strip_suffix(".id")
        .filter(|t| !t.contains(','))
        .map(|table| format!("pk_{table}"))
}

pub(crate) fn db_error(error: sqlx::Error) -> DomainError {
    match &error {
        sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
            let constraint = db
                .constraint()
                .map(str::to_owned)
                .or_else(|| sqlite_constraint(db.message()))
                .unwrap_or_else(|| "unknown".to_owned());
            DomainError::Conflict { constraint }
        }
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => DomainError::Unavailable(Box::new(error)),
        sqlx::Error::Database(db) if is_unavailable_code(db.code().as_deref()) => {
            DomainError::Unavailable(Box::new(error))
        }
        // PostgreSQL 55000 is a broad class; only its connection refusal
        // (`ALTER DATABASE … ALLOW_CONNECTIONS false`, which binds superusers too) means
        // "try again later".
        sqlx::Error::Database(db)
            if db.code().as_deref() == Some("55000")
                && db.message().contains("not currently accepting connections") =>
        {
            DomainError::Unavailable(Box::new(error))
        }
        _ => DomainError::Internal(Box::new(error)),
    }
}

/// The SQLite writer's errors (`sqlite_writer.rs`), mapped as [`db_error`] maps sqlx's:
/// unique violations to `Conflict` with the migration's constraint name, busy, locked,
/// full-disk and I/O failures to `Unavailable`.
pub(crate) fn lite_error(error: rusqlite::Error) -> DomainError {
    use rusqlite::ErrorCode;
    match &error {
        rusqlite::Error::SqliteFailure(failure, message)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            let constraint = message
                .as_deref()
                .and_then(sqlite_constraint)
                .unwrap_or_else(|| "unknown".to_owned());
            DomainError::Conflict { constraint }
        }
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                ErrorCode::DatabaseBusy
                    | ErrorCode::DatabaseLocked
                    | ErrorCode::DiskFull
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::CannotOpen
                    | ErrorCode::OutOfMemory
            ) =>
        {
            DomainError::Unavailable(Box::new(error))
        }
        _ => DomainError::Internal(Box::new(error)),
    }
}

/// Codes that mean "try again later": SQLite busy/locked, PostgreSQL connection
/// failures (class 08, including a refused connection: 08001, 08004), shutdown and
/// serialisation failures.
fn is_unavailable_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "5" | "6"
                | "517"
                | "57P01"
                | "57P02"
                | "57P03"
                | "53300"
                | "40001"
                | "40P01"
                | "08000"
                | "08001"
                | "08003"
                | "08004"
                | "08006"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_map_to_constraint_names() {
        assert_eq!(
            sqlite_constraint(
                "UNIQUE constraint failed: accounts.tenant_id, accounts.reference_no"
            )
            .as_deref(),
            Some("uq_accounts_reference_no")
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: customers.id").as_deref(),
            Some("pk_customers")
        );
        assert_eq!(sqlite_constraint("NOT NULL constraint failed: x.y"), None);
    }
}
