//! The one mapping from `DomainError` to the vendor's answer (docs/design.md §2). Business failures
//! are notes in a `Status=Failed` reply (docs/design.md §6.1: "Business outcomes are HTTP 200 with
//! `Status`"); internal causes are logged, never sent.

use std::error::Error as _;

use crate::domain::DomainError;

use super::reply::{NoteType, ResponseNote};

/// The codes this adapter adds to the rule codes the service reports (vendor notes,
/// "General" error codes).
pub const INVALID_CREDENTIALS: &str = "02";
pub const SERVER_NOT_AVAILABLE: &str = "01";
pub const UNKNOWN_EXCEPTION: &str = "06";
pub const FAILED_TO_COMPLETE: &str = "09";
pub const TIMEOUT_OR_DEADLOCK: &str = "11";

pub fn note_for(error: &DomainError) -> ResponseNote {
    let (code, note) = match error {
        // 02 for every credential problem: "never reveal which".
        DomainError::Unauthenticated | DomainError::Forbidden(_) => {
            (INVALID_CREDENTIALS, "Invalid user credentials".to_owned())
        }
        // Still 02, the vendor's credentials failure, with the wait in the note.
        DomainError::Throttled { retry_after } => (
            INVALID_CREDENTIALS,
            format!(
                "Invalid user credentials: too many failed sign-ins from this client; retry in {} s",
                DomainError::retry_after_secs(*retry_after)
            ),
        ),
        DomainError::Rule { rule, message } => (*rule, message.clone()),
        DomainError::Invalid { field, reason } => (
            crate::service::debitsuccess::rules::VALIDATION_ERROR,
            format!("SOAP message validation error: {field}: {reason}"),
        ),
        DomainError::NotFound(_) => (
            crate::service::debitsuccess::rules::NO_RECORD,
            "There is no record found with this criteria".to_owned(),
        ),
        DomainError::Conflict { .. } => (
            FAILED_TO_COMPLETE,
            "Failed to complete the process".to_owned(),
        ),
        DomainError::Unavailable(_) if is_transient(error) => (
            TIMEOUT_OR_DEADLOCK,
            "Timeout/Deadlock, please retry".to_owned(),
        ),
        DomainError::Unavailable(_) => (SERVER_NOT_AVAILABLE, "Server not available".to_owned()),
        DomainError::Internal(_) => (UNKNOWN_EXCEPTION, "Unknown exception".to_owned()),
        // Issue 13: a per-tenant or per-user limit; nothing was changed. The vendor's
        // transient code says exactly "retry" (vendor notes, General error codes).
        DomainError::Busy(_) => (
            TIMEOUT_OR_DEADLOCK,
            "Timeout/Deadlock, please retry".to_owned(),
        ),
    };
    if matches!(
        error,
        DomainError::Unavailable(_) | DomainError::Internal(_)
    ) {
        tracing::error!(?error, code, "debitsuccess request failed");
    }
    ResponseNote {
        code: code.to_owned(),
        note,
        note_type: NoteType::Error,
    }
}

/// 11 "Timeout/Deadlock, please retry" when the store timed out, was busy or chose us as a
/// deadlock or serialisation victim; 01 "server not available" when it could not be reached.
/// The adapter cannot see sqlx, so it reads the cause chain's text.
fn is_transient(error: &DomainError) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string().to_ascii_lowercase();
        if [
            "timed out",
            "timeout",
            "deadlock",
            "locked",
            "busy",
            "serializ",
            "could not serialize",
        ]
        .iter()
        .any(|needle| text.contains(needle))
        {
            return true;
        }
        source = cause.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable(text: &str) -> DomainError {
        DomainError::Unavailable(Box::new(std::io::Error::other(text.to_owned())))
    }

    #[test]
    fn outages_tell_timeouts_from_unreachable_stores() {
        let codes = |text: &str| note_for(&unavailable(text)).code;
        assert_eq!(
            codes("pool timed out while waiting for an open connection"),
            "11"
        );
        assert_eq!(codes("deadlock detected"), "11");
        assert_eq!(codes("database is locked"), "11");
        assert_eq!(codes("connection refused"), "01");
        assert_eq!(
            codes("attempted to acquire a connection on a closed pool"),
            "01"
        );
    }

    #[test]
    fn credentials_problems_are_one_answer() {
        for error in [
            DomainError::Unauthenticated,
            DomainError::Forbidden("x".into()),
        ] {
            let note = note_for(&error);
            assert_eq!(
                (note.code.as_str(), note.note.as_str()),
                ("02", "Invalid user credentials")
            );
        }
        let busy = note_for(&DomainError::Busy(crate::domain::limits::Busy::new(
            crate::domain::limits::Limit::QueuedJobs { cap: 3 },
            std::time::Duration::from_secs(5),
        )));
        assert_eq!(
            (busy.code.as_str(), busy.note.as_str()),
            ("11", "Timeout/Deadlock, please retry")
        );
        let internal = note_for(&DomainError::internal("secret detail"));
        assert_eq!(internal.code, "06");
        assert!(!internal.note.contains("secret"));
    }
}
