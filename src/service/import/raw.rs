//! The fixture file as written (docs/design.md §5). Everything is text here; the importer parses
//! each value with its domain constructor so errors can name the entry and field.

use serde::Deserialize;

use crate::domain::money::Money;
use crate::domain::DomainError;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    #[serde(default)]
    pub tenants: Vec<RawTenant>,
    #[serde(default)]
    pub users: Vec<RawUser>,
    #[serde(default)]
    pub customers: Vec<RawCustomer>,
    #[serde(default)]
    pub accounts: Vec<RawAccount>,
    #[serde(default)]
    pub products: Vec<RawProduct>,
    #[serde(default)]
    pub subscriptions: Vec<RawSubscription>,
    #[serde(default)]
    pub installed_items: Vec<RawInstalledItem>,
    #[serde(default)]
    pub product_instances: Vec<RawProductInstance>,
    #[serde(default)]
    pub bundles: Vec<RawBundle>,
    #[serde(default)]
    pub disconnect_orders: Vec<RawDisconnectOrder>,
}

/// An amount written as `1200`, `45.5` or `"45.50"`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub enum Amount {
    Int(i64),
    Float(f64),
    Text(String),
}

/// YAML hands an unquoted `45.5` over as a binary float. Its shortest decimal form gives the
/// written digits back exactly while they are at most 15 significant digits (any such
/// decimal survives the round trip); past 10^13, with two decimals, that no longer holds,
/// so such an amount must be quoted (money is exact: docs/design.md §7).
const EXACT_FLOAT_LIMIT: f64 = 1e13;

impl Amount {
    pub fn money(&self) -> Result<Money, DomainError> {
        match self {
            Amount::Int(n) => Money::parse(&n.to_string()),
            Amount::Float(x) if x.abs() < EXACT_FLOAT_LIMIT => Money::parse(&x.to_string()),
            Amount::Float(x) => Err(DomainError::invalid(
                "amount",
                format!("{x} is too large to be read exactly as a number: quote it (\"{x:.2}\")"),
            )),
            Amount::Text(s) => Money::parse(s),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTenant {
    pub code: String,
    pub name: String,
    pub timezone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub tenant: String,
    pub username: String,
    pub password: String,
    pub api_key: Option<String>,
    pub apis: Vec<String>,
    pub customer: Option<String>,
    /// Enables WS-Security PasswordDigest: the password is also stored as the user's digest
    /// secret (plaintext-equivalent; docs/debitsuccess.md "WS-Security").
    #[serde(default)]
    pub ws_digest: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomer {
    pub tenant: String,
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    pub tenant: String,
    pub customer: String,
    pub reference_no: String,
    pub external_reference_no: Option<String>,
    pub poid: Option<String>,
    pub status: String,
    pub start_date: String,
    pub termination_date: Option<String>,
    pub final_bill_date: Option<String>,
    pub total_contract_value: Option<Amount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProduct {
    pub tenant: String,
    pub id: String,
    pub code: String,
    pub alternative_code: Option<String>,
    pub name: String,
    pub classification: String,
    pub plan_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubscription {
    pub tenant: String,
    pub id: String,
    pub number: String,
    pub account: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstalledItem {
    pub tenant: String,
    pub id: String,
    pub serial_number: String,
    pub alternative_code: Option<String>,
    pub kind: String,
    pub subscription: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProductInstance {
    pub tenant: String,
    pub id: String,
    pub product: String,
    pub customer: String,
    pub account: Option<String>,
    pub subscription: Option<String>,
    pub installed_item: Option<String>,
    pub bundle: Option<String>,
    pub status: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBundle {
    pub tenant: String,
    pub poid: String,
    pub account: String,
    pub service: String,
    pub deal: String,
    pub package_id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisconnectOrder {
    pub tenant: String,
    pub external_id: i64,
    pub account: String,
    pub state: String,
    pub charge_items: Vec<RawChargeItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChargeItem {
    pub id: String,
    pub description: String,
    pub amount: Amount,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(yaml: &str) -> Result<i64, DomainError> {
        serde_yaml_ng::from_str::<Amount>(yaml)
            .unwrap()
            .money()
            .map(Money::cents)
    }

    #[test]
    fn amounts_are_read_exactly_however_they_are_written() {
        assert_eq!(money("1200").unwrap(), 120_000);
        assert_eq!(money("45.5").unwrap(), 4_550);
        assert_eq!(money("19.99").unwrap(), 1_999);
        assert_eq!(money("9999999999999.99").unwrap(), 999_999_999_999_999);
        assert_eq!(
            money("\"90071992547409.93\"").unwrap(),
            9_007_199_254_740_993
        );
        // Unquoted, this one would already have lost its last digits as a float.
        assert!(money("90071992547409.93").is_err());
        assert!(money("1.005").is_err());
    }
}
