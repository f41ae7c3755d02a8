//! The request journal (issue 19 item 1; docs/operations.md "Request journal"): what each
//! request to a vendor API was, as an operator reads it back. Bodies and headers are stored
//! already redacted (`service::journal::redact`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::user::Api;
use super::DomainError;

/// One journaled request, without its bodies (a row of the listing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: Uuid,
    /// When the request arrived.
    pub at: DateTime<Utc>,
    /// The caller's tenant code; `None` when the request authenticated no one.
    pub tenant: Option<String>,
    pub username: Option<String>,
    pub api: Api,
    /// The vendor operation (a SOAP operation name) or the route's pattern.
    pub operation: String,
    /// The wire format: `soap11`, `soap12`, `json`, `xml`, `form` or `none`.
    pub channel: String,
    pub method: String,
    /// Path and query string, secrets in the query redacted.
    pub path: String,
    pub status: u16,
    /// The vendor's outcome code when the adapter reported one, else `ok`,
    /// `client_error` or `server_error` from the HTTP status.
    pub outcome: String,
    pub latency_us: i64,
    pub request_id: String,
}

/// The stored bodies and headers of one request, redacted and capped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalDetail {
    /// The headers of interest, `(name, value)`, credentials redacted.
    pub headers: Vec<(String, String)>,
    pub request_body: String,
    pub request_truncated: bool,
    pub reply_body: String,
    pub reply_truncated: bool,
}

/// An entry with its detail: what the writer inserts and `GET …/requests/{id}` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub entry: JournalEntry,
    pub detail: JournalDetail,
}

/// Which entries a listing wants; every field narrows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalFilter {
    /// `Some(None)`: requests with no tenant.
    pub tenant: Option<Option<String>>,
    pub api: Option<Api>,
    pub operation: Option<String>,
    pub username: Option<String>,
    pub outcome: Option<String>,
    /// From this instant (inclusive) …
    pub from: Option<DateTime<Utc>>,
    /// … to this one (exclusive).
    pub to: Option<DateTime<Utc>>,
    pub request_id: Option<String>,
}

/// A position in the newest-first listing: the last entry of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JournalCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl JournalCursor {
    /// `<microseconds since 1970>-<uuid as 32 hex digits>`, as [`JournalCursor::parse`] reads
    /// it back. Every string of that shape (the OpenAPI pattern `^[0-9]{1,16}-[0-9a-f]{32}$`)
    /// is a cursor, so the contract says exactly what the server takes.
    pub fn encode(&self) -> String {
        format!("{}-{}", self.at.timestamp_micros(), self.id.simple())
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("cursor", "not a cursor from a page's `next`");
        let (micros, id) = text.split_once('-').ok_or_else(bad)?;
        let well_formed = (1..=16).contains(&micros.len())
            && micros.bytes().all(|b| b.is_ascii_digit())
            && id.len() == 32
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !well_formed {
            return Err(bad());
        }
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        Ok(Self {
            at: DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(bad)?,
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

/// A UUID whose first 64 bits are `at` in microseconds and the rest random: ids made later
/// sort later. Journal entries (and generated request ids) use it because a random key
/// dirties a random index page per insert, and on SQLite's one writer that WAL volume was
/// most of the journal's cost on the write path (BENCHMARKS.md "Issue 19").
pub fn ordered_id(at: DateTime<Utc>) -> Uuid {
    let micros = u64::try_from(at.timestamp_micros()).unwrap_or(0);
    Uuid::from_u64_pair(micros, Uuid::new_v4().as_u64_pair().1)
}

/// Requests of one (api, operation, outcome) in a time window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrafficCount {
    pub api: Api,
    pub operation: String,
    pub outcome: String,
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_nonsense_is_refused() {
        let cursor = JournalCursor {
            at: super::super::clock::from_storage("2026-01-02T03:04:05.123456Z").unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(JournalCursor::parse(&cursor.encode()).unwrap(), cursor);
        let early = ordered_id(cursor.at);
        let later = ordered_id(cursor.at + chrono::Duration::microseconds(1));
        assert!(early < later && early != ordered_id(cursor.at));
        for bad in [
            "",
            "x~y",
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05Z~nope",
        ] {
            assert!(JournalCursor::parse(bad).is_err(), "{bad}");
        }
    }
}
