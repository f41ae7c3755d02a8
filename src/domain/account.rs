//! Accounts (docs/design.md §3) and their parsed reference numbers.

use chrono::NaiveDate;

use super::ids::{AccountId, CustomerId, TenantId};
use super::money::Money;
use super::poid::Poid;
use super::DomainError;

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            /// Trimmed; empty is refused (callers treat empty as absent before calling).
            pub fn parse(text: &str) -> Result<Self, DomainError> {
                let text = text.trim();
                if text.is_empty() {
                    return Err(DomainError::invalid($field, "must not be empty"));
                }
                if text.chars().count() > Self::MAX_CHARS {
                    return Err(DomainError::invalid(
                        $field,
                        format!("{} field cannot be more than {} characters", $field, Self::MAX_CHARS),
                    ));
                }
                Ok(Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text!(
    /// Debitsuccess reference number: at most 15 characters, unique per tenant.
    AccountReferenceNo,
    "AccountReferenceNo",
    15
);
bounded_text!(
    /// The client's own account identifier: at most 50 characters, **not** unique.
    ExternalReferenceNo,
    "ExternalAccountReferenceNo",
    50
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    Suspended,
    Cancelled,
    Closed,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "Active",
            AccountStatus::Suspended => "Suspended",
            AccountStatus::Cancelled => "Cancelled",
            AccountStatus::Closed => "Closed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        Ok(match text {
            "Active" => AccountStatus::Active,
            "Suspended" => AccountStatus::Suspended,
            "Cancelled" => AccountStatus::Cancelled,
            "Closed" => AccountStatus::Closed,
            other => {
                return Err(DomainError::invalid(
                    "status",
                    format!(
                        "unknown value '{other}' (expected Active, Suspended, Cancelled or Closed)"
                    ),
                ))
            }
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub tenant: TenantId,
    pub customer: CustomerId,
    pub reference_no: AccountReferenceNo,
    pub external_reference_no: Option<ExternalReferenceNo>,
    pub poid: Option<Poid>,
    pub status: AccountStatus,
    pub start_date: NaiveDate,
    /// The expected end date; setting it never changes `total_contract_value` (the Debitsuccess *AdjustAccountTerminationDate* page).
    pub termination_date: Option<NaiveDate>,
    pub final_bill_date: Option<NaiveDate>,
    pub total_contract_value: Option<Money>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_numbers_are_bounded_in_characters() {
        assert!(AccountReferenceNo::parse("DS1000001").is_ok());
        assert!(AccountReferenceNo::parse(&"9".repeat(15)).is_ok());
        let err = AccountReferenceNo::parse(&"9".repeat(16)).unwrap_err();
        assert!(err
            .to_string()
            .contains("AccountReferenceNo field cannot be more than 15 characters"));
        assert!(ExternalReferenceNo::parse(&"é".repeat(50)).is_ok());
        assert!(ExternalReferenceNo::parse(&"é".repeat(51)).is_err());
        assert!(AccountReferenceNo::parse("   ").is_err());
    }

    #[test]
    fn statuses_parse_exactly() {
        assert_eq!(
            AccountStatus::parse("Active").unwrap(),
            AccountStatus::Active
        );
        assert!(AccountStatus::parse("active").is_err());
    }
}
