//! The version-neutral messages (docs/design.md §2): what a client sent, whichever SOAP version or
//! JSON form carried it. Values stay as the client's text, dates with the adapter's reading of
//! them ([`SentDate`]): the rules of docs/design.md §6.1 must run in the table's order
//! (credentials before validation), so refusing a value is a rule step, not something the
//! adapter may do up front.

use std::fmt;

use chrono::NaiveDate;

/// `User{Id?, Username, Password}` (the Debitsuccess *AdjustAccountTerminationDate* page: "Provided by Debitsuccess").
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UserCredentials {
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Passwords stay out of logs.
impl fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserCredentials({:?}, ***)", self.username)
    }
}

/// The base fields every request carries: `DateCreated?`, `Id?`, `RequestInitiator?`, `User`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestBase {
    pub user: Option<UserCredentials>,
    /// The client's message id; a repeat replays the stored reply.
    pub message_id: Option<String>,
    /// "Optional – allows requesting user to be logged" (the Debitsuccess *AdjustAccountTerminationDate* page), ≤ 100 characters.
    pub initiator: Option<String>,
    /// Only its type is checked.
    pub date_created: Option<SentDate>,
    /// Shape problems the decoder met (an element with child elements where a value was
    /// expected, a repeated field, a JSON number where text was expected): error 100,
    /// reported in rule order, after the credentials.
    pub problems: Vec<String>,
}

/// A date field as the client sent it and as the adapter read it: which lexical forms a
/// date may take on the wire is the adapter's business (`adapters::debitsuccess::wire_date`),
/// what the reading means is the rules' (docs/design.md §6.1). Reading never refuses: rule
/// 100 is reported in rule order, after the credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentDate {
    /// The text as sent: a repeated `Id`'s fingerprint covers it, and rule 100 quotes it.
    pub text: String,
    pub reading: DateReading,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateReading {
    /// Blank, or the value the client's platform sends for a date it never set: no date.
    Absent,
    Day(Day),
    /// Not a date. The reason completes "The value '…' of element '…' " (rule 100).
    Malformed {
        reason: &'static str,
    },
}

/// A calendar date as a client gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    /// A time of day other than midnight came with the date (warning 14020).
    pub time_of_day: bool,
}

/// `AccountReferenceNo?` (≤ 15) and `ExternalAccountReferenceNo?` (≤ 50): at least one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    pub account_reference_no: Option<String>,
    pub external_reference_no: Option<String>,
}

/// `AdjustAccountTerminationDate` (the Debitsuccess *AdjustAccountTerminationDate* page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdjustTerminationDate {
    pub base: RequestBase,
    pub references: References,
    /// A time of day sent with it is ignored with warning 14020.
    pub termination_date: Option<SentDate>,
}

/// `GetCustomerAccountByAccountId` (docs/design.md §6.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetCustomerAccount {
    pub base: RequestBase,
    pub references: References,
}

impl AdjustTerminationDate {
    /// What "the same body" means for a repeated `Id`: the operation and its data fields.
    /// Credentials, `DateCreated` and the envelope's formatting are not part of it, so a
    /// retry that re-stamps `DateCreated` or changes prefixes is still the same message.
    pub fn fingerprint_parts(&self) -> Vec<Option<&str>> {
        vec![
            self.base.initiator.as_deref(),
            self.references.account_reference_no.as_deref(),
            self.references.external_reference_no.as_deref(),
            self.termination_date
                .as_ref()
                .map(|date| date.text.as_str()),
        ]
    }
}
