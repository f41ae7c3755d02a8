//! API users (docs/design.md §3): credentials and which vendor APIs they may call.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::ids::{ApiUserId, CustomerId};
use super::tenant::Tenant;
use super::DomainError;

/// The five vendor APIs; a user is allowed a subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Api {
    Debitsuccess,
    Flolive,
    Crmcom,
    BillingCare,
    Verizon,
}

impl Api {
    pub const ALL: [Api; 5] = [
        Api::Debitsuccess,
        Api::Flolive,
        Api::Crmcom,
        Api::BillingCare,
        Api::Verizon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Api::Debitsuccess => "debitsuccess",
            Api::Flolive => "flolive",
            Api::Crmcom => "crmcom",
            Api::BillingCare => "billing_care",
            Api::Verizon => "verizon",
        }
    }
}

impl FromStr for Api {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Api::ALL.into_iter().find(|api| api.as_str() == s).ok_or_else(|| {
            DomainError::invalid(
                "apis",
                format!("unknown API '{s}' (expected debitsuccess, flolive, crmcom, billing_care or verizon)"),
            )
        })
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of APIs, stored as a comma-separated list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiSet(Vec<Api>);

impl ApiSet {
    pub fn new(apis: impl IntoIterator<Item = Api>) -> Self {
        let mut list: Vec<Api> = Vec::new();
        for api in apis {
            if !list.contains(&api) {
                list.push(api);
            }
        }
        Self(list)
    }

    pub fn contains(&self, api: Api) -> bool {
        self.0.contains(&api)
    }

    pub fn iter(&self) -> impl Iterator<Item = Api> + '_ {
        self.0.iter().copied()
    }

    pub fn to_csv(&self) -> String {
        self.0
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn from_csv(text: &str) -> Result<Self, DomainError> {
        let apis = text
            .split(',')
            .filter(|s| !s.is_empty())
            .map(Api::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(apis))
    }
}

/// A username: non-empty, at most 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.is_empty() || text.chars().count() > 100 || text.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "username",
                "must be 1-100 printable characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored user row (hashes only; plaintext secrets never leave the edge).
#[derive(Clone, Debug)]
pub struct ApiUser {
    pub id: ApiUserId,
    pub tenant: Tenant,
    pub username: Username,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    pub apis: ApiSet,
    /// The floLIVE requestor: the customer this user acts as.
    pub customer: Option<CustomerId>,
    /// Set only for users an operator enabled WS-Security PasswordDigest for (migration
    /// 0009; docs/debitsuccess.md "WS-Security").
    pub digest_secret: Option<DigestSecret>,
    /// When an operator disabled the user (migration 0013; docs/operations.md "Admin API").
    pub disabled_at: Option<DateTime<Utc>>,
    /// When an operator disabled the user's tenant: all its users are refused.
    pub tenant_disabled_at: Option<DateTime<Utc>>,
    /// Whether the user holds an API key (floLIVE and Verizon take one as a bearer).
    pub has_api_key: bool,
}

impl ApiUser {
    /// Whether the user or its tenant is disabled: every vendor API refuses it.
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some() || self.tenant_disabled_at.is_some()
    }

    /// Whether the user may call `api`: enabled, in an enabled tenant, and allowed it.
    /// The one check every credential path makes (passwords, API keys, WS-Security,
    /// CRM.COM and Billing Care tokens), on the user row read for the request.
    pub fn may_call(&self, api: Api) -> bool {
        !self.is_disabled() && self.apis.contains(api)
    }
}

/// The secret a WS-Security PasswordDigest is checked against: the user's password itself
/// (UsernameToken Profile 1.0 §3.1 digests the plain password), so it is
/// plaintext-equivalent. Kept out of `Debug`, so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct DigestSecret(String);

impl DigestSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DigestSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DigestSecret(***)")
    }
}

/// Who is calling, once authenticated.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: ApiUserId,
    pub username: Username,
    pub tenant: Tenant,
    pub customer: Option<CustomerId>,
    pub apis: ApiSet,
}

impl From<ApiUser> for Principal {
    fn from(user: ApiUser) -> Self {
        Principal {
            user_id: user.id,
            username: user.username,
            tenant: user.tenant,
            customer: user.customer,
            apis: user.apis,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_sets_round_trip_through_csv() {
        let set = ApiSet::from_csv("flolive,verizon,flolive").unwrap();
        assert_eq!(set.to_csv(), "flolive,verizon");
        assert!(set.contains(Api::Verizon));
        assert!(!set.contains(Api::Crmcom));
    }

    #[test]
    fn unknown_api_names_are_refused() {
        let err = ApiSet::from_csv("flolive,sap").unwrap_err();
        assert!(err.to_string().contains("unknown API 'sap'"));
    }

    #[test]
    fn usernames_are_bounded() {
        assert!(Username::parse("ds-gym").is_ok());
        assert!(Username::parse("").is_err());
        assert!(Username::parse(&"x".repeat(101)).is_err());
    }
}
