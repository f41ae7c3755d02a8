//! The rules of docs/design.md §6.1 that both operations share, each a step the use-cases call in
//! the table's order. Refusals are typed (`DebitsuccessRule`, with the vendor's code and wording
//! in each variant's comment); the adapter (`adapters/debitsuccess/error.rs`) writes the code
//! and the note. Messages here are neutral, for the logs, except where the vendor's note is
//! composed with the request's data (100's detail, 13203's field and limit): those are the
//! vendor's words, built here where the data is.

use chrono::NaiveDate;

use crate::domain::account::{Account, AccountReferenceNo, ExternalReferenceNo};
use crate::domain::ids::TenantId;
use crate::domain::rules::DebitsuccessRule;
use crate::domain::store::Tx;
use crate::domain::DomainError;

use super::command::{DateReading, Day, References, RequestBase, SentDate};

/// Warnings accumulate; they never stop a request (docs/design.md §6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// 14020 "DateTime field '<field>' contains time part, but the time is ignored by message".
    TimePartIgnored { field: &'static str },
}

/// `RequestInitiator` may hold 100 characters (the Debitsuccess *AdjustAccountTerminationDate* page, "Length").
pub const INITIATOR_MAX_CHARS: usize = 100;

/// Rule 100 with the .NET validator's detail; the adapter adds the note's prefix.
pub fn validation_error(detail: impl Into<String>) -> DomainError {
    DomainError::rule(DebitsuccessRule::ValidationError, detail)
}

/// Rule 13203: the vendor's note, which names the field and its limit.
fn too_long(field: &str, max: usize) -> DomainError {
    DomainError::rule(
        DebitsuccessRule::TooLong,
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
            DebitsuccessRule::MissingReference,
            "neither AccountReferenceNo nor ExternalAccountReferenceNo is given",
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
            DebitsuccessRule::InThePast,
            format!("termination date {date} is before today, {today}"),
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
            DebitsuccessRule::NoRecord,
            "no account matches the references",
        )),
        1 => found
            .pop()
            .ok_or_else(|| DomainError::internal("one account expected")),
        _ => Err(DomainError::rule(
            DebitsuccessRule::MultipleAccounts,
            "several accounts match the references",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Rule;

    fn refs(a: Option<&str>, e: Option<&str>) -> References {
        References {
            account_reference_no: a.map(str::to_owned),
            external_reference_no: e.map(str::to_owned),
        }
    }

    fn rule_of(err: DomainError) -> (DebitsuccessRule, String) {
        match err {
            DomainError::Rule {
                rule: Rule::Debitsuccess(rule),
                message,
            } => (rule, message),
            other => panic!("not a Debitsuccess rule: {other:?}"),
        }
    }

    #[test]
    fn lengths_are_checked_before_the_missing_reference_rule() {
        let (rule, message) = rule_of(lookup(&refs(Some(&"9".repeat(16)), None)).unwrap_err());
        assert_eq!(rule, DebitsuccessRule::TooLong);
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
            assert_eq!(rule, DebitsuccessRule::MissingReference, "{a:?} {e:?}");
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
        assert_eq!(rule, DebitsuccessRule::TooLong);
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

    /// The notes these give (with the adapter's prefix) are checked in
    /// `adapters/debitsuccess/error.rs`, `required_dates_name_the_field`.
    #[test]
    fn required_dates_are_rule_100() {
        let unset = sent("0001-01-01T00:00:00", DateReading::Absent);
        let malformed = sent(
            " 31/12/2031 ",
            DateReading::Malformed {
                reason: "is not a valid date",
            },
        );
        for value in [None, Some(&unset), Some(&malformed)] {
            let (rule, message) = rule_of(required_date("TerminationDate", value).unwrap_err());
            assert_eq!(rule, DebitsuccessRule::ValidationError, "{value:?}");
            assert!(message.contains("'TerminationDate'"), "{message}");
        }
    }

    #[test]
    fn today_is_allowed_yesterday_is_not() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert!(not_in_the_past(today, today).is_ok());
        let (rule, _) = rule_of(not_in_the_past(today.pred_opt().unwrap(), today).unwrap_err());
        assert_eq!(rule, DebitsuccessRule::InThePast);
    }
}
