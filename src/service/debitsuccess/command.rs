//! The version-neutral messages (docs/design.md §2): what a client sent, whichever SOAP version or
//! JSON form carried it. Values stay as the client's text: the rules of docs/design.md §6.1 must run
//! in the table's order (credentials before validation), so parsing them is a rule step,
//! not something the adapter may refuse up front.

use std::fmt;

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
    /// An `xs:dateTime` when present; only its type is checked.
    pub date_created: Option<String>,
    /// Shape problems the decoder met (an element with child elements where a value was
    /// expected, a repeated field, a JSON number where text was expected): error 100,
    /// reported in rule order, after the credentials.
    pub problems: Vec<String>,
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
    /// `yyyy-MM-dd`; a time part is ignored with warning 14020.
    pub termination_date: Option<String>,
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
            self.termination_date.as_deref(),
        ]
    }
}
