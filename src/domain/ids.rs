//! Opaque identifiers (docs/design.md §3: "All ids are opaque"). Each is a UUID newtype so
//! an account id can never be passed where a customer id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DomainError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
            /// Parses the canonical or any RFC 4122 textual form.
            pub fn parse(text: &str) -> Result<Self, DomainError> {
                Uuid::parse_str(text.trim())
                    .map(Self)
                    .map_err(|_| DomainError::invalid($label, format!("'{text}' is not a UUID")))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

uuid_id!(TenantId, "tenant id");
uuid_id!(ApiUserId, "user id");
uuid_id!(CustomerId, "customer id");
uuid_id!(AccountId, "account id");
uuid_id!(ProductId, "product id");
uuid_id!(SubscriptionId, "subscription id");
uuid_id!(InstalledItemId, "installed item id");
uuid_id!(ProductInstanceId, "product instance id");
uuid_id!(BundleId, "bundle id");
uuid_id!(DisconnectOrderId, "disconnect order id");
uuid_id!(ProvisioningRequestId, "provisioning request id");
uuid_id!(
    /// The id a client uses to follow an asynchronous operation (floLIVE `requestId`).
    RequestId,
    "request id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_hyphenated() {
        let id = CustomerId::parse("C0000000-0000-4000-8000-000000000001").unwrap();
        assert_eq!(id.to_string(), "c0000000-0000-4000-8000-000000000001");
    }

    #[test]
    fn rejects_non_uuids_naming_the_field() {
        let err = AccountId::parse("42").unwrap_err();
        assert_eq!(err.to_string(), "invalid account id: '42' is not a UUID");
    }
}
