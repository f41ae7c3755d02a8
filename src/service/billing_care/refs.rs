//! The three resource references of a cancel-bundle request (the Billing Care *Cancel a Bundle* page: `accountRef`,
//! `serviceRef`, `dealRef`, each `{id, uri}`), parsed into typed POIDs.
//!
//! The Billing Care *Cancel a Bundle* page: "BAD REQUEST (400) on null Account Id/Service Id/Deal Id". We read "null" as
//! absent, JSON `null` or empty, and answer the same 400 for an id that is not a POID or is
//! a POID of another type, naming which id and why.

use crate::domain::poid::Poid;
use crate::domain::rules::BillingCareRule;
use crate::domain::DomainError;

/// Which reference an id came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    Account,
    Service,
    Deal,
}

impl RefKind {
    /// The seed's own name for the id ("null Account Id").
    pub fn label(self) -> &'static str {
        match self {
            RefKind::Account => "Account Id",
            RefKind::Service => "Service Id",
            RefKind::Deal => "Deal Id",
        }
    }

    /// Where it sits in the request body.
    pub fn field(self) -> &'static str {
        match self {
            RefKind::Account => "accountRef.id",
            RefKind::Service => "serviceRef.id",
            RefKind::Deal => "dealRef.id",
        }
    }

    /// The BRM type the POID must be (subtypes included: `/service/email` is a `/service`).
    pub fn brm_type(self) -> &'static str {
        match self {
            RefKind::Account => "/account",
            RefKind::Service => "/service",
            RefKind::Deal => "/deal",
        }
    }

    /// An example id of the right type, from the seed.
    pub fn example(self) -> &'static str {
        match self {
            RefKind::Account => "0.0.0.1+-account+174257",
            RefKind::Service => "0.0.0.1+-service-email+175025",
            RefKind::Deal => "0.0.0.1+-deal+41056",
        }
    }

    fn expectation(self) -> String {
        let article = match self {
            RefKind::Account => "an",
            RefKind::Service | RefKind::Deal => "a",
        };
        format!(
            "{} must be {article} {} POID such as {}",
            self.field(),
            self.brm_type(),
            self.example()
        )
    }

    /// The id given in a reference: absent, `null` and empty are all "null" (the Billing Care *Cancel a Bundle* page).
    pub fn parse(self, id: Option<&str>) -> Result<Poid, DomainError> {
        let id = match id {
            None => {
                return Err(DomainError::rule(
                    BillingCareRule::NullId,
                    format!(
                        "null {}: {} is missing or null; {}",
                        self.label(),
                        self.field(),
                        self.expectation()
                    ),
                ))
            }
            Some("") => {
                return Err(DomainError::rule(
                    BillingCareRule::NullId,
                    format!(
                        "null {}: {} is empty; {}",
                        self.label(),
                        self.field(),
                        self.expectation()
                    ),
                ))
            }
            Some(id) => id,
        };
        let poid = Poid::parse(id).map_err(|err| {
            let why = match err {
                DomainError::Invalid { reason, .. } => reason,
                other => other.to_string(),
            };
            DomainError::rule(
                BillingCareRule::MalformedId,
                format!("malformed {}: {why}; {}", self.label(), self.expectation()),
            )
        })?;
        if !poid.is_a(self.brm_type()) {
            return Err(DomainError::rule(
                BillingCareRule::WrongIdType,
                format!(
                    "wrong {} type: '{id}' is a {} POID; {}",
                    self.label(),
                    poid.kind(),
                    self.expectation()
                ),
            ));
        }
        Ok(poid)
    }

    /// An id that arrived as something other than a string (a JSON number, an object…).
    pub fn not_a_string(self) -> DomainError {
        DomainError::rule(
            BillingCareRule::MalformedId,
            format!(
                "malformed {}: {} is not a string; {}",
                self.label(),
                self.field(),
                self.expectation()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Rule;

    fn rule_and_message(err: DomainError) -> (BillingCareRule, String) {
        match err {
            DomainError::Rule {
                rule: Rule::BillingCare(rule),
                message,
            } => (rule, message),
            other => panic!("expected a Billing Care rule, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_ids_parse_as_their_types() {
        assert_eq!(
            RefKind::Account
                .parse(Some("0.0.0.1+-account+174257"))
                .unwrap()
                .kind(),
            "/account"
        );
        assert_eq!(
            RefKind::Service
                .parse(Some("0.0.0.1+-service-email+175025"))
                .unwrap()
                .kind(),
            "/service/email"
        );
        assert!(RefKind::Deal.parse(Some("0.0.0.1+-deal+41056")).is_ok());
    }

    #[test]
    fn null_and_empty_ids_are_the_seeds_null_id() {
        let (rule, message) = rule_and_message(RefKind::Service.parse(None).unwrap_err());
        assert_eq!(rule, BillingCareRule::NullId);
        assert_eq!(
            message,
            "null Service Id: serviceRef.id is missing or null; serviceRef.id must be a /service \
             POID such as 0.0.0.1+-service-email+175025"
        );
        let (rule, message) = rule_and_message(RefKind::Deal.parse(Some("")).unwrap_err());
        assert_eq!(rule, BillingCareRule::NullId);
        assert!(message.starts_with("null Deal Id: dealRef.id is empty;"));
    }

    #[test]
    fn malformed_and_mistyped_ids_say_why() {
        let (rule, message) = rule_and_message(RefKind::Account.parse(Some("174257")).unwrap_err());
        assert_eq!(rule, BillingCareRule::MalformedId);
        assert_eq!(
            message,
            "malformed Account Id: '174257' is not a POID (expected <db>+-<type>+<id>); \
             accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"
        );
        let (rule, message) = rule_and_message(
            RefKind::Account
                .parse(Some("0.0.0.1+-deal+41056"))
                .unwrap_err(),
        );
        assert_eq!(rule, BillingCareRule::WrongIdType);
        assert!(
            message.starts_with("wrong Account Id type: '0.0.0.1+-deal+41056' is a /deal POID;")
        );
        // `/serviceX` is not a `/service`.
        assert!(RefKind::Service.parse(Some("0.0.0.1+-services+1")).is_err());
    }
}
