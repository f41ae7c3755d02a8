//! Decoding helpers: stored text back into domain types. A value that fails to parse
//! here was written by something other than this program: an internal error.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::domain::clock;
use crate::domain::DomainError;

use super::errors::db_error;

pub(crate) fn corrupt(column: &str, value: &str) -> DomainError {
    DomainError::internal(format!("stored {column} '{value}' does not parse"))
}

pub(crate) fn text(row: &AnyRow, column: &str) -> Result<String, DomainError> {
    row.try_get::<String, _>(column).map_err(db_error)
}

pub(crate) fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>, DomainError> {
    row.try_get::<Option<String>, _>(column).map_err(db_error)
}

pub(crate) fn int(row: &AnyRow, column: &str) -> Result<i64, DomainError> {
    row.try_get::<i64, _>(column).map_err(db_error)
}

pub(crate) fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>, DomainError> {
    row.try_get::<Option<i64>, _>(column).map_err(db_error)
}

pub(crate) fn uuid(row: &AnyRow, column: &str) -> Result<Uuid, DomainError> {
    let value = text(row, column)?;
    Uuid::parse_str(&value).map_err(|_| corrupt(column, &value))
}

pub(crate) fn opt_uuid(row: &AnyRow, column: &str) -> Result<Option<Uuid>, DomainError> {
    opt_text(row, column)?
        .map(|value| Uuid::parse_str(&value).map_err(|_| corrupt(column, &value)))
        .transpose()
}

pub(crate) fn date(row: &AnyRow, column: &str) -> Result<NaiveDate, DomainError> {
    let value = text(row, column)?;
    parse_date(column, &value)
}

pub(crate) fn opt_date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>, DomainError> {
    opt_text(row, column)?
        .map(|value| parse_date(column, &value))
        .transpose()
}

fn parse_date(column: &str, value: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| corrupt(column, value))
}

pub(crate) fn timestamp(row: &AnyRow, column: &str) -> Result<DateTime<Utc>, DomainError> {
    let value = text(row, column)?;
    clock::from_storage(&value).ok_or_else(|| corrupt(column, &value))
}

pub(crate) fn opt_timestamp(
    row: &AnyRow,
    column: &str,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    opt_text(row, column)?
        .map(|value| clock::from_storage(&value).ok_or_else(|| corrupt(column, &value)))
        .transpose()
}

/// Dates are stored as `YYYY-MM-DD`.
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Re-parses a stored value with its domain constructor, turning a failure into corruption.
pub(crate) fn parsed<T>(
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, DomainError>,
) -> Result<T, DomainError> {
    parse(value).map_err(|_| corrupt(column, value))
}
