//! Products, subscriptions, installed items, product instances and bundles (docs/design.md §3).

use chrono::{DateTime, Utc};

use super::ids::{
    AccountId, BundleId, CustomerId, InstalledItemId, ProductId, ProductInstanceId, SubscriptionId,
    TenantId,
};
use super::poid::Poid;
use super::DomainError;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Result<Self, $crate::domain::DomainError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::DomainError::invalid(
                        $field,
                        format!(
                            "unknown value '{other}' (expected {})",
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// CRM.COM product classification; provisioning requests take SERVICE products only.
    Classification, "classification", {
        Service => "SERVICE",
        Hardware => "HARDWARE",
        Plan => "PLAN",
        Other => "OTHER",
    }
);

text_enum!(
    /// Product instance lifecycle: ACTIVE until detached (floLIVE) or cancelled.
    InstanceStatus, "status", {
        Active => "ACTIVE",
        Cancelled => "CANCELLED",
        Detached => "DETACHED",
    }
);

/// floLIVE plan type; only `ACCOUNT_PRODUCT` may be attached or detached (the floLIVE *Detach Customer Product* page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanType(String);

impl PlanType {
    pub const ACCOUNT_PRODUCT: &'static str = "ACCOUNT_PRODUCT";

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.is_empty()
            || text.len() > 64
            || !text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        {
            return Err(DomainError::invalid(
                "plan_type",
                format!("'{text}' must be UPPER_SNAKE_CASE"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_account_product(&self) -> bool {
        self.0 == Self::ACCOUNT_PRODUCT
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub tenant: TenantId,
    pub code: String,
    pub alternative_code: Option<String>,
    pub name: String,
    pub classification: Classification,
    pub plan_type: Option<PlanType>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub tenant: TenantId,
    pub number: String,
    pub account: AccountId,
}

/// Kind of installed item; CRM.COM Conax requests need a `SMARTCARD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemKind(String);

impl ItemKind {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.is_empty()
            || text.len() > 64
            || !text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        {
            return Err(DomainError::invalid(
                "kind",
                format!("'{text}' must be UPPER_SNAKE_CASE"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_smartcard(&self) -> bool {
        self.0 == "SMARTCARD"
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledItem {
    pub id: InstalledItemId,
    pub tenant: TenantId,
    pub serial_number: String,
    pub alternative_code: Option<String>,
    pub kind: ItemKind,
    pub subscription: Option<SubscriptionId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductInstance {
    pub id: ProductInstanceId,
    pub tenant: TenantId,
    pub product: ProductId,
    pub customer: CustomerId,
    pub account: Option<AccountId>,
    pub subscription: Option<SubscriptionId>,
    pub installed_item: Option<InstalledItemId>,
    pub bundle: Option<BundleId>,
    pub status: InstanceStatus,
    pub effective_from: Option<DateTime<Utc>>,
    pub effective_to: Option<DateTime<Utc>>,
}

/// A purchased bundle (Billing Care). Its cancelled state is derived from dates: it is
/// cancelled once `now ≥ cancel_effective_at` (docs/design.md §3, no timer needed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub id: BundleId,
    pub tenant: TenantId,
    pub poid: Poid,
    pub account: AccountId,
    pub service: Poid,
    pub deal: Poid,
    pub package_id: i64,
    pub purchased_at: DateTime<Utc>,
    pub cancellation: Option<BundleCancellation>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleCancellation {
    pub effective_at: DateTime<Utc>,
    pub description: Option<String>,
    pub flag: Option<i32>,
    /// The Oracle `extension` object, kept verbatim as JSON text.
    pub extension: Option<String>,
}

impl Bundle {
    pub fn is_cancelled_at(&self, now: DateTime<Utc>) -> bool {
        self.cancellation
            .as_ref()
            .is_some_and(|c| now >= c.effective_at)
    }

    /// A cancel has been recorded, whether or not it has taken effect yet.
    pub fn has_cancellation(&self) -> bool {
        self.cancellation.is_some()
    }
}

impl ProductInstance {
    /// The status as every API reads it: an ACTIVE instance of a bundle whose cancel
    /// has taken effect reads as CANCELLED (docs/design.md §3, issue 6 item 4).
    pub fn effective_status(&self, bundle: Option<&Bundle>, now: DateTime<Utc>) -> InstanceStatus {
        match (self.status, bundle) {
            (InstanceStatus::Active, Some(b)) if b.is_cancelled_at(now) => {
                InstanceStatus::Cancelled
            }
            (status, _) => status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn bundle(cancel_at: Option<DateTime<Utc>>) -> Bundle {
        Bundle {
            id: BundleId::new(),
            tenant: TenantId::new(),
            poid: Poid::parse("0.0.0.1+-purchased_bundle+1").unwrap(),
            account: AccountId::new(),
            service: Poid::parse("0.0.0.1+-service-email+2").unwrap(),
            deal: Poid::parse("0.0.0.1+-deal+3").unwrap(),
            package_id: 1,
            purchased_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
            cancellation: cancel_at.map(|effective_at| BundleCancellation {
                effective_at,
                description: None,
                flag: None,
                extension: None,
            }),
        }
    }

    #[test]
    fn a_bundle_reads_cancelled_only_from_its_effective_time() {
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let b = bundle(Some(at));
        assert!(!b.is_cancelled_at(at - Duration::seconds(1)));
        assert!(b.is_cancelled_at(at));
        assert!(!bundle(None).is_cancelled_at(at));
    }

    #[test]
    fn instances_of_cancelled_bundles_read_cancelled() {
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let b = bundle(Some(at));
        let instance = ProductInstance {
            id: ProductInstanceId::new(),
            tenant: b.tenant,
            product: ProductId::new(),
            customer: CustomerId::new(),
            account: Some(b.account),
            subscription: None,
            installed_item: None,
            bundle: Some(b.id),
            status: InstanceStatus::Active,
            effective_from: None,
            effective_to: None,
        };
        assert_eq!(
            instance.effective_status(Some(&b), at - Duration::days(1)),
            InstanceStatus::Active
        );
        assert_eq!(
            instance.effective_status(Some(&b), at),
            InstanceStatus::Cancelled
        );
    }

    #[test]
    fn enums_name_their_allowed_values() {
        let err = Classification::parse("SERVIC").unwrap_err();
        assert!(err
            .to_string()
            .contains("expected SERVICE, HARDWARE, PLAN, OTHER"));
        assert!(PlanType::parse("ACCOUNT_PRODUCT")
            .unwrap()
            .is_account_product());
        assert!(ItemKind::parse("SMARTCARD").unwrap().is_smartcard());
        assert!(ItemKind::parse("smartcard").is_err());
    }
}
