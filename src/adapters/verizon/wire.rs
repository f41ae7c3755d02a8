//! The request as it travels (the Verizon *disconnectCustomerConfirmation* page): `?externalId=<integer>` and a body of
//! `acknowledgementRequest` items `{id, acceptanceIndicator}` (JSON, or XML
//! `<disconnectCustomerConfirmation>` with repeated `<acknowledgementRequest>` children),
//! parsed once into the domain's [`Confirmation`].
//!
//! Only what the OpenAPI schema itself can express is refused here (400 before the order is
//! looked up): a request the schema allows is never refused with 400 before we know whether
//! its order exists. Empty or duplicate ids and a body `externalId` contradicting the query
//! are judged once the order is found (`Confirmation::check`).

use std::fmt;

use actix_web::web;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::adapters::http::negotiation::Format;
use crate::domain::disconnect::ExternalId;
use crate::domain::disconnect_answers::{Answer, ChargeAnswer, Confirmation};

use super::error::VerizonError;

/// The body of `disconnectCustomerConfirmation`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(
    as = VerizonDisconnectCustomerConfirmation,
    xml(name = "disconnectCustomerConfirmation")
)]
pub(super) struct ConfirmationDto {
    /// The disconnect order, for clients that send it in the body. When the query names
    /// the order too, both must be equal (400 invalidBody otherwise).
    #[serde(default)]
    #[schema(value_type = i64, minimum = 0, maximum = 9223372036854775807_i64, required = false)]
    external_id: Option<BodyExternalId>,
    /// The customer's answers, one per charge item (at least one).
    #[serde(default)]
    #[schema(value_type = Vec<AcknowledgementDto>, min_items = 1, required = true)]
    acknowledgement_request: Option<Vec<AcknowledgementDto>>,
}

/// MEFProductOrderChargeItem_Update: one charge item's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = VerizonAcknowledgementRequest)]
pub(super) struct AcknowledgementDto {
    /// "An identifier that is unique among Charge. Used for Charge Item matching, not to be
    /// update." Each id at most once per request.
    #[serde(default)]
    #[schema(value_type = String, min_length = 1, required = true)]
    id: Option<String>,
    #[serde(default)]
    #[schema(value_type = AcceptanceIndicatorDto, required = true)]
    acceptance_indicator: Option<AcceptanceIndicatorDto>,
}

/// MEFAcceptedRejectedType ("Indicator of acceptance"): `accepted` or `rejected`, as MEF
/// spells them (case-sensitive).
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = VerizonAcceptanceIndicator)]
pub(super) enum AcceptanceIndicatorDto {
    Accepted,
    Rejected,
}

/// `externalId` as it came in the body: JSON gives a number, XML only ever text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct BodyExternalId {
    text: String,
    json_number: bool,
}

impl<'de> Deserialize<'de> for BodyExternalId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Raw;
        impl<'de> Visitor<'de> for Raw {
            type Value = BodyExternalId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(BodyExternalId {
                    text: v.to_string(),
                    json_number: true,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(BodyExternalId {
                    text: v.to_string(),
                    json_number: true,
                })
            }
            /// JSON Schema counts `4958.0` as an integer; so do we (exact values only).
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) {
                    return self.visit_i64(v as i64);
                }
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BodyExternalId {
                    text: v.to_owned(),
                    json_number: false,
                })
            }
            /// quick-xml hands an element over as a map; its text is under `$text`.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut text = String::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "$text" || key == "$value" {
                        text = map.next_value::<String>()?;
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(BodyExternalId {
                    text,
                    json_number: false,
                })
            }
        }
        deserializer.deserialize_any(Raw)
    }
}

/// A non-negative integer written with digits only (no sign, no spaces).
fn external_id(text: &str) -> Option<ExternalId> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .and_then(|n| ExternalId::new(n).ok())
}

impl BodyExternalId {
    /// JSON must send a number (MEF: integer); XML sends the digits as text.
    fn parse(&self, format: Format) -> Result<ExternalId, VerizonError> {
        let allowed = match format {
            Format::Json => self.json_number,
            Format::Xml => true,
        };
        allowed
            .then(|| external_id(&self.text))
            .flatten()
            .ok_or_else(|| {
                VerizonError::invalid_body(&format!(
                    "externalId must be a non-negative integer, not {}",
                    match self.json_number {
                        true => self.text.clone(),
                        false => format!("'{}'", self.text),
                    }
                ))
            })
    }
}

/// The query's `externalId`: absent (the body may carry it), or the order it names.
/// Empty → missingQueryValue; not a non-negative integer, or given twice → invalidQuery.
pub(super) fn query_external_id(query: &str) -> Result<Option<ExternalId>, VerizonError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| VerizonError::invalid_query("it is not valid URL encoding"))?
        .into_inner();
    let values: Vec<&String> = pairs
        .iter()
        .filter(|(name, _)| name == "externalId")
        .map(|(_, value)| value)
        .collect();
    let value = match values.as_slice() {
        [] => return Ok(None),
        [value] => *value,
        _ => {
            return Err(VerizonError::invalid_query(
                "externalId is given more than once",
            ))
        }
    };
    if value.is_empty() {
        return Err(VerizonError::missing_query_value());
    }
    external_id(value).map(Some).ok_or_else(|| {
        VerizonError::invalid_query(&format!(
            "externalId must be a non-negative integer, not '{value}'"
        ))
    })
}

/// Builds the command from the query's and the body's parts.
pub(super) fn confirmation(
    query: Option<ExternalId>,
    body: ConfirmationDto,
    format: Format,
) -> Result<Confirmation, VerizonError> {
    let restated = body
        .external_id
        .as_ref()
        .map(|raw| raw.parse(format))
        .transpose()?;
    let items = body
        .acknowledgement_request
        .filter(|items| !items.is_empty())
        .ok_or_else(|| {
            VerizonError::invalid_body("acknowledgementRequest must hold at least one item")
        })?;
    let answers = items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            let indicator = item.acceptance_indicator.ok_or_else(|| {
                VerizonError::invalid_body(&format!(
                    "acknowledgementRequest[{n}].acceptanceIndicator is missing"
                ))
            })?;
            Ok(ChargeAnswer {
                // A missing id is judged with empty ones, once the order is known.
                item_id: item.id.unwrap_or_default(),
                answer: match indicator {
                    AcceptanceIndicatorDto::Accepted => Answer::Accepted,
                    AcceptanceIndicatorDto::Rejected => Answer::Rejected,
                },
            })
        })
        .collect::<Result<Vec<_>, VerizonError>>()?;
    let (external_id, restated_external_id) = match (query, restated) {
        (Some(query), restated) => (query, restated),
        (None, Some(body)) => (body, None),
        (None, None) => return Err(VerizonError::missing_query_parameter()),
    };
    Ok(Confirmation {
        external_id,
        restated_external_id,
        answers,
    })
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
