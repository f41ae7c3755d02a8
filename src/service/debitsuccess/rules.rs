//! The rules of docs/design.md §6.1 that both operations share, each a step the use-cases call in
//! the table's order. Rule ids are the vendor's codes (the Debitsuccess *AdjustAccountTerminationDate* page, "Error Messages"; the
//! wider list in vendor-notes/debitsuccess.md); the adapter renders them as notes.

use chrono::NaiveDate;

use crate::domain::account::{Account, AccountReferenceNo, ExternalReferenceNo};
use crate::domain::ids::TenantId;
use crate::domain::store::Tx;
use crate::domain::DomainError;

use super::command::{DateReading, Day, References, RequestBase, SentDate};

/// 100 "SOAP message validation error: <detail>" — a required element missing or not of its type.
pub const VALIDATION_ERROR: &str = "100";
/// 13203 "<Field> field cannot be more than <max> characters".
pub const TOO_LONG: &str = "13203";
/// 12016 "Missing required reference number. …".
pub const MISSING_REFERENCE: &str = "12016";
/// 14091 "Termination date cannot be in the past".
pub const IN_THE_PAST: &str = "14091";
/// 08 "There is no record found with this criteria".
pub const NO_RECORD: &str = "08";
/// 07 "Multiple accounts found with this criteria".
pub const MULTIPLE_ACCOUNTS: &str = "07";
/// 10 "Account is not active".
pub const NOT_ACTIVE: &str = "10";
/// 14079 "Termination date already billed".
pub const ALREADY_BILLED: &str = "14079";
/// 09 "failed to complete the process": a request `Id` reused with another body (docs/design.md §6.1).
pub const ID_REUSED: &str = "09";

/// Warnings accumulate; they never stop a request (docs/design.md §6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// 14020 "DateTime field '<field>' contains time part, but the time is ignored by message".
    TimePartIgnored { field: &'static str },
}

/// `RequestInitiator` may hold 100 characters (the Debitsuccess *AdjustAccountTerminationDate* page, "Length").
pub const INITIATOR_MAX_CHARS: usize = 100;

pub fn validation_error(detail: impl AsRef<str>) -> DomainError {
    DomainError::rule(
        VALIDATION_ERROR,
        format!("SOAP message validation error: {}", detail.as_ref()),
    )
}

fn too_long(field: &str, max: usize) -> DomainError {
    DomainError::rule(
        TOO_LONG,
        format!("{field} field cannot be more than {max} characters"),
    )
}

/// Empty (or blank) text counts as absent (docs/design.md §6.1, 12016 "empty counts as absent").
pub fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Rule 100 for the base fields: shape problems the decoder met, then `DateCreated`'s type.
pub fn check_base_shape(base: &RequestBase) -> Result<(), DomainError> {
    if let Some(problem) = base.problems.first() {
        return Err(validation_error(problem));
    }
    if let Some(date) = &base.date_created {
        if let DateReading::Malformed { reason } = date.reading {
            return Err(not_a_date(date, "DateCreated", reason));
        }
    }
    Ok(())
}

/// Rule 100 for a required date: absent (or the client's "never set" value, see
/// [`DateReading::Absent`]) is a missing element, anything but a date is not of its type.
pub fn required_date(field: &'static str, value: Option<&SentDate>) -> Result<Day, DomainError> {
    let missing = || validation_error(format!("The element '{field}' is required."));
    let date = value.ok_or_else(missing)?;
    match date.reading {
        DateReading::Day(day) => Ok(day),
        DateReading::Absent => Err(missing()),
        DateReading::Malformed { reason } => Err(not_a_date(date, field, reason)),
    }
}

/// 100 "The value '<text>' of element '<field>' <reason>.", quoting the text without the
/// blanks around it (they are not part of the value, see [`present`]).
fn not_a_date(date: &SentDate, field: &str, reason: &str) -> DomainError {
    let text = date.text.trim();
    validation_error(format!("The value '{text}' of element '{field}' {reason}."))
}

/// Rule 13203 for `RequestInitiator`.
pub fn initiator(base: &RequestBase) -> Result<Option<String>, DomainError> {
    match present(base.initiator.as_deref()) {
        Some(text) if text.chars().count() > INITIATOR_MAX_CHARS => {
            Err(too_long("RequestInitiator", INITIATOR_MAX_CHARS))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

/// The references a lookup matches on; at least one is present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    pub reference: Option<AccountReferenceNo>,
    pub external: Option<ExternalReferenceNo>,
}

/// Rule 13203 for both references, then rule 12016.
pub fn lookup(references: &References) -> Result<Lookup, DomainError> {
    let reference = present(references.account_reference_no.as_deref())
        .map(|text| {
            AccountReferenceNo::parse(text)
                .map_err(|_| too_long("AccountReferenceNo", AccountReferenceNo::MAX_CHARS))
        })
        .transpose()?;
    let external = present(references.external_reference_no.as_deref())
        .map(|text| {
            ExternalReferenceNo::parse(text)
                .map_err(|_| too_long("ExternalAccountReferenceNo", ExternalReferenceNo::MAX_CHARS))
        })
        .transpose()?;
    if reference.is_none() && external.is_none() {
        return Err(DomainError::rule(
            MISSING_REFERENCE,
            "Missing required reference number. Must provide either ExternalAccountReferenceNo \
             or AccountReferenceNo or both",
        ));
    }
    Ok(Lookup {
        reference,
        external,
    })
}

/// Rule 14091: "before today in the tenant's zone (today is allowed)".
pub fn not_in_the_past(date: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if date < today {
        return Err(DomainError::rule(
            IN_THE_PAST,
            "Termination date cannot be in the past",
        ));
    }
    Ok(())
}

/// Rules 08 and 07: exactly one account matches every reference given ("both references
/// given → both must match"). External references are not unique, hence 07.
pub async fn the_account(
    tx: &mut dyn Tx,
    tenant: TenantId,
    lookup: &Lookup,
) -> Result<Account, DomainError> {
    let mut found = tx
        .find_accounts(
            tenant,
            lookup.reference.as_ref(),
            lookup.external.as_ref(),
            2,
        )
        .await?;
    match found.len() {
        0 => Err(DomainError::rule(
            NO_RECORD,
            "There is no record found with this criteria",
        )),
        1 => found
            .pop()
            .ok_or_else(|| DomainError::internal("one account expected")),
        _ => Err(DomainError::rule(
            MULTIPLE_ACCOUNTS,
            "Multiple accounts found with this criteria",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(a: Option<&str>, e: Option<&str>) -> References {
        References {
            account_reference_no: a.map(str::to_owned),
            external_reference_no: e.map(str::to_owned),
        }
    }

    fn rule_of(err: DomainError) -> (&'static str, String) {
        match err {
            DomainError::Rule { rule, message } => (rule, message),
            other => panic!("not a rule: {other:?}"),
        }
    }

    #[test]
    fn lengths_are_checked_before_the_missing_reference_rule() {
        let (rule, message) = rule_of(lookup(&refs(Some(&"9".repeat(16)), None)).unwrap_err());
        assert_eq!(rule, TOO_LONG);
        assert_eq!(
            message,
            "AccountReferenceNo field cannot be more than 15 characters"
        );
        let (_, message) = rule_of(lookup(&refs(None, Some(&"x".repeat(51)))).unwrap_err());
        assert_eq!(
            message,
            "ExternalAccountReferenceNo field cannot be more than 50 characters"
        );
        assert!(lookup(&refs(Some(&"9".repeat(15)), Some(&"x".repeat(50)))).is_ok());
    }

    #[test]
    fn empty_and_blank_references_count_as_absent() {
        for (a, e) in [(None, None), (Some(""), None), (Some("  "), Some(""))] {
            let (rule, _) = rule_of(lookup(&refs(a, e)).unwrap_err());
            assert_eq!(rule, MISSING_REFERENCE, "{a:?} {e:?}");
        }
        let found = lookup(&refs(Some(""), Some(" EXT-1 "))).unwrap();
        assert_eq!(found.reference, None);
        assert_eq!(found.external.unwrap().as_str(), "EXT-1");
    }

    #[test]
    fn initiators_hold_a_hundred_characters() {
        let base = |text: String| RequestBase {
            initiator: Some(text),
            ..RequestBase::default()
        };
        assert!(initiator(&base("é".repeat(100))).is_ok());
        let (rule, message) = rule_of(initiator(&base("é".repeat(101))).unwrap_err());
        assert_eq!(rule, TOO_LONG);
        assert_eq!(
            message,
            "RequestInitiator field cannot be more than 100 characters"
        );
    }

    fn sent(text: &str, reading: DateReading) -> SentDate {
        SentDate {
            text: text.to_owned(),
            reading,
        }
    }

    #[test]
    fn required_dates_name_the_field() {
        let (rule, message) = rule_of(required_date("TerminationDate", None).unwrap_err());
        assert_eq!(rule, VALIDATION_ERROR);
        assert_eq!(
            message,
            "SOAP message validation error: The element 'TerminationDate' is required."
        );
        let unset = sent("0001-01-01T00:00:00", DateReading::Absent);
        let (_, message) = rule_of(required_date("TerminationDate", Some(&unset)).unwrap_err());
        assert!(message.contains("is required"));
        let malformed = sent(
            " 31/12/2031 ",
            DateReading::Malformed {
                reason: "is not a valid date",
            },
        );
        let (_, message) = rule_of(required_date("TerminationDate", Some(&malformed)).unwrap_err());
        assert!(message.starts_with(
            "SOAP message validation error: The value '31/12/2031' of element 'TerminationDate' is not"
        ));
    }

    #[test]
    fn today_is_allowed_yesterday_is_not() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert!(not_in_the_past(today, today).is_ok());
        let (rule, _) = rule_of(not_in_the_past(today.pred_opt().unwrap(), today).unwrap_err());
        assert_eq!(rule, IN_THE_PAST);
    }
}
