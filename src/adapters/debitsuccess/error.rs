//! The one mapping from `DomainError` to the vendor's answer (docs/design.md §2). Business failures
//! are notes in a `Status=Failed` reply (docs/design.md §6.1: "Business outcomes are HTTP 200 with
//! `Status`"); internal causes are logged, never sent. The vendor's codes and wording are
//! here: the service reports typed rules (`domain::rules::DebitsuccessRule`).

use crate::domain::rules::{DebitsuccessRule, Rule};
use crate::domain::{DomainError, Unavailability};

use super::reply::{NoteType, ResponseNote};

/// The codes this adapter adds to the rule codes (vendor notes, "General" error codes).
pub const INVALID_CREDENTIALS: &str = "02";
pub const SERVER_NOT_AVAILABLE: &str = "01";
pub const UNKNOWN_EXCEPTION: &str = "06";
pub const FAILED_TO_COMPLETE: &str = "09";
pub const TIMEOUT_OR_DEADLOCK: &str = "11";
/// 100 "SOAP message validation error: <detail>".
pub const VALIDATION_ERROR: &str = "100";
/// 08 "There is no record found with this criteria".
const NO_RECORD: &str = "08";
const NO_RECORD_NOTE: &str = "There is no record found with this criteria";

/// Rule 100's note: the .NET validator's prefix before the detail.
pub fn validation_note(detail: impl std::fmt::Display) -> String {
    format!("SOAP message validation error: {detail}")
}

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
        DomainError::Rule {
            rule: Rule::Debitsuccess(rule),
            message,
        } => rule_note(*rule, message),
        // Decision: the Debitsuccess use-cases raise only their own family's rules (a reused
        // request `Id` is their own 09, not `Idempotency-Key` reuse). Another family's rule
        // here is a bug: answered 06 "Unknown exception", like any internal error, and logged.
        DomainError::Rule {
            rule:
                Rule::Flolive(_)
                | Rule::Crmcom(_)
                | Rule::BillingCare(_)
                | Rule::Disconnect(_)
                | Rule::Idempotency(_)
                | Rule::Admin(_),
            ..
        } => {
            tracing::error!(?error, "debitsuccess: a rule of another API's use-cases");
            (UNKNOWN_EXCEPTION, "Unknown exception".to_owned())
        }
        DomainError::Invalid { field, reason } => (
            VALIDATION_ERROR,
            validation_note(format_args!("{field}: {reason}")),
        ),
        DomainError::NotFound(_) => (NO_RECORD, NO_RECORD_NOTE.to_owned()),
        DomainError::Conflict { .. } => (
            FAILED_TO_COMPLETE,
            "Failed to complete the process".to_owned(),
        ),
        // The store timed out, was busy or chose us as a deadlock or serialisation victim
        // (classified in `storage/sql/errors.rs`): the vendor's transient code.
        DomainError::Unavailable {
            kind: Unavailability::Busy,
            ..
        } => (
            TIMEOUT_OR_DEADLOCK,
            "Timeout/Deadlock, please retry".to_owned(),
        ),
        // It could not be reached at all.
        DomainError::Unavailable {
            kind: Unavailability::Down,
            ..
        } => (SERVER_NOT_AVAILABLE, "Server not available".to_owned()),
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
        DomainError::Unavailable { .. } | DomainError::Internal(_)
    ) {
        tracing::error!(?error, code, "debitsuccess request failed");
    }
    ResponseNote {
        code: code.to_owned(),
        note,
        note_type: NoteType::Error,
    }
}

/// Each rule's code and note (the Debitsuccess *AdjustAccountTerminationDate* page, "Error
/// Messages"; docs/debitsuccess.md, "Error codes"). Exhaustive: a new rule does not compile
/// until it has its code here.
fn rule_note(rule: DebitsuccessRule, message: &str) -> (&'static str, String) {
    let (code, note) = match rule {
        // The service gives the detail (the .NET validator's sentence, with the element).
        DebitsuccessRule::ValidationError => return (VALIDATION_ERROR, validation_note(message)),
        // The vendor's sentence names the field and its limit: the service composes it.
        DebitsuccessRule::TooLong => return ("13203", message.to_owned()),
        DebitsuccessRule::MissingReference => (
            "12016",
            "Missing required reference number. Must provide either ExternalAccountReferenceNo \
             or AccountReferenceNo or both",
        ),
        DebitsuccessRule::InThePast => ("14091", "Termination date cannot be in the past"),
        DebitsuccessRule::NoRecord => (NO_RECORD, NO_RECORD_NOTE),
        DebitsuccessRule::MultipleAccounts => ("07", "Multiple accounts found with this criteria"),
        DebitsuccessRule::NotActive => ("10", "Account is not active"),
        DebitsuccessRule::AlreadyBilled => ("14079", "Termination date already billed"),
        DebitsuccessRule::IdReused => (
            FAILED_TO_COMPLETE,
            "Failed to complete the process: this request Id was already used for a different \
             request",
        ),
    };
    (code, note.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kind is classified in storage (`storage/sql/errors.rs` tests each code); the
    /// adapter answers by the kind alone.
    #[test]
    fn outages_tell_timeouts_from_unreachable_stores() {
        let code = |kind| note_for(&DomainError::unavailable(kind, "any text")).code;
        assert_eq!(code(Unavailability::Busy), "11");
        assert_eq!(code(Unavailability::Down), "01");
        let busy = note_for(&DomainError::unavailable(
            Unavailability::Busy,
            "server not available",
        ));
        assert_eq!(busy.note, "Timeout/Deadlock, please retry");
        let down = note_for(&DomainError::unavailable(
            Unavailability::Down,
            "pool timed out, database is locked",
        ));
        assert_eq!(down.note, "Server not available");
    }

    fn note(error: DomainError) -> (String, String) {
        let note = note_for(&error);
        (note.code, note.note)
    }

    /// Moved here from the service's rules with the note's wording.
    #[test]
    fn required_dates_name_the_field() {
        use super::super::wire_date::read;
        use crate::service::debitsuccess::rules::required_date;
        let (code, message) = note(required_date("TerminationDate", None).unwrap_err());
        assert_eq!(code, "100");
        assert_eq!(
            message,
            "SOAP message validation error: The element 'TerminationDate' is required."
        );
        let (_, message) = note(
            required_date("TerminationDate", Some(&read("0001-01-01T00:00:00".into())))
                .unwrap_err(),
        );
        assert!(message.contains("is required"));
        let (_, message) =
            note(required_date("TerminationDate", Some(&read(" 31/12/2031 ".into()))).unwrap_err());
        assert!(message.starts_with(
            "SOAP message validation error: The value '31/12/2031' of element 'TerminationDate' is not"
        ));
    }

    /// The vendor's codes and notes (docs/debitsuccess.md, "Error codes"), whatever neutral
    /// message the service gave.
    #[test]
    fn rules_are_answered_with_the_vendors_code_and_note() {
        let cases = [
            (
                DebitsuccessRule::MissingReference,
                "12016",
                "Missing required reference number. \
              Must provide either ExternalAccountReferenceNo or AccountReferenceNo or both",
            ),
            (
                DebitsuccessRule::InThePast,
                "14091",
                "Termination date cannot be in the past",
            ),
            (
                DebitsuccessRule::NoRecord,
                "08",
                "There is no record found with this criteria",
            ),
            (
                DebitsuccessRule::MultipleAccounts,
                "07",
                "Multiple accounts found with this criteria",
            ),
            (DebitsuccessRule::NotActive, "10", "Account is not active"),
            (
                DebitsuccessRule::AlreadyBilled,
                "14079",
                "Termination date already billed",
            ),
            (
                DebitsuccessRule::IdReused,
                "09",
                "Failed to complete the process: this request Id \
              was already used for a different request",
            ),
            (DebitsuccessRule::TooLong, "13203", "neutral"),
            (
                DebitsuccessRule::ValidationError,
                "100",
                "SOAP message validation error: neutral",
            ),
        ];
        for (rule, code, text) in cases {
            assert_eq!(
                note(DomainError::rule(rule, "neutral")),
                (code.to_owned(), text.to_owned()),
                "{rule:?}"
            );
        }
        let foreign = note(DomainError::rule(
            crate::domain::rules::IdempotencyRule::KeyReused,
            "x",
        ));
        assert_eq!(foreign, ("06".to_owned(), "Unknown exception".to_owned()));
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
