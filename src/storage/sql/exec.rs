//! One way to run a statement on either connection a [`SqlTx`](super::SqlTx) may hold
//! (docs/architecture.md "The write path"): a sqlx transaction (PostgreSQL, and SQLite's
//! readers) or the SQLite writer thread's own connection, where a statement runs to its end
//! on the calling thread instead of being handed to a driver thread. The queries are written
//! once, with `$N` placeholders, against this builder.

use std::sync::Arc;

use rusqlite::types::Value;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::domain::DomainError;

use super::errors::{db_error, lite_error};

/// A bound value. Nulls keep their type: PostgreSQL infers a parameter's type from it.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}

/// The connection a transaction runs on.
pub(crate) enum Conn<'c> {
    /// A sqlx transaction: rolled back when dropped uncommitted.
    Any(sqlx::Transaction<'c, sqlx::Any>),
    /// The SQLite writer's connection, inside the batch's transaction and the unit's
    /// savepoint, which the writer thread opens and closes (`sqlite_writer.rs`).
    Lite(&'c mut rusqlite::Connection),
}

/// A statement with its arguments, run by one of the `fetch_*`/`execute` methods.
pub(crate) struct Query<'q, 'c> {
    conn: &'q mut Conn<'c>,
    sql: &'q str,
    args: Vec<Arg>,
}

impl<'q, 'c> Query<'q, 'c> {
    pub(crate) fn new(conn: &'q mut Conn<'c>, sql: &'q str) -> Self {
        Self {
            conn,
            sql,
            args: Vec::new(),
        }
    }

    pub(crate) fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Rows changed.
    pub(crate) async fn execute(self) -> Result<u64, DomainError> {
        match self.conn {
            Conn::Any(tx) => Ok(any_query(self.sql, self.args)
                .execute(&mut **tx)
                .await
                .map_err(db_error)?
                .rows_affected()),
            Conn::Lite(conn) => lite_run(conn, self.sql, &self.args, None).map(|(n, _)| n),
        }
    }

    pub(crate) async fn fetch_all(self) -> Result<Vec<Row>, DomainError> {
        match self.conn {
            Conn::Any(tx) => Ok(any_query(self.sql, self.args)
                .fetch_all(&mut **tx)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(Row::Any)
                .collect()),
            Conn::Lite(conn) => {
                lite_run(conn, self.sql, &self.args, Some(usize::MAX)).map(|(_, rows)| rows)
            }
        }
    }

    pub(crate) async fn fetch_optional(self) -> Result<Option<Row>, DomainError> {
        match self.conn {
            Conn::Any(tx) => Ok(any_query(self.sql, self.args)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_error)?
                .map(Row::Any)),
            Conn::Lite(conn) => lite_run(conn, self.sql, &self.args, Some(1))
                .map(|(_, rows)| rows.into_iter().next()),
        }
    }

    pub(crate) async fn fetch_one(self) -> Result<Row, DomainError> {
        self.fetch_optional().await?.ok_or_else(|| {
            DomainError::internal("a statement expected to return a row returned none")
        })
    }
}

fn any_query<'q>(
    sql: &'q str,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut query = sqlx::query(sql);
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    query
}

/// Runs `sql` to its end on this thread: binds `$N` placeholders by their number (SQLite
/// numbers named parameters in order of first appearance, so `$2 … $1` must not bind by
/// position), keeps at most `keep` rows (all of them are still stepped through, so an
/// `UPDATE … RETURNING` finishes), and returns the rows changed with the rows kept.
fn lite_run(
    conn: &mut rusqlite::Connection,
    sql: &str,
    args: &[Arg],
    keep: Option<usize>,
) -> Result<(u64, Vec<Row>), DomainError> {
    let conn: &rusqlite::Connection = conn;
    let mut stmt = conn.prepare_cached(sql).map_err(lite_error)?;
    for index in 1..=stmt.parameter_count() {
        let number = stmt
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(index);
        let arg = args.get(number - 1).ok_or_else(|| {
            DomainError::internal(format!("statement parameter ${number} has no argument"))
        })?;
        match arg {
            Arg::Int(v) => stmt.raw_bind_parameter(index, v),
            Arg::Text(v) => stmt.raw_bind_parameter(index, v),
        }
        .map_err(lite_error)?;
    }
    let columns: Arc<[String]> = match keep {
        Some(_) => stmt.column_names().into_iter().map(str::to_owned).collect(),
        None => Arc::from(Vec::new()),
    };
    let width = columns.len();
    let mut kept = Vec::new();
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(lite_error)? {
        if kept.len() < keep.unwrap_or(0) {
            let values = (0..width)
                .map(|i| row.get::<_, Value>(i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(lite_error)?;
            kept.push(Row::Lite(LiteRow {
                columns: columns.clone(),
                values,
            }));
        }
    }
    drop(rows);
    Ok((conn.changes(), kept))
}

/// A row read on the SQLite writer: its values, copied out of the statement.
pub(crate) struct LiteRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl LiteRow {
    fn value(&self, column: &str) -> Result<&Value, DomainError> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| &self.values[i])
            .ok_or_else(|| DomainError::internal(format!("no column {column} in the row")))
    }
}

/// A row from either connection; read through the helpers in `row.rs`.
pub(crate) enum Row {
    Any(AnyRow),
    Lite(LiteRow),
}

impl Row {
    pub(crate) fn opt_text(&self, column: &str) -> Result<Option<String>, DomainError> {
        match self {
            Row::Any(row) => row.try_get::<Option<String>, _>(column).map_err(db_error),
            Row::Lite(row) => match row.value(column)? {
                Value::Null => Ok(None),
                Value::Text(text) => Ok(Some(text.clone())),
                other => Err(mistyped(column, "text", other)),
            },
        }
    }

    pub(crate) fn opt_int(&self, column: &str) -> Result<Option<i64>, DomainError> {
        match self {
            Row::Any(row) => row.try_get::<Option<i64>, _>(column).map_err(db_error),
            Row::Lite(row) => match row.value(column)? {
                Value::Null => Ok(None),
                Value::Integer(n) => Ok(Some(*n)),
                other => Err(mistyped(column, "integer", other)),
            },
        }
    }
}

fn mistyped(column: &str, wanted: &str, found: &Value) -> DomainError {
    DomainError::internal(format!(
        "column {column}: expected {wanted}, found {:?}",
        found.data_type()
    ))
}
