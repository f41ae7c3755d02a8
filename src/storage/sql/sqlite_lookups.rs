//! Single-row look-ups on SQLite run in place (docs/architecture.md "The write path"): the
//! credential look-up every request makes (`Store::user_by_username`, `…_api_key_hash`)
//! is one indexed read of a few microseconds, which through sqlx's reader cost a hand-off
//! to its connection's worker thread and back — measured as a fifth of the server's CPU
//! under the SOAP write benchmark (BENCHMARKS.md, issue 15). Here it runs on the calling
//! thread, on a connection taken from a small pool (WAL: readers never wait for the
//! writer). Read snapshots (`Store::read`), which may scan more, stay on sqlx's readers.

use std::sync::Mutex;
use std::time::Duration;

use crate::domain::DomainError;

use super::errors::lite_error;

/// Connections kept between look-ups; more are opened when more run at once.
const KEEP: usize = 8;

pub(crate) struct Lookups {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Lookups {
    pub(crate) fn new(path: String) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A connection for one look-up; give it back with [`Lookups::put`].
    pub(crate) fn take(&self) -> Result<rusqlite::Connection, DomainError> {
        if let Some(conn) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(conn);
        }
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(lite_error)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(lite_error)?;
        Ok(conn)
    }

    /// Closes the idle connections (the store is closing).
    pub(crate) fn close(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    pub(crate) fn put(&self, conn: rusqlite::Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP {
                idle.push(conn);
            }
        }
    }
}
