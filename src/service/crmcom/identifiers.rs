//! CRM.COM identifier objects (the CRM.COM *cancel_subscriptions* page "Restrictions": "It is mandatory to specify one of
//! the semi-optional parameters. Only one of those parameters is allowed to be specified"),
//! and their resolution inside the caller's tenant.

use crate::domain::catalog::{InstalledItem, Product, Subscription};
use crate::domain::ids::{InstalledItemId, ProductId, SubscriptionId, TenantId};
use crate::domain::rules::CrmcomRule;
use crate::domain::store::Tx;
use crate::domain::DomainError;

use super::echo;

/// An identifier object as sent: `None` when the object itself is absent; otherwise each
/// known field with its value. Empty or blank values count as not given.
pub type FieldValues = Option<Vec<(&'static str, Option<String>)>>;

/// Picks the one field given. `param` names the identifier in every message.
fn exactly_one(
    param: &'static str,
    allowed: &[&'static str],
    given: FieldValues,
) -> Result<(&'static str, String), DomainError> {
    let Some(fields) = given else {
        return Err(DomainError::rule(
            CrmcomRule::MissingParameter,
            format!("{param} is mandatory"),
        ));
    };
    let mut present: Vec<(&'static str, String)> = fields
        .into_iter()
        .filter_map(|(name, value)| {
            let value = value?.trim().to_owned();
            (!value.is_empty()).then_some((name, value))
        })
        .collect();
    let choices = allowed.join(", ");
    match present.len() {
        1 => Ok(present.remove(0)),
        0 => Err(DomainError::rule(
            CrmcomRule::InvalidIdentifier,
            format!("{param}: specify exactly one of {choices} (none given)"),
        )),
        _ => {
            let names: Vec<&str> = present.iter().map(|(name, _)| *name).collect();
            Err(DomainError::rule(
                CrmcomRule::InvalidIdentifier,
                format!(
                    "{param}: specify exactly one of {choices} (got {})",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// Subscription identifier: `id` | `number`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriptionIdentifier {
    Id(String),
    Number(String),
}

impl SubscriptionIdentifier {
    pub const PARAM: &'static str = "subscription_identifier";

    pub fn parse(given: FieldValues) -> Result<Self, DomainError> {
        match exactly_one(Self::PARAM, &["id", "number"], given)? {
            ("id", v) => Ok(Self::Id(v)),
            (_, v) => Ok(Self::Number(v)),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Id(v) => format!("id '{}'", echo(v)),
            Self::Number(v) => format!("number '{}'", echo(v)),
        }
    }

    pub async fn resolve(
        &self,
        tx: &mut dyn Tx,
        tenant: TenantId,
    ) -> Result<Subscription, DomainError> {
        let found = match self {
            // Ids are opaque: one that is not a UUID simply names nothing.
            Self::Id(v) => match SubscriptionId::parse(v) {
                Ok(id) => tx.subscription(tenant, id).await?,
                Err(_) => None,
            },
            Self::Number(v) => tx.subscription_by_number(tenant, v).await?,
        };
        found.ok_or_else(|| {
            DomainError::rule(
                CrmcomRule::SubscriptionNotFound,
                format!("{}: no subscription with {}", Self::PARAM, self.describe()),
            )
        })
    }
}

/// Product identifier: `id` | `code` | `alternative_code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProductIdentifier {
    Id(String),
    Code(String),
    AlternativeCode(String),
}

impl ProductIdentifier {
    pub const PARAM: &'static str = "service_identifier";

    pub fn parse(given: FieldValues) -> Result<Self, DomainError> {
        match exactly_one(Self::PARAM, &["id", "code", "alternative_code"], given)? {
            ("id", v) => Ok(Self::Id(v)),
            ("code", v) => Ok(Self::Code(v)),
            (_, v) => Ok(Self::AlternativeCode(v)),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Id(v) => format!("id '{}'", echo(v)),
            Self::Code(v) => format!("code '{}'", echo(v)),
            Self::AlternativeCode(v) => format!("alternative_code '{}'", echo(v)),
        }
    }

    pub async fn resolve(&self, tx: &mut dyn Tx, tenant: TenantId) -> Result<Product, DomainError> {
        let found = match self {
            Self::Id(v) => match ProductId::parse(v) {
                Ok(id) => tx.product(tenant, id).await?,
                Err(_) => None,
            },
            Self::Code(v) => tx.product_by_code(tenant, v).await?,
            Self::AlternativeCode(v) => single(
                Self::PARAM,
                "products",
                &self.describe(),
                tx.products_by_alternative_code(tenant, v).await?,
            )?,
        };
        found.ok_or_else(|| {
            DomainError::rule(
                CrmcomRule::ServiceNotFound,
                format!("{}: no product with {}", Self::PARAM, self.describe()),
            )
        })
    }
}

/// Installed item identifier: `id` | `serial_number` | `alternative_code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstalledItemIdentifier {
    Id(String),
    SerialNumber(String),
    AlternativeCode(String),
}

impl InstalledItemIdentifier {
    pub const PARAM: &'static str = "smartcard_identifier";

    pub fn parse(given: FieldValues) -> Result<Self, DomainError> {
        match exactly_one(
            Self::PARAM,
            &["id", "serial_number", "alternative_code"],
            given,
        )? {
            ("id", v) => Ok(Self::Id(v)),
            ("serial_number", v) => Ok(Self::SerialNumber(v)),
            (_, v) => Ok(Self::AlternativeCode(v)),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Id(v) => format!("id '{}'", echo(v)),
            Self::SerialNumber(v) => format!("serial_number '{}'", echo(v)),
            Self::AlternativeCode(v) => format!("alternative_code '{}'", echo(v)),
        }
    }

    pub async fn resolve(
        &self,
        tx: &mut dyn Tx,
        tenant: TenantId,
    ) -> Result<InstalledItem, DomainError> {
        let found = match self {
            Self::Id(v) => match InstalledItemId::parse(v) {
                Ok(id) => tx.installed_item(tenant, id).await?,
                Err(_) => None,
            },
            Self::SerialNumber(v) => tx.installed_item_by_serial(tenant, v).await?,
            Self::AlternativeCode(v) => single(
                Self::PARAM,
                "installed items",
                &self.describe(),
                tx.installed_items_by_alternative_code(tenant, v).await?,
            )?,
        };
        found.ok_or_else(|| {
            DomainError::rule(
                CrmcomRule::SmartcardNotFound,
                format!(
                    "{}: no installed item with {}",
                    Self::PARAM,
                    self.describe()
                ),
            )
        })
    }
}

/// Provisioning request identifier: `id` | `number` (the `show` method).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisioningRequestIdentifier {
    Id(String),
    Number(String),
}

impl ProvisioningRequestIdentifier {
    pub const PARAM: &'static str = "provisioning_request_identifier";
    pub const FIELDS: &'static [&'static str] = &["id", "number"];

    pub fn parse(given: FieldValues) -> Result<Self, DomainError> {
        match exactly_one(Self::PARAM, Self::FIELDS, given)? {
            ("id", v) => Ok(Self::Id(v)),
            (_, v) => Ok(Self::Number(v)),
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::Id(v) => format!("id '{}'", echo(v)),
            Self::Number(v) => format!("number '{}'", echo(v)),
        }
    }
}

/// Alternative codes are not unique: more than one match is refused rather than guessed.
fn single<T>(
    param: &'static str,
    what: &str,
    described: &str,
    mut found: Vec<T>,
) -> Result<Option<T>, DomainError> {
    match found.len() {
        0 | 1 => Ok(found.pop()),
        n => Err(DomainError::rule(
            CrmcomRule::AmbiguousIdentifier,
            format!("{param}: {described} matches {n} {what}; use another identifier field"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Rule;

    fn fields(pairs: &[(&'static str, Option<&str>)]) -> FieldValues {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (*k, v.map(str::to_owned)))
                .collect(),
        )
    }

    fn rule_of(err: DomainError) -> (CrmcomRule, String) {
        match err {
            DomainError::Rule {
                rule: Rule::Crmcom(rule),
                message,
            } => (rule, message),
            other => panic!("not a CRM.COM rule: {other:?}"),
        }
    }

    #[test]
    fn exactly_one_field_is_taken_and_trimmed() {
        let id =
            SubscriptionIdentifier::parse(fields(&[("id", None), ("number", Some(" SUB-1 "))]));
        assert_eq!(id.unwrap(), SubscriptionIdentifier::Number("SUB-1".into()));
    }

    #[test]
    fn none_two_or_absent_are_refused_naming_the_identifier() {
        let (rule, message) = rule_of(
            ProductIdentifier::parse(fields(&[("id", Some("")), ("code", None)])).unwrap_err(),
        );
        assert_eq!(rule, CrmcomRule::InvalidIdentifier);
        assert_eq!(
            message,
            "service_identifier: specify exactly one of id, code, alternative_code (none given)"
        );
        let (rule, message) = rule_of(
            InstalledItemIdentifier::parse(fields(&[
                ("id", Some("x")),
                ("serial_number", Some("y")),
            ]))
            .unwrap_err(),
        );
        assert_eq!(rule, CrmcomRule::InvalidIdentifier);
        assert_eq!(
            message,
            "smartcard_identifier: specify exactly one of id, serial_number, alternative_code (got id, serial_number)"
        );
        let (rule, message) = rule_of(SubscriptionIdentifier::parse(None).unwrap_err());
        assert_eq!(rule, CrmcomRule::MissingParameter);
        assert_eq!(message, "subscription_identifier is mandatory");
    }
}
