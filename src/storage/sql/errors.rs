//! sqlx errors → `DomainError`. Named unique constraints become `Conflict` on both
//! backends (PostgreSQL reports the name; SQLite reports the columns, so we map those
//! back to the names the migrations give). Outages become `Unavailable`, classified here
//! once as `Busy` or `Down` (docs/architecture.md, "Typed outcomes"): adapters answer by the
//! kind and never read the cause.

use sqlx::error::ErrorKind;

use crate::domain::{DomainError, Unavailability};

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
        super::operators::SQLITE_UNIQUE,
        super::idempotency::SQLITE_UNIQUE,
        super::nonces::SQLITE_UNIQUE,
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
    if let sqlx::Error::Database(db) = &error {
        if db.kind() == ErrorKind::UniqueViolation {
            let constraint = db
                .constraint()
                .map(str::to_owned)
                .or_else(|| sqlite_constraint(db.message()))
                .unwrap_or_else(|| "unknown".to_owned());
            return DomainError::Conflict { constraint };
        }
        // PostgreSQL 22021 character_not_in_repertoire (a NUL byte in text) and 22P05
        // untranslatable_character: a value the client sent that no text column can hold.
        // Invalid input, not a server error.
        if matches!(db.code().as_deref(), Some("22021" | "22P05")) {
            return DomainError::invalid(
                "value",
                "contains a character that cannot be stored (such as a NUL byte)",
            );
        }
    }
    match unavailability(&error) {
        Some(kind) => DomainError::unavailable(kind, error),
        None => DomainError::Internal(Box::new(error)),
    }
}

/// Whether sqlx's `error` means the store is unavailable, and of which kind.
fn unavailability(error: &sqlx::Error) -> Option<Unavailability> {
    match error {
        // No pooled connection within the acquire time-out: every connection is busy (or
        // new ones are slow to open); a retry soon may find one.
        sqlx::Error::PoolTimedOut => Some(Unavailability::Busy),
        sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            Some(Unavailability::Down)
        }
        sqlx::Error::Database(db) => {
            let code = db.code();
            unavailable_code(code.as_deref()).or_else(|| {
                // PostgreSQL 55000 is a broad class; only its connection refusal
                // (`ALTER DATABASE … ALLOW_CONNECTIONS false`, which binds superusers too)
                // means "try again later".
                (code.as_deref() == Some("55000")
                    && db.message().contains("not currently accepting connections"))
                .then_some(Unavailability::Down)
            })
        }
        _ => None,
    }
}

/// The SQLite writer's errors (`sqlite_writer.rs`), mapped as [`db_error`] maps sqlx's:
/// unique violations to `Conflict` with the migration's constraint name, busy and locked
/// to `Unavailable` `Busy`, full-disk, I/O, open and memory failures to `Unavailable` `Down`.
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
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked
            ) =>
        {
            DomainError::unavailable(Unavailability::Busy, error)
        }
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                ErrorCode::DiskFull
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::CannotOpen
                    | ErrorCode::OutOfMemory
            ) =>
        {
            DomainError::unavailable(Unavailability::Down, error)
        }
        _ => DomainError::Internal(Box::new(error)),
    }
}

/// Codes that mean "try again later", and how soon.
fn unavailable_code(code: Option<&str>) -> Option<Unavailability> {
    match code? {
        // SQLite (sqlx reports the extended result code): SQLITE_BUSY, SQLITE_LOCKED,
        // SQLITE_BUSY_SNAPSHOT. PostgreSQL: serialization_failure and deadlock_detected,
        // which chose this transaction as the victim.
        "5" | "6" | "517" | "40001" | "40P01" => Some(Unavailability::Busy),
        // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting up),
        // too_many_connections, and the connection failures of class 08 (including a
        // refused connection: 08001, 08004).
        "57P01" | "57P02" | "57P03" | "53300" | "08000" | "08001" | "08003" | "08004" | "08006" => {
            Some(Unavailability::Down)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// A database error with `code` and `message`, as sqlx's drivers report them.
    #[derive(Debug)]
    struct Db {
        code: &'static str,
        message: &'static str,
    }

    impl std::fmt::Display for Db {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.message)
        }
    }

    impl std::error::Error for Db {}

    impl sqlx::error::DatabaseError for Db {
        fn message(&self) -> &str {
            self.message
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.code))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            ErrorKind::Other
        }
    }

    fn coded(code: &'static str, message: &'static str) -> sqlx::Error {
        sqlx::Error::Database(Box::new(Db { code, message }))
    }

    fn kind_of(error: DomainError) -> Option<Unavailability> {
        match error {
            DomainError::Unavailable { kind, .. } => Some(kind),
            _ => None,
        }
    }

    fn lite(code: std::os::raw::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    /// Debitsuccess answers `Busy` 11 "Timeout/Deadlock, please retry": the store timed
    /// out, was busy or locked, or chose us as a deadlock or serialisation victim.
    #[test]
    fn time_outs_locks_and_victims_are_busy() {
        let busy = Some(Unavailability::Busy);
        assert_eq!(kind_of(db_error(sqlx::Error::PoolTimedOut)), busy);
        for (code, message) in [
            (
                "40001",
                "could not serialize access due to concurrent update",
            ),
            ("40P01", "deadlock detected"),
            ("5", "database is locked"),
            ("6", "database table is locked"),
            ("517", "database is locked"),
        ] {
            assert_eq!(kind_of(db_error(coded(code, message))), busy, "{code}");
        }
        for code in [rusqlite::ffi::SQLITE_BUSY, rusqlite::ffi::SQLITE_LOCKED] {
            assert_eq!(kind_of(lite_error(lite(code))), busy, "{code}");
        }
    }

    /// Debitsuccess answers `Down` 01 "Server not available": the store cannot be reached,
    /// is closed or shutting down, or failed on I/O or a full disk.
    #[test]
    fn unreachable_closed_and_failing_stores_are_down() {
        let down = Some(Unavailability::Down);
        assert_eq!(kind_of(db_error(sqlx::Error::PoolClosed)), down);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(kind_of(db_error(sqlx::Error::Io(refused))), down);
        for code in [
            "08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300",
        ] {
            assert_eq!(kind_of(db_error(coded(code, "x"))), down, "{code}");
        }
        let refusing = coded(
            "55000",
            "database \"t\" is not currently accepting connections",
        );
        assert_eq!(kind_of(db_error(refusing)), down);
        for code in [
            rusqlite::ffi::SQLITE_FULL,
            rusqlite::ffi::SQLITE_IOERR,
            rusqlite::ffi::SQLITE_CANTOPEN,
            rusqlite::ffi::SQLITE_NOMEM,
        ] {
            assert_eq!(kind_of(lite_error(lite(code))), down, "{code}");
        }
    }

    #[test]
    fn other_failures_are_internal() {
        assert!(matches!(
            db_error(coded("55000", "object not in prerequisite state")),
            DomainError::Internal(_)
        ));
        assert!(matches!(
            db_error(coded("42P01", "relation does not exist")),
            DomainError::Internal(_)
        ));
        assert!(matches!(
            lite_error(lite(rusqlite::ffi::SQLITE_CORRUPT)),
            DomainError::Internal(_)
        ));
    }

    /// A NUL byte in a text value (PostgreSQL refuses it) is the client's bad value.
    #[test]
    fn characters_postgresql_cannot_store_are_invalid_values() {
        for code in ["22021", "22P05"] {
            let error = db_error(coded(
                code,
                "invalid byte sequence for encoding \"UTF8\": 0x00",
            ));
            assert!(
                matches!(&error, DomainError::Invalid { field, reason }
                    if field == "value" && reason.contains("NUL")),
                "{code}: {error:?}"
            );
        }
    }

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
