//! The reply's fields, version-neutral (docs/design.md §6.1): `DateCreated` (the tenant's zone,
//! its offset, 7 fractional digits as WCF writes them), `Id` (a new GUID per reply),
//! `ResponseNotes`, `Status`, and the operation's own fields. The JSON form serialises these
//! as they are; SOAP and XML render them through `result_xml`. A reply stored under a
//! request `Id` is kept in this form and rendered again for whoever repeats the request.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::tenant::TimeZone;
use crate::service::debitsuccess::rules::Warning;
use crate::service::debitsuccess::{AccountView, Adjusted, Answer};

use super::amount::Amount;
use super::error::note_for;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = DsNoteType)]
pub enum NoteType {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = DsResponseStatus)]
pub enum ResponseStatus {
    Failed,
    Succeed,
    Unknown,
}

/// One validation message (`ResponseMessageNote`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = DsResponseMessageNote)]
pub struct ResponseNote {
    /// `00` on success; the error or warning code otherwise (docs/debitsuccess.md, rules table).
    pub code: String,
    pub note: String,
    pub note_type: NoteType,
}

/// The fields every reply carries (`ResponseBase`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = DsResponseBase)]
pub struct ResultBase {
    /// When the message was processed, in the client's time zone with its offset,
    /// e.g. `2021-02-11T17:41:36.2391408+13:00`.
    #[schema(example = "2021-02-11T17:41:36.2391408+13:00")]
    pub date_created: String,
    /// A new GUID for every reply.
    pub id: String,
    pub response_notes: Vec<ResponseNote>,
    pub status: ResponseStatus,
}

/// `AdjustAccountTerminationDateResult`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = DsAdjustAccountTerminationDateResult)]
pub struct AdjustResult {
    #[serde(flatten)]
    pub base: ResultBase,
}

/// `GetCustomerAccountByAccountIdResult`: the base fields and the account (null on failure).
/// Read back (a replayed request `Id`) through [`StoredAccountResult`]: `#[serde(flatten)]`
/// buffers what it reads, which would turn `TotalContractValue` into a float on the way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase", from = "StoredAccountResult")]
#[schema(as = DsGetCustomerAccountByAccountIdResult)]
pub struct AccountResult {
    #[serde(flatten)]
    pub base: ResultBase,
    pub account: Option<CustomerAccount>,
}

/// [`AccountResult`]'s fields side by side, as serialised.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredAccountResult {
    date_created: String,
    id: String,
    response_notes: Vec<ResponseNote>,
    status: ResponseStatus,
    account: Option<CustomerAccount>,
}

impl From<StoredAccountResult> for AccountResult {
    fn from(stored: StoredAccountResult) -> Self {
        Self {
            base: ResultBase {
                date_created: stored.date_created,
                id: stored.id,
                response_notes: stored.response_notes,
                status: stored.status,
            },
            account: stored.account,
        }
    }
}

/// `CustomerAccount`; dates are `xs:dateTime` values without a zone, as WCF writes a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = DsCustomerAccount)]
pub struct CustomerAccount {
    pub account_reference_no: String,
    /// `Active`, `Suspended`, `Cancelled` or `Closed`.
    pub account_status: String,
    pub external_account_reference_no: Option<String>,
    #[schema(example = "2030-06-30T00:00:00")]
    pub final_bill_date: Option<String>,
    pub products: Vec<AccountProduct>,
    #[schema(example = "2024-01-01T00:00:00")]
    pub start_date: String,
    #[schema(example = "2031-12-31T00:00:00")]
    pub termination_date: Option<String>,
    /// Never changed by `AdjustAccountTerminationDate`. Exactly two decimals (`960.00`).
    pub total_contract_value: Option<Amount>,
}

/// One product instance: its product's code and its effective status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = DsAccountProduct)]
pub struct AccountProduct {
    pub product_code: String,
    /// `ACTIVE`, `CANCELLED` or `DETACHED`.
    pub status: String,
}

/// `2021-02-11T17:41:36.2391408+13:00`: WCF's round-trip format for a local `DateTime`.
/// Written field by field: chrono's `format` parses its pattern on every call, and this
/// runs for every reply (issue 9).
pub fn date_created(at: DateTime<Utc>, zone: TimeZone) -> String {
    let local = at.with_timezone(&zone.tz());
    let offset = local.offset().fix().local_minus_utc();
    let sign = if offset < 0 { "-" } else { "+" };
    // In minutes, rounded as chrono's `%:z` rounds (historical offsets have seconds).
    let offset = (offset.unsigned_abs() + 30) / 60;
    // A leap second (nanoseconds past 10^9) has no WCF form: it stays in second 59.
    let ticks = (local.nanosecond() / 100).min(9_999_999);
    let year = u32::try_from(local.year()).unwrap_or(0);
    let mut out = String::with_capacity(33);
    for (separator, value, width) in [
        ("", year, 4),
        ("-", local.month(), 2),
        ("-", local.day(), 2),
        ("T", local.hour(), 2),
        (":", local.minute(), 2),
        (":", local.second(), 2),
        (".", ticks, 7),
        (sign, offset / 60, 2),
        (":", offset % 60, 2),
    ] {
        out.push_str(separator);
        push_padded(&mut out, value, width);
    }
    out
}

/// `value` in decimal, zero-padded to `width` digits (`format!("{value:0width$}")` without
/// the formatting machinery).
fn push_padded(out: &mut String, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut rest = value;
    let mut first = digits.len();
    while rest > 0 {
        first -= 1;
        digits[first] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let first = first.min(digits.len().saturating_sub(width));
    out.extend(digits[first..].iter().map(|&d| char::from(d)));
}

fn warning_note(warning: &Warning) -> ResponseNote {
    match warning {
        Warning::TimePartIgnored { field } => ResponseNote {
            code: "14020".to_owned(),
            note: format!(
                "DateTime field '{field}' contains time part, but the time is ignored by message"
            ),
            note_type: NoteType::Warning,
        },
    }
}

fn base<T>(answer: &Answer<T>) -> ResultBase {
    let mut notes: Vec<ResponseNote> = answer.warnings.iter().map(warning_note).collect();
    let status = match &answer.result {
        Ok(_) => {
            notes.push(ResponseNote {
                code: "00".to_owned(),
                note: "Success".to_owned(),
                note_type: NoteType::Info,
            });
            ResponseStatus::Succeed
        }
        Err(error) => {
            notes.push(note_for(error));
            ResponseStatus::Failed
        }
    };
    ResultBase {
        date_created: date_created(answer.at, answer.zone),
        id: uuid::Uuid::new_v4().to_string(),
        response_notes: notes,
        status,
    }
}

pub fn adjust_result(answer: &Answer<Adjusted>) -> AdjustResult {
    AdjustResult { base: base(answer) }
}

pub fn account_result(answer: &Answer<AccountView>) -> AccountResult {
    AccountResult {
        base: base(answer),
        account: answer.result.as_ref().ok().map(customer_account),
    }
}

fn date_time(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00", date.format("%Y-%m-%d"))
}

fn customer_account(view: &AccountView) -> CustomerAccount {
    let account = &view.account;
    CustomerAccount {
        account_reference_no: account.reference_no.as_str().to_owned(),
        account_status: account.status.as_str().to_owned(),
        external_account_reference_no: account
            .external_reference_no
            .as_ref()
            .map(|r| r.as_str().to_owned()),
        final_bill_date: account.final_bill_date.map(date_time),
        products: view
            .products
            .iter()
            .map(|p| AccountProduct {
                product_code: p.code.clone(),
                status: p.status.as_str().to_owned(),
            })
            .collect(),
        start_date: date_time(account.start_date),
        termination_date: account.termination_date.map(date_time),
        total_contract_value: account.total_contract_value.map(Amount),
    }
}

impl ResultBase {
    /// The first error's code, for the JSON form's HTTP status and the metrics.
    pub fn error_code(&self) -> Option<&str> {
        self.response_notes
            .iter()
            .find(|n| n.note_type == NoteType::Error)
            .map(|n| n.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn date_created_has_the_zone_offset_and_seven_fraction_digits() {
        let at = Utc.with_ymd_and_hms(2021, 2, 11, 4, 41, 36).unwrap()
            + chrono::Duration::nanoseconds(239_140_899);
        let auckland = TimeZone::parse("Pacific/Auckland").unwrap();
        assert_eq!(
            date_created(at, auckland),
            "2021-02-11T17:41:36.2391408+13:00"
        );
        let london = TimeZone::parse("Europe/London").unwrap();
        assert_eq!(
            date_created(at, london),
            "2021-02-11T04:41:36.2391408+00:00"
        );
        let st_johns = TimeZone::parse("America/St_Johns").unwrap();
        assert_eq!(
            date_created(at, st_johns),
            "2021-02-11T01:11:36.2391408-03:30"
        );
    }

    #[test]
    fn padded_numbers_never_lose_digits() {
        let padded = |value, width| {
            let mut out = String::new();
            push_padded(&mut out, value, width);
            out
        };
        assert_eq!(padded(0, 2), "00");
        assert_eq!(padded(7, 7), "0000007");
        assert_eq!(padded(12_345, 2), "12345");
        assert_eq!(padded(u32::MAX, 4), "4294967295");
    }

    #[test]
    fn date_created_agrees_with_chrono_s_own_formatting() {
        for name in [
            "UTC",
            "Pacific/Auckland",
            "Pacific/Chatham",
            "Asia/Kolkata",
            "America/St_Johns",
            "America/Los_Angeles",
        ] {
            let zone = TimeZone::parse(name).unwrap();
            // Every ~40 days from 1900 to 2100, at an odd sub-second.
            let mut at = Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::nanoseconds(123_456_789);
            while at.year() < 2100 {
                let local = at.with_timezone(&zone.tz());
                let expected = format!(
                    "{}.{:07}{}",
                    local.format("%Y-%m-%dT%H:%M:%S"),
                    local.timestamp_subsec_nanos() / 100,
                    local.format("%:z")
                );
                assert_eq!(date_created(at, zone), expected, "{name} {at}");
                at += chrono::Duration::seconds(3_456_789);
            }
        }
    }
}
