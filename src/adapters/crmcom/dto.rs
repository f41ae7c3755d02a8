//! Wire types of the CRM.COM methods (the CRM.COM *cancel_subscriptions* page; vendor notes A). Request fields are all
//! optional strings on the wire: a missing or malformed value is a CRM.COM `status.code`
//! (HTTP 200), not a decoding failure. Only a value of the wrong JSON type fails decoding.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::domain::provisioning::{ProvisioningRequest, Unit, UserRef};
use crate::service::crmcom::{FieldValues, RawProvisioning};

use super::envelope::Status;

/// `POST authentication/token`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomLoginBody, xml(name = "request"))]
pub struct LoginBody {
    /// Mandatory.
    pub username: Option<String>,
    /// Mandatory.
    pub password: Option<String>,
    /// Mandatory: the organisation (tenant code), e.g. `acme`.
    pub organisation: Option<String>,
    /// Optional business unit the token acts for; `HQ` when not given.
    pub unit: Option<String>,
}

/// `POST authentication/token/release`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomReleaseBody, xml(name = "request"))]
pub struct ReleaseBody {
    /// The token retrieved from the login method.
    pub token: Option<String>,
}

/// Subscription identifier: exactly one of `id`, `number`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomSubscriptionIdentifier)]
pub struct SubscriptionIdentifierDto {
    pub id: Option<String>,
    pub number: Option<String>,
}

/// Product identifier: exactly one of `id`, `code`, `alternative_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomProductIdentifier)]
pub struct ProductIdentifierDto {
    pub id: Option<String>,
    pub code: Option<String>,
    pub alternative_code: Option<String>,
}

/// Installed item identifier: exactly one of `id`, `serial_number`, `alternative_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomInstalledItemIdentifier)]
pub struct InstalledItemIdentifierDto {
    pub id: Option<String>,
    pub serial_number: Option<String>,
    pub alternative_code: Option<String>,
}

/// Reads a struct from an object only. serde's derived structs also accept a sequence of
/// their fields in order (`[null, null]`), which no CRM.COM client means.
struct ObjectOnly<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

/// A request body that must be an object (JSON) or an element of elements (XML).
#[derive(Debug)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(ObjectOnly(PhantomData))
            .map(Object)
    }
}

/// An optional field that, when present, must be the object: JSON `null`, a string or an
/// array there is no identifier and fails decoding (HTTP 400).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer
        .deserialize_map(ObjectOnly(PhantomData))
        .map(Some)
}

/// `POST conax_sms_sas/provisioning_requests/add_subscriptions` and `…/cancel_subscriptions`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CrmcomProvisioningBody, xml(name = "request"))]
pub struct ProvisioningBody {
    /// The token retrieved from the login method.
    pub token: Option<String>,
    /// Mandatory: the subscription the service belongs to.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub subscription_identifier: Option<SubscriptionIdentifierDto>,
    /// Mandatory: the service; only products classified as SERVICE on that subscription.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub service_identifier: Option<ProductIdentifierDto>,
    /// Mandatory: a SMARTCARD installed item of that subscription.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub smartcard_identifier: Option<InstalledItemIdentifierDto>,
    /// Optional `YYYY-MM-DD`, today or later; today in the organisation's time zone when absent.
    pub start_date: Option<String>,
}

impl ProvisioningBody {
    /// The object-valued fields (identifier objects).
    pub const OBJECTS: &'static [&'static str] = &[
        "subscription_identifier",
        "service_identifier",
        "smartcard_identifier",
    ];

    /// The token and the method's other parameters.
    pub fn into_parts(self) -> (Option<String>, RawProvisioning) {
        let subscription: FieldValues = self
            .subscription_identifier
            .map(|i| vec![("id", i.id), ("number", i.number)]);
        let service: FieldValues = self.service_identifier.map(|i| {
            vec![
                ("id", i.id),
                ("code", i.code),
                ("alternative_code", i.alternative_code),
            ]
        });
        let smartcard: FieldValues = self.smartcard_identifier.map(|i| {
            vec![
                ("id", i.id),
                ("serial_number", i.serial_number),
                ("alternative_code", i.alternative_code),
            ]
        });
        (
            self.token,
            RawProvisioning {
                subscription_identifier: subscription,
                service_identifier: service,
                smartcard_identifier: smartcard,
                start_date: self.start_date,
            },
        )
    }
}

/// `data` of the login reply.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomTokenData)]
pub struct TokenData {
    /// 64 hexadecimal characters; send it as `token` with every other call.
    pub token: String,
}

/// `data` of the release reply: an empty object.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomEmptyData)]
pub struct EmptyData {}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomProvider)]
pub struct ProviderDto {
    pub name: &'static str,
    pub protocol: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomSubscription)]
pub struct SubscriptionDto {
    pub id: String,
    pub number: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomService)]
pub struct ServiceDto {
    pub id: String,
    pub code: String,
    pub alternative_code: Option<String>,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomSmartcard)]
pub struct SmartcardDto {
    pub id: String,
    pub serial_number: String,
    pub alternative_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomUser)]
pub struct UserDto {
    pub id: String,
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomUnit)]
pub struct UnitDto {
    pub name: String,
}

/// CRM.COM's Log Information Object; dates in the organisation's local time.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomLogInformation)]
pub struct LogInformationDto {
    #[schema(example = "2026-05-14T09:30:00")]
    pub created_date: String,
    pub updated_date: String,
    pub created_by_user: UserDto,
    pub updated_by_user: UserDto,
    pub created_by_unit: UnitDto,
    pub updated_by_unit: UnitDto,
}

/// One "Conax Web Services Provisioning Request Item": a value the Conax call carries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomParameter)]
pub struct ParameterDto {
    pub name: String,
    pub value: String,
}

/// A provisioning request, fields in the seed's order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CrmcomProvisioningRequest)]
pub struct ProvisioningRequestDto {
    pub id: String,
    #[schema(example = "PR000001")]
    pub number: String,
    /// `ADD_SUBSCRIPTIONS` or `CANCEL_SUBSCRIPTIONS`.
    #[serde(rename = "type")]
    pub kind: String,
    pub sequence_number: String,
    /// The date the request is scheduled to be sent, `YYYY-MM-DDT00:00:00`.
    #[schema(example = "2026-05-14T00:00:00")]
    pub scheduled_date: String,
    /// When it was actually sent; null while PENDING.
    pub executed_date: Option<String>,
    /// `REGULAR` or `EXPRESS`.
    pub priority: String,
    /// `PENDING`, `REJECTED` or `COMPLETED`.
    pub life_cycle_state: String,
    /// The Conax call, as it will be sent.
    pub request: String,
    /// Conax's answer; null until sent.
    pub response: Option<String>,
    /// Conax's reference for the request; null until Conax answers.
    pub reference_number: Option<String>,
    /// Set when the request is rejected; null otherwise.
    pub error_code: Option<String>,
    pub error_description: Option<String>,
    /// `MANUAL` for requests created through this API.
    pub process_name: String,
    /// The `X-Request-Id` of the call that created it.
    pub process_id: Option<String>,
    pub provisioning_provider: ProviderDto,
    pub subscription: SubscriptionDto,
    pub service: ServiceDto,
    pub smartcard: SmartcardDto,
    pub log_information: LogInformationDto,
    pub parameters_set: Vec<ParameterDto>,
}

/// CRM.COM's date-time form (`2014-12-01T14:49:01`), in the organisation's zone.
fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%dT00:00:00").to_string()
}

fn user(u: &UserRef) -> UserDto {
    UserDto {
        id: u.id.to_string(),
        username: u.username.clone(),
    }
}

fn unit(u: &Unit) -> UnitDto {
    UnitDto {
        name: u.as_str().to_owned(),
    }
}

impl ProvisioningRequestDto {
    pub fn from_domain(r: &ProvisioningRequest, zone: Tz) -> Self {
        Self {
            id: r.id.to_string(),
            number: r.number.clone(),
            kind: r.kind.as_str().to_owned(),
            sequence_number: r.sequence_number.to_string(),
            scheduled_date: date(r.scheduled_date),
            executed_date: r.executed_at.map(|at| local(at, zone)),
            priority: r.priority.as_str().to_owned(),
            life_cycle_state: r.life_cycle_state.as_str().to_owned(),
            request: r.request.clone(),
            response: r.response.clone(),
            reference_number: r.reference_number.clone(),
            error_code: r.error_code.clone(),
            error_description: r.error_description.clone(),
            process_name: r.process_name.as_str().to_owned(),
            process_id: r.process_id.clone(),
            provisioning_provider: ProviderDto {
                name: "Conax SMS-SAS",
                protocol: "CONAX_SMS_SAS",
            },
            subscription: SubscriptionDto {
                id: r.subscription.id.to_string(),
                number: r.subscription.number.clone(),
            },
            service: ServiceDto {
                id: r.service.id.to_string(),
                code: r.service.code.clone(),
                alternative_code: r.service.alternative_code.clone(),
                name: r.service.name.clone(),
            },
            smartcard: SmartcardDto {
                id: r.smartcard.id.to_string(),
                serial_number: r.smartcard.serial_number.clone(),
                alternative_code: r.smartcard.alternative_code.clone(),
            },
            log_information: LogInformationDto {
                created_date: local(r.log.created_at, zone),
                updated_date: local(r.log.updated_at, zone),
                created_by_user: user(&r.log.created_by),
                updated_by_user: user(&r.log.updated_by),
                created_by_unit: unit(&r.log.created_by_unit),
                updated_by_unit: unit(&r.log.updated_by_unit),
            },
            parameters_set: r
                .parameters
                .iter()
                .map(|p| ParameterDto {
                    name: p.name.clone(),
                    value: p.value.clone(),
                })
                .collect(),
        }
    }
}

/// Schema-only envelopes for the OpenAPI document (the replies are built by
/// [`super::envelope::Envelope`]); `data` is null whenever `status.code` is not `OK`.
macro_rules! envelope_schema {
    ($name:ident, $api:ident, $data:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(ToSchema)]
        #[schema(as = $api, xml(name = "response"))]
        #[allow(dead_code)] // only read by utoipa
        pub struct $name {
            pub data: Option<$data>,
            pub status: Status,
        }
    };
}

envelope_schema!(TokenReply, CrmcomTokenReply, TokenData, "Login reply.");
envelope_schema!(
    ReleaseReply,
    CrmcomReleaseReply,
    EmptyData,
    "Release reply."
);
envelope_schema!(
    ProvisioningReply,
    CrmcomProvisioningReply,
    ProvisioningRequestDto,
    "One provisioning request."
);
envelope_schema!(
    ProvisioningListReply,
    CrmcomProvisioningListReply,
    Vec<ProvisioningRequestDto>,
    "Provisioning requests (XML: one `data` element per request)."
);
envelope_schema!(
    ErrorReply,
    CrmcomErrorReply,
    EmptyData,
    "A request that could not be read; `data` is null."
);
