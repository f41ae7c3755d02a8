//! `GET conax_sms_sas/provisioning_requests/show` and `…/list` (vendor notes A: show takes
//! `provisioning_request_identifier` {id | number}; list takes `type`, `life_cycle_state`,
//! `number_of_results`, `offset`). Both only ever see the caller's organisation.

use crate::domain::ids::ProvisioningRequestId;
use crate::domain::provisioning::{
    LifeCycleState, ProvisioningFilter, ProvisioningRequest, DOCUMENTED_TYPES,
};
use crate::domain::rules::CrmcomRule;
use crate::domain::DomainError;
use crate::service::Services;

use super::identifiers::ProvisioningRequestIdentifier;
use super::{echo, Session};

/// Results per page when `number_of_results` is not given, and the most one page holds.
pub const DEFAULT_RESULTS: i64 = 50;
pub const MAX_RESULTS: i64 = 500;

pub async fn show(
    services: &Services,
    session: &Session,
    identifier: &ProvisioningRequestIdentifier,
) -> Result<ProvisioningRequest, DomainError> {
    let tenant = session.principal.tenant.id;
    let mut tx = services.store.read().await?;
    let found = match identifier {
        ProvisioningRequestIdentifier::Id(v) => match ProvisioningRequestId::parse(v) {
            Ok(id) => tx.provisioning_request(tenant, id).await?,
            Err(_) => None,
        },
        ProvisioningRequestIdentifier::Number(v) => {
            tx.provisioning_request_by_number(tenant, v).await?
        }
    };
    found.ok_or_else(|| {
        DomainError::rule(
            CrmcomRule::ProvisioningRequestNotFound,
            format!(
                "{}: no provisioning request with {}",
                ProvisioningRequestIdentifier::PARAM,
                identifier.describe()
            ),
        )
    })
}

/// The list method's parameters as sent (integers already read as integers).
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub kind: Option<String>,
    pub life_cycle_state: Option<String>,
    pub number_of_results: Option<i64>,
    pub offset: Option<i64>,
}

impl ListQuery {
    fn filter(self) -> Result<ProvisioningFilter, DomainError> {
        let blank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let kind = match blank(self.kind) {
            None => None,
            Some(text) => Some(
                DOCUMENTED_TYPES
                    .iter()
                    .copied()
                    .find(|t| *t == text)
                    .ok_or_else(|| {
                        DomainError::invalid(
                            "type",
                            format!(
                                "unknown value '{}' (expected one of {})",
                                echo(&text),
                                DOCUMENTED_TYPES.join(", ")
                            ),
                        )
                    })?,
            ),
        };
        let life_cycle_state = blank(self.life_cycle_state)
            .map(|s| {
                LifeCycleState::parse(&s).map_err(|_| {
                    DomainError::invalid(
                        "life_cycle_state",
                        format!(
                            "unknown value '{}' (expected PENDING, REJECTED or COMPLETED)",
                            echo(&s)
                        ),
                    )
                })
            })
            .transpose()?;
        let limit = self.number_of_results.unwrap_or(DEFAULT_RESULTS);
        if !(1..=MAX_RESULTS).contains(&limit) {
            return Err(DomainError::invalid(
                "number_of_results",
                format!("must be between 1 and {MAX_RESULTS}"),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(DomainError::invalid("offset", "must be 0 or more"));
        }
        Ok(ProvisioningFilter {
            kind,
            life_cycle_state,
            limit,
            offset,
        })
    }
}

pub async fn list(
    services: &Services,
    session: &Session,
    query: ListQuery,
) -> Result<Vec<ProvisioningRequest>, DomainError> {
    let filter = query.filter()?;
    let mut tx = services.store.read().await?;
    tx.provisioning_requests(session.principal.tenant.id, &filter)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_field(err: DomainError) -> String {
        match err {
            DomainError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn list_parameters_are_checked_and_defaulted() {
        let f = ListQuery::default().filter().unwrap();
        assert_eq!(
            (f.kind, f.life_cycle_state, f.limit, f.offset),
            (None, None, 50, 0)
        );
        let f = ListQuery {
            kind: Some("GET_PAIRING_STATUS_FOR_CARD".into()),
            life_cycle_state: Some("PENDING".into()),
            number_of_results: Some(500),
            offset: Some(3),
        }
        .filter()
        .unwrap();
        assert_eq!(f.kind, Some("GET_PAIRING_STATUS_FOR_CARD"));
        assert_eq!(f.life_cycle_state, Some(LifeCycleState::Pending));
        for (query, field) in [
            (
                ListQuery {
                    kind: Some("NOPE".into()),
                    ..Default::default()
                },
                "type",
            ),
            (
                ListQuery {
                    life_cycle_state: Some("pending".into()),
                    ..Default::default()
                },
                "life_cycle_state",
            ),
            (
                ListQuery {
                    number_of_results: Some(0),
                    ..Default::default()
                },
                "number_of_results",
            ),
            (
                ListQuery {
                    number_of_results: Some(501),
                    ..Default::default()
                },
                "number_of_results",
            ),
            (
                ListQuery {
                    offset: Some(-1),
                    ..Default::default()
                },
                "offset",
            ),
        ] {
            assert_eq!(invalid_field(query.filter().unwrap_err()), field);
        }
    }
}
