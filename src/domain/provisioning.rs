//! CRM.COM Conax provisioning requests (docs/design.md §3, §6.3; the CRM.COM *cancel_subscriptions* page).
//!
//! A provisioning request records a call CRM.COM will make to the Conax SMS-SAS
//! conditional-access system: "Cancel Subscriptions provisioning requests in a pending life
//! cycle state, by specifying the service and the smartcard" (the CRM.COM *cancel_subscriptions* page).

use chrono::{DateTime, NaiveDate, Utc};

use super::catalog::text_enum;
use super::ids::{
    ApiUserId, InstalledItemId, ProductId, ProvisioningRequestId, SubscriptionId, TenantId,
};
use super::DomainError;

text_enum!(
    /// The request types this service creates. CRM.COM documents more (see
    /// [`DOCUMENTED_TYPES`]); only these two come from the methods we serve.
    ProvisioningType, "type", {
        AddSubscriptions => "ADD_SUBSCRIPTIONS",
        CancelSubscriptions => "CANCEL_SUBSCRIPTIONS",
    }
);

/// Every `type` CRM.COM documents for Conax requests (vendor notes A). `list` accepts any of
/// them as a filter; the ones we never create simply match nothing.
pub const DOCUMENTED_TYPES: &[&str] = &[
    "ADD_SUBSCRIPTIONS",
    "CANCEL_SUBSCRIPTIONS",
    "GET_ACTIVE_SUBSCRIPTIONS",
    "CREATE_PAIRING",
    "ADD_TO_EXISTING_PAIRING",
    "GET_PAIRING_STATUS_FOR_CARD",
    "GET_PAIRING_STATUS_FOR_PAIRING_MODULE",
    "DISPLAY_FINGERPRINT",
    "UPDATE_CA_PIN_TO_DEFAULT_VALUE",
    "UPDATE_CA_PIN_TO_GIVEN_VALUE",
    "SEND_MAIL_MESSAGE_TO_CLIENT",
    "SEND_BARK_MESSAGE_TO_CLIENT",
    "SEND_REPEATING_BARK_MESSAGE_TO_CLIENT",
];

text_enum!(
    Priority, "priority", {
        Regular => "REGULAR",
        Express => "EXPRESS",
    }
);

text_enum!(
    LifeCycleState, "life_cycle_state", {
        Pending => "PENDING",
        Rejected => "REJECTED",
        Completed => "COMPLETED",
    }
);

text_enum!(
    /// "The name of the process that submitted the provisioning request" (vendor notes A).
    /// Requests created through the Web API are `MANUAL`: no CRM.COM utility submitted them.
    ProcessName, "process_name", {
        ProvisioningRequestProcessing => "PROVISIONING_REQUEST_PROCESSING",
        MailBarkMessageUtility => "MAIL_BARK_MESSAGE_UTILITY",
        PairingUtility => "PAIRING_UTILITY",
        // Spelled as CRM.COM spells it.
        FingerprintingUtility => "FIINGERPRINTING_UTILITY",
        ResetPin => "RESET_PIN",
        Manual => "MANUAL",
    }
);

/// A CRM.COM business unit, by name. We keep no unit catalogue: the unit a user logs in
/// with is recorded on the token and stamped on what the token creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit(String);

impl Unit {
    /// The unit used when login names none ("the user's default unit is used otherwise").
    pub const DEFAULT: &'static str = "HQ";

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 100 || text.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "unit",
                "must be 1-100 printable characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn default_unit() -> Self {
        Self(Self::DEFAULT.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One "Conax Web Services Provisioning Request Item": a named value the Conax call carries.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProvisioningParameter {
    pub name: String,
    pub value: String,
}

/// The Conax command a provisioning request stands for (docs/design.md §6.3): the smartcard,
/// the Conax product (our product code), the subscription, the date it applies from and
/// the command sequence number. Values only: the request text CRM.COM shows for it is
/// written by the CRM.COM adapter (`adapters::crmcom::conax`).
pub struct ConaxCall<'a> {
    pub kind: ProvisioningType,
    pub sequence_number: i64,
    pub smartcard_serial_number: &'a str,
    pub product_code: &'a str,
    pub subscription_number: &'a str,
    pub start_date: NaiveDate,
}

impl ConaxCall<'_> {
    /// The `parameters_set` ("The parameters which will be used to generate the Web Service
    /// Calls that will be send to Conax", the CRM.COM *cancel_subscriptions* page), in the
    /// command's order.
    pub fn parameters(&self) -> Vec<ProvisioningParameter> {
        [
            (
                "smartcard_serial_number",
                self.smartcard_serial_number.to_owned(),
            ),
            ("product_code", self.product_code.to_owned()),
            ("subscription_number", self.subscription_number.to_owned()),
            ("start_date", self.start_date.format("%Y-%m-%d").to_string()),
        ]
        .into_iter()
        .map(|(name, value)| ProvisioningParameter {
            name: name.to_owned(),
            value,
        })
        .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionRef {
    pub id: SubscriptionId,
    pub number: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRef {
    pub id: ProductId,
    pub code: String,
    pub alternative_code: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmartcardRef {
    pub id: InstalledItemId,
    pub serial_number: String,
    pub alternative_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRef {
    pub id: ApiUserId,
    pub username: String,
}

/// CRM.COM's "Log Information Object": who created and last updated the record, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogInformation {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: UserRef,
    pub updated_by: UserRef,
    pub created_by_unit: Unit,
    pub updated_by_unit: Unit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisioningRequest {
    pub id: ProvisioningRequestId,
    pub tenant: TenantId,
    /// Unique per tenant, `PR` and six or more digits, from an atomic counter.
    pub number: String,
    pub kind: ProvisioningType,
    /// The Conax command sequence number: unique and increasing per tenant.
    pub sequence_number: i64,
    pub scheduled_date: NaiveDate,
    pub executed_at: Option<DateTime<Utc>>,
    pub priority: Priority,
    pub life_cycle_state: LifeCycleState,
    /// The call that will be sent to Conax.
    pub request: String,
    pub response: Option<String>,
    pub reference_number: Option<String>,
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    pub process_name: ProcessName,
    pub process_id: Option<String>,
    pub subscription: SubscriptionRef,
    pub service: ServiceRef,
    pub smartcard: SmartcardRef,
    pub parameters: Vec<ProvisioningParameter>,
    pub log: LogInformation,
}

/// The `list` filters and page (seed: `type`, `life_cycle_state`, `number_of_results`, `offset`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisioningFilter {
    /// One of [`DOCUMENTED_TYPES`].
    pub kind: Option<&'static str>,
    pub life_cycle_state: Option<LifeCycleState>,
    pub limit: i64,
    pub offset: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_trimmed_and_bounded() {
        assert_eq!(Unit::parse("  Admin Unit ").unwrap().as_str(), "Admin Unit");
        assert!(Unit::parse("   ").is_err());
        assert!(Unit::parse(&"u".repeat(101)).is_err());
        assert!(Unit::parse("a\nb").is_err());
        assert_eq!(Unit::default_unit().as_str(), "HQ");
    }

    #[test]
    fn the_documented_types_include_ours() {
        for kind in ProvisioningType::ALL {
            assert!(DOCUMENTED_TYPES.contains(&kind.as_str()));
        }
        assert_eq!(
            ProcessName::parse("FIINGERPRINTING_UTILITY").unwrap(),
            ProcessName::FingerprintingUtility
        );
    }
}
