//! The rules of docs/design.md §6.1 (the Debitsuccess *AdjustAccountTerminationDate* page,
//! "Error Messages"; the wider list in vendor-notes/debitsuccess.md). Each variant's comment
//! gives the vendor's code and wording; both are the adapter's to write
//! (`src/adapters/debitsuccess/error.rs`).

/// A Debitsuccess operation's refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DebitsuccessRule {
    /// 100 "SOAP message validation error: <detail>" — a required element missing or not of its type.
    ValidationError,
    /// 13203 "<Field> field cannot be more than <max> characters".
    TooLong,
    /// 12016 "Missing required reference number. …".
    MissingReference,
    /// 14091 "Termination date cannot be in the past".
    InThePast,
    /// 08 "There is no record found with this criteria".
    NoRecord,
    /// 07 "Multiple accounts found with this criteria".
    MultipleAccounts,
    /// 10 "Account is not active".
    NotActive,
    /// 14079 "Termination date already billed".
    AlreadyBilled,
    /// 09 "failed to complete the process": a request `Id` reused with another body (docs/design.md §6.1).
    IdReused,
}

impl DebitsuccessRule {
    /// The rule's stable name (logs only: the wire code is the adapter's).
    pub fn id(self) -> &'static str {
        match self {
            DebitsuccessRule::ValidationError => "debitsuccess.validation_error",
            DebitsuccessRule::TooLong => "debitsuccess.too_long",
            DebitsuccessRule::MissingReference => "debitsuccess.missing_reference",
            DebitsuccessRule::InThePast => "debitsuccess.in_the_past",
            DebitsuccessRule::NoRecord => "debitsuccess.no_record",
            DebitsuccessRule::MultipleAccounts => "debitsuccess.multiple_accounts",
            DebitsuccessRule::NotActive => "debitsuccess.not_active",
            DebitsuccessRule::AlreadyBilled => "debitsuccess.already_billed",
            DebitsuccessRule::IdReused => "debitsuccess.id_reused",
        }
    }
}
