//! `conax_sms_sas/provisioning_requests/cancel_subscriptions` and `…/add_subscriptions`
//! (the CRM.COM *cancel_subscriptions* page; docs/design.md §6.3): one PENDING request per call, after the rules below.

use chrono::NaiveDate;

use std::sync::Arc;

use crate::domain::audit::AuditEvent;
use crate::domain::catalog::Classification;
use crate::domain::event::EventType;
use crate::domain::ids::ProvisioningRequestId;
use crate::domain::provisioning::{
    ConaxCall, LifeCycleState, LogInformation, Priority, ProcessName, ProvisioningRequest,
    ProvisioningType, ServiceRef, SmartcardRef, SubscriptionRef, UserRef,
};
use crate::domain::rules::CrmcomRule;
use crate::domain::store::{StoredReply, Tx};
use crate::domain::DomainError;
use crate::service::idempotency::{self, IdempotentRequest};
use crate::service::{Origin, Services};

use super::identifiers::{
    FieldValues, InstalledItemIdentifier, ProductIdentifier, SubscriptionIdentifier,
};
use super::{echo, Session};

/// Per-tenant counters (atomic upsert-increments, docs/design.md §4).
const NUMBER_COUNTER: &str = "crmcom.provisioning_request.number";
const SEQUENCE_COUNTER: &str = "crmcom.conax.sequence_number";

/// The method's parameters as sent (the token is handled before).
pub struct RawProvisioning {
    pub subscription_identifier: FieldValues,
    pub service_identifier: FieldValues,
    pub smartcard_identifier: FieldValues,
    pub start_date: Option<String>,
}

/// A parsed add/cancel command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisioningCommand {
    pub kind: ProvisioningType,
    pub subscription: SubscriptionIdentifier,
    pub service: ProductIdentifier,
    pub smartcard: InstalledItemIdentifier,
    pub start_date: Option<NaiveDate>,
}

impl ProvisioningCommand {
    /// Identifiers in the seed's order, then the date's format (`YYYY-MM-DD`; empty = absent).
    pub fn parse(kind: ProvisioningType, raw: RawProvisioning) -> Result<Self, DomainError> {
        let subscription = SubscriptionIdentifier::parse(raw.subscription_identifier)?;
        let service = ProductIdentifier::parse(raw.service_identifier)?;
        let smartcard = InstalledItemIdentifier::parse(raw.smartcard_identifier)?;
        let start_date = match raw.start_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(parse_date(text)?),
        };
        Ok(Self {
            kind,
            subscription,
            service,
            smartcard,
            start_date,
        })
    }
}

/// Strictly `YYYY-MM-DD` (chrono alone would also take `2026-5-1`).
fn parse_date(text: &str) -> Result<NaiveDate, DomainError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            DomainError::rule(
                CrmcomRule::InvalidDate,
                format!(
                    "start_date '{}' is not a date in the form YYYY-MM-DD",
                    echo(text)
                ),
            )
        })
}

/// Writes the stored `request` text of a Conax call: wire format, so the adapter's
/// (`adapters::crmcom::conax`); the use-case decides when and with which values.
pub type ConaxRequestText = fn(&ConaxCall<'_>) -> String;

/// Creates the PENDING request and returns the rendered reply (replayed for a repeated
/// `Idempotency-Key`).
#[tracing::instrument(skip_all, fields(kind = cmd.kind.as_str()))]
pub async fn create(
    services: &Arc<Services>,
    session: &Session,
    cmd: ProvisioningCommand,
    origin: &Origin,
    idempotency: Option<&IdempotentRequest>,
    conax_text: ConaxRequestText,
    render: impl FnOnce(&ProvisioningRequest) -> StoredReply + Send + 'static,
) -> Result<StoredReply, DomainError> {
    let (services_in, session_in, origin_in) = (services.clone(), session.clone(), origin.clone());
    idempotency::execute(
        services,
        &session.principal,
        idempotency,
        move |tx| {
            Box::pin(async move {
                apply(&services_in, &session_in, &cmd, &origin_in, conax_text, tx).await
            })
        },
        render,
    )
    .await
}

async fn apply(
    services: &Services,
    session: &Session,
    cmd: &ProvisioningCommand,
    origin: &Origin,
    conax_text: ConaxRequestText,
    tx: &mut dyn Tx,
) -> Result<ProvisioningRequest, DomainError> {
    let principal = &session.principal;
    let tenant = principal.tenant.id;
    let now = services.clock.now();
    // "If not specified then it is set to the date that the request is submitted" (the CRM.COM *cancel_subscriptions* page),
    // judged in the organisation's zone; an earlier date cannot be scheduled.
    let today = principal.tenant.time_zone.today(now);
    let scheduled_date = cmd.start_date.unwrap_or(today);
    if scheduled_date < today {
        return Err(DomainError::rule(
            CrmcomRule::StartDateInPast,
            format!("start_date {scheduled_date} is in the past (today is {today})"),
        ));
    }
    let subscription = cmd.subscription.resolve(tx, tenant).await?;
    // "Only products classified as services can be specified" (the CRM.COM *cancel_subscriptions* page).
    let product = cmd.service.resolve(tx, tenant).await?;
    if product.classification != Classification::Service {
        return Err(DomainError::rule(
            CrmcomRule::NotAService,
            format!(
                "service_identifier: product {} is classified {}; only SERVICE products can be specified",
                echo(&product.code),
                product.classification.as_str()
            ),
        ));
    }
    // "…the subscription that the service should belong to" (the CRM.COM *cancel_subscriptions* page).
    if !tx
        .product_on_subscription(tenant, product.id, subscription.id)
        .await?
    {
        return Err(DomainError::rule(
            CrmcomRule::ServiceNotOnSubscription,
            format!(
                "service_identifier: service {} is not on subscription {}",
                echo(&product.code),
                echo(&subscription.number)
            ),
        ));
    }
    // "Only installed items classified as smartcards … can be specified" (the CRM.COM *cancel_subscriptions* page).
    let item = cmd.smartcard.resolve(tx, tenant).await?;
    if !item.kind.is_smartcard() {
        return Err(DomainError::rule(
            CrmcomRule::NotASmartcard,
            format!(
                "smartcard_identifier: installed item {} is a {}, not a SMARTCARD",
                echo(&item.serial_number),
                item.kind.as_str()
            ),
        ));
    }
    if item.subscription != Some(subscription.id) {
        return Err(DomainError::rule(
            CrmcomRule::SmartcardNotOnSubscription,
            format!(
                "smartcard_identifier: smartcard {} is not on subscription {}",
                echo(&item.serial_number),
                echo(&subscription.number)
            ),
        ));
    }
    // Both counters are single upsert-increments inside this transaction: concurrent calls
    // queue on the counter row, so numbers never repeat (the unique constraints back it up).
    let number = tx.next_counter(tenant, NUMBER_COUNTER).await?;
    let sequence_number = tx.next_counter(tenant, SEQUENCE_COUNTER).await?;
    let call = ConaxCall {
        kind: cmd.kind,
        sequence_number,
        smartcard_serial_number: &item.serial_number,
        product_code: &product.code,
        subscription_number: &subscription.number,
        start_date: scheduled_date,
    };
    let user = UserRef {
        id: principal.user_id,
        username: principal.username.as_str().to_owned(),
    };
    let request = ProvisioningRequest {
        id: ProvisioningRequestId::new(),
        tenant,
        number: format!("PR{number:06}"),
        kind: cmd.kind,
        sequence_number,
        scheduled_date,
        executed_at: None,
        priority: Priority::Regular,
        life_cycle_state: LifeCycleState::Pending,
        request: conax_text(&call),
        response: None,
        reference_number: None,
        error_code: None,
        error_description: None,
        process_name: ProcessName::Manual,
        process_id: origin.request_id.clone(),
        parameters: call.parameters(),
        subscription: SubscriptionRef {
            id: subscription.id,
            number: subscription.number.clone(),
        },
        service: ServiceRef {
            id: product.id,
            code: product.code.clone(),
            alternative_code: product.alternative_code.clone(),
            name: product.name.clone(),
        },
        smartcard: SmartcardRef {
            id: item.id,
            serial_number: item.serial_number.clone(),
            alternative_code: item.alternative_code.clone(),
        },
        log: LogInformation {
            created_at: now,
            updated_at: now,
            created_by: user.clone(),
            updated_by: user,
            created_by_unit: session.unit.clone(),
            updated_by_unit: session.unit.clone(),
        },
    };
    tx.insert_provisioning_request(&request).await?;
    tx.insert_audit(&AuditEvent {
        at: now,
        tenant,
        user: Some(principal.user_id),
        initiator: Some(session.unit.as_str().to_owned()),
        channel: origin.channel,
        operation: format!("crmcom.{}", cmd.kind.as_str().to_ascii_lowercase()),
        entity_type: "provisioning_request".to_owned(),
        entity_id: request.id.to_string(),
        before: None,
        after: Some(serde_json::json!({
            "number": request.number,
            "type": request.kind.as_str(),
            "sequence_number": request.sequence_number,
            "scheduled_date": scheduled_date.to_string(),
            "life_cycle_state": request.life_cycle_state.as_str(),
            "subscription": request.subscription.number,
            "service": request.service.code,
            "smartcard": request.smartcard.serial_number,
        })),
        request_id: origin.request_id.clone(),
        event: Some(EventType::ProvisioningRequestCreated),
    })
    .await?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Rule;

    #[test]
    fn start_dates_must_be_strict_iso_dates() {
        assert_eq!(
            parse_date("2026-05-14").unwrap(),
            NaiveDate::from_ymd_opt(2026, 5, 14).unwrap()
        );
        for bad in [
            "2026-5-14",
            "14/05/2026",
            "2026-02-30",
            "2026-05-14T00:00:00",
            "tomorrow",
        ] {
            let err = parse_date(bad).unwrap_err();
            assert!(
                matches!(
                    &err,
                    DomainError::Rule {
                        rule: Rule::Crmcom(CrmcomRule::InvalidDate),
                        ..
                    }
                ),
                "{bad}: {err:?}"
            );
        }
    }
}
