//! `billing-compat backup` (issue 19 item 5; docs/operations.md "Backups"): a consistent copy
//! of a live SQLite database, taken with `VACUUM INTO` while the server goes on writing.
//!
//! `VACUUM INTO` reads the database inside one read transaction: in WAL mode that is a
//! snapshot of every transaction committed before it began, and the writer is never
//! blocked (readers and the writer do not wait on each other in WAL). The copy is a plain,
//! compacted database file: serving it is pointing `--database` at it.

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use rusqlite::OpenFlags;

use super::sqlite_writer::file_of;

/// How long the copy waits for a lock the writer holds for a moment (a WAL checkpoint's
/// restart), as the server's own connections do.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists: a backup never overwrites a file; choose a new name")]
    TargetExists(String),
    #[error(
        "billing-compat backup copies SQLite databases only; for PostgreSQL use pg_dump \
         (pg_dump --format=custom --file=FILE URL; docs/operations.md \"Backups\")"
    )]
    Postgres,
    #[error("{0}")]
    Url(String),
    #[error("cannot open the database {path}: {cause}")]
    Source { path: String, cause: String },
    #[error("cannot write the backup {path}: {cause}")]
    Target { path: String, cause: String },
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
}

/// Copies the SQLite database `url` names to `target`, a file that must not exist yet.
/// Blocking (file I/O and SQLite): call it off the async threads.
pub fn backup(url: &str, target: &Path) -> Result<BackupReport, BackupError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(BackupError::Postgres);
    }
    if !url.starts_with("sqlite:") {
        return Err(BackupError::Url(
            "the database URL must start with sqlite: (e.g. sqlite://billing-compat.db)".into(),
        ));
    }
    let source = file_of(url).map_err(|e| BackupError::Url(e.to_string()))?;
    let shown = target.display().to_string();
    // Claimed first, atomically: a file that appears between a check and the copy is never
    // overwritten, and VACUUM INTO accepts an empty target.
    let claimed = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => BackupError::TargetExists(shown.clone()),
            _ => BackupError::Target {
                path: shown.clone(),
                cause: e.to_string(),
            },
        })?;
    drop(claimed);
    match copy(&source, target) {
        Ok(bytes) => Ok(BackupReport { bytes }),
        Err(error) => {
            // Nothing half-written is left behind under the name the operator chose.
            let _ = std::fs::remove_file(target);
            Err(error)
        }
    }
}

fn copy(source: &str, target: &Path) -> Result<u64, BackupError> {
    let source_error = |e: rusqlite::Error| BackupError::Source {
        path: source.to_owned(),
        cause: e.to_string(),
    };
    let target_error = |cause: String| BackupError::Target {
        path: target.display().to_string(),
        cause,
    };
    // Never creates the source: a mistyped path is an error, not an empty backup.
    let conn = rusqlite::Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(source_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(source_error)?;
    // A database without our schema is not a billing-compat database.
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tenants'",
            [],
            |row| row.get(0),
        )
        .map_err(source_error)?;
    if tables == 0 {
        return Err(BackupError::Source {
            path: source.to_owned(),
            cause: "not a billing-compat database (no tenants table)".into(),
        });
    }
    let target_text = target
        .to_str()
        .ok_or_else(|| target_error("the path is not UTF-8".into()))?;
    conn.execute("VACUUM INTO ?1", [target_text])
        .map_err(|e| target_error(e.to_string()))?;
    drop(conn);
    // SQLite does not sync what VACUUM INTO writes (sqlite.org/lang_vacuum.html): a backup
    // that a power cut can take away is not one.
    let file = File::open(target).map_err(|e| target_error(e.to_string()))?;
    file.sync_all().map_err(|e| target_error(e.to_string()))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    file.metadata()
        .map(|m| m.len())
        .map_err(|e| target_error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_sent_to_pg_dump() {
        let dir = tempfile::tempdir().unwrap();
        let error = backup("postgres://u@h/db", &dir.path().join("b.db")).unwrap_err();
        assert!(matches!(error, BackupError::Postgres));
        assert!(error.to_string().contains("pg_dump"), "{error}");
        assert!(!dir.path().join("b.db").exists());
    }

    #[test]
    fn an_existing_target_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("taken.db");
        std::fs::write(&target, b"keep me").unwrap();
        let url = format!("sqlite://{}", dir.path().join("source.db").display());
        let error = backup(&url, &target).unwrap_err();
        assert!(matches!(error, BackupError::TargetExists(_)), "{error}");
        assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    }

    #[test]
    fn a_missing_source_is_an_error_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.db");
        let url = format!("sqlite://{}", dir.path().join("missing.db").display());
        let error = backup(&url, &target).unwrap_err();
        assert!(matches!(error, BackupError::Source { .. }), "{error}");
        assert!(!target.exists());
        assert!(!dir.path().join("missing.db").exists());
    }
}
