//! Query strings of the GET methods ("the token goes in the query string on GET", vendor
//! notes A). The identifier object of `show` is accepted in three forms:
//!
//! - CRM.COM's own: `provisioning_request_identifier=number=PR000001` (as in its
//!   `leads/show?token=…&lead_identifier=number=19` example), or a JSON object there:
//!   `provisioning_request_identifier={"number":"PR000001"}`;
//! - brackets: `provisioning_request_identifier[number]=PR000001`;
//! - dots: `provisioning_request_identifier.number=PR000001`.
//!
//! A parameter given twice, or an integer parameter that is not an integer, makes the
//! query unreadable (HTTP 400); everything else is judged by the use-case (HTTP 200).

use std::collections::HashMap;

use actix_web::web;

use crate::domain::rules::CrmcomRule;
use crate::domain::DomainError;
use crate::service::crmcom::{FieldValues, ListQuery, ProvisioningRequestIdentifier};

/// The query's parameters, each given at most once (identifier fields aside).
pub struct Params {
    single: HashMap<String, String>,
    identifier: Vec<(String, String)>,
}

const IDENTIFIER: &str = ProvisioningRequestIdentifier::PARAM;

/// The single-valued parameters of `show` and `list`.
const SCALARS: &[&str] = &[
    "token",
    "type",
    "life_cycle_state",
    "number_of_results",
    "offset",
];

impl Params {
    /// `Err` carries the HTTP 400 message.
    pub fn parse(query: &str) -> Result<Self, String> {
        let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
            .map_err(|e| format!("the query string cannot be read: {e}"))?
            .into_inner();
        let mut single = HashMap::new();
        let mut identifier = Vec::new();
        for (key, value) in pairs {
            if let Some(field) = identifier_field(&key) {
                identifier.push((field, value));
                continue;
            }
            // Other parameters (CRM.COM's `fields_set`, …) are ignored, repeated or not.
            if !SCALARS.contains(&key.as_str()) {
                continue;
            }
            if single.insert(key.clone(), value).is_some() {
                return Err(format!("the parameter {key} is given more than once"));
            }
        }
        Ok(Self { single, identifier })
    }

    pub fn token(&self) -> Option<&str> {
        self.single.get("token").map(String::as_str)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.single.get(name).cloned()
    }

    /// A 32-bit integer parameter, as the OpenAPI document types it; its range is the
    /// use-case's business (HTTP 200), its type is the wire's (HTTP 400).
    fn integer(&self, name: &str) -> Result<Option<i64>, String> {
        let Some(text) = self.single.get(name) else {
            return Ok(None);
        };
        text.trim()
            .parse::<i32>()
            .map(|n| Some(i64::from(n)))
            .map_err(|_| format!("{name} must be a 32-bit integer"))
    }

    pub fn list_query(&self) -> Result<ListQuery, String> {
        Ok(ListQuery {
            kind: self.text("type"),
            life_cycle_state: self.text("life_cycle_state"),
            number_of_results: self.integer("number_of_results")?,
            offset: self.integer("offset")?,
        })
    }

    /// The identifier's fields in the order given; an unknown field is refused by name.
    pub fn identifier(&self) -> Result<FieldValues, DomainError> {
        if self.identifier.is_empty() {
            return Ok(None);
        }
        let mut fields = Vec::new();
        for (field, value) in &self.identifier {
            if field.is_empty() {
                fields.extend(native_fields(value)?);
            } else {
                known_field(field)?;
                fields.push((field.clone(), value.clone()));
            }
        }
        Ok(Some(
            fields
                .into_iter()
                .filter_map(|(field, value)| {
                    ProvisioningRequestIdentifier::FIELDS
                        .iter()
                        .find(|known| **known == field)
                        .map(|known| (*known, Some(value)))
                })
                .collect(),
        ))
    }
}

/// `Some("")` for the bare parameter, `Some(field)` for `[field]` / `.field`, else `None`.
fn identifier_field(key: &str) -> Option<String> {
    let rest = key.strip_prefix(IDENTIFIER)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('.')
        .or_else(|| rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')))
        .map(str::to_owned)
}

fn unknown_field(field: &str) -> DomainError {
    DomainError::rule(
        CrmcomRule::InvalidIdentifier,
        format!(
            "{IDENTIFIER}: unknown field '{}' (use id or number)",
            crate::service::crmcom::echo(field)
        ),
    )
}

fn known_field(field: &str) -> Result<(), DomainError> {
    if ProvisioningRequestIdentifier::FIELDS.contains(&field) {
        Ok(())
    } else {
        Err(unknown_field(field))
    }
}

/// `number=PR000001` or `{"number":"PR000001"}`.
fn native_fields(value: &str) -> Result<Vec<(String, String)>, DomainError> {
    let value = value.trim();
    if value.starts_with('{') {
        // serde_json's map is ordered, so messages list fields in a stable order.
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(value)
            .map_err(|_| {
                DomainError::rule(
                    CrmcomRule::InvalidIdentifier,
                    format!("{IDENTIFIER}: not a JSON object of strings"),
                )
            })?;
        let mut fields = Vec::new();
        for (field, v) in object {
            known_field(&field)?;
            match v {
                serde_json::Value::String(s) => fields.push((field, s)),
                serde_json::Value::Null => {}
                _ => {
                    return Err(DomainError::rule(
                        CrmcomRule::InvalidIdentifier,
                        format!("{IDENTIFIER}: {field} must be a string"),
                    ))
                }
            }
        }
        return Ok(fields);
    }
    if value.is_empty() {
        return Ok(Vec::new());
    }
    match value.split_once('=') {
        Some((field, v)) => {
            known_field(field.trim())?;
            Ok(vec![(field.trim().to_owned(), v.to_owned())])
        }
        None => Err(DomainError::rule(
            CrmcomRule::InvalidIdentifier,
            format!("{IDENTIFIER}: give it as id=<id> or number=<number>"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Rule;

    fn ident(query: &str) -> Result<FieldValues, DomainError> {
        Params::parse(query).unwrap().identifier()
    }

    fn number(v: &str) -> FieldValues {
        Some(vec![("number", Some(v.to_owned()))])
    }

    #[test]
    fn the_identifier_is_read_in_every_accepted_form() {
        for query in [
            "provisioning_request_identifier=number%3DPR000001",
            "provisioning_request_identifier=number=PR000001",
            "provisioning_request_identifier=%7B%22number%22%3A%22PR000001%22%7D",
            "provisioning_request_identifier%5Bnumber%5D=PR000001",
            "provisioning_request_identifier[number]=PR000001",
            "provisioning_request_identifier.number=PR000001",
        ] {
            assert_eq!(ident(query).unwrap(), number("PR000001"), "{query}");
        }
        assert_eq!(ident("token=x").unwrap(), None);
        let two =
            ident("provisioning_request_identifier[id]=a&provisioning_request_identifier.number=b")
                .unwrap()
                .unwrap();
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn unknown_fields_and_shapeless_values_are_invalid_identifiers() {
        for query in [
            "provisioning_request_identifier[code]=x",
            "provisioning_request_identifier=code=x",
            "provisioning_request_identifier=PR000001",
            "provisioning_request_identifier={\"number\":1}",
        ] {
            let err = ident(query).unwrap_err();
            assert!(
                matches!(
                    &err,
                    DomainError::Rule {
                        rule: Rule::Crmcom(CrmcomRule::InvalidIdentifier),
                        ..
                    }
                ),
                "{query}: {err:?}"
            );
        }
    }

    #[test]
    fn repeated_parameters_and_non_integers_are_unreadable() {
        assert!(Params::parse("token=a&token=b").is_err());
        assert!(Params::parse("fields_set=id&fields_set=number").is_ok());
        let params = Params::parse("number_of_results=ten").unwrap();
        assert_eq!(
            params.list_query().unwrap_err(),
            "number_of_results must be a 32-bit integer"
        );
        for bad in [
            "offset=",
            "offset=1.5",
            "offset=2147483648",
            "offset=-2147483649",
        ] {
            assert!(Params::parse(bad).unwrap().list_query().is_err(), "{bad}");
        }
        let params = Params::parse("number_of_results=2147483647&offset=-2").unwrap();
        let q = params.list_query().unwrap();
        assert_eq!(
            (q.number_of_results, q.offset),
            (Some(2147483647), Some(-2))
        );
    }
}
