//! Decoding helpers: stored text back into domain types. A value that fails to parse
//! here was written by something other than this program: an internal error.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::clock;
use crate::domain::DomainError;

use super::exec::Row;

pub(crate) fn corrupt(column: &str, value: &str) -> DomainError {
    DomainError::internal(format!("stored {column} '{value}' does not parse"))
}

pub(crate) fn text(row: &Row, column: &str) -> Result<String, DomainError> {
    row.opt_text(column)?
        .ok_or_else(|| DomainError::internal(format!("stored {column} is null")))
}

pub(crate) fn opt_text(row: &Row, column: &str) -> Result<Option<String>, DomainError> {
    row.opt_text(column)
}

pub(crate) fn int(row: &Row, column: &str) -> Result<i64, DomainError> {
    row.opt_int(column)?
        .ok_or_else(|| DomainError::internal(format!("stored {column} is null")))
}

pub(crate) fn opt_int(row: &Row, column: &str) -> Result<Option<i64>, DomainError> {
    row.opt_int(column)
}

pub(crate) fn uuid(row: &Row, column: &str) -> Result<Uuid, DomainError> {
    let value = text(row, column)?;
    Uuid::parse_str(&value).map_err(|_| corrupt(column, &value))
}

pub(crate) fn opt_uuid(row: &Row, column: &str) -> Result<Option<Uuid>, DomainError> {
    opt_text(row, column)?
        .map(|value| Uuid::parse_str(&value).map_err(|_| corrupt(column, &value)))
        .transpose()
}

pub(crate) fn date(row: &Row, column: &str) -> Result<NaiveDate, DomainError> {
    let value = text(row, column)?;
    parse_date(column, &value)
}

pub(crate) fn opt_date(row: &Row, column: &str) -> Result<Option<NaiveDate>, DomainError> {
    opt_text(row, column)?
        .map(|value| parse_date(column, &value))
        .transpose()
}

fn parse_date(column: &str, value: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| corrupt(column, value))
}

pub(crate) fn timestamp(row: &Row, column: &str) -> Result<DateTime<Utc>, DomainError> {
    let value = text(row, column)?;
    clock::from_storage(&value).ok_or_else(|| corrupt(column, &value))
}

pub(crate) fn opt_timestamp(row: &Row, column: &str) -> Result<Option<DateTime<Utc>>, DomainError> {
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
