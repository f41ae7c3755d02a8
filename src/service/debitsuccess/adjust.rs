//! `AdjustAccountTerminationDate` (the Debitsuccess *AdjustAccountTerminationDate* page; docs/design.md §6.1): "Allows you to set or modify the
//! termination date for a customer account. This method will not recalculate the total
//! contract value of the account, only the expected end date."

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::account::{AccountReferenceNo, AccountStatus};
use crate::domain::audit::AuditEvent;
use crate::domain::event::EventType;
use crate::domain::rules::DebitsuccessRule;
use crate::domain::store::Tx;
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::{Origin, Services};

use super::command::AdjustTerminationDate;
use super::rules::{self, Warning};
use super::run::{operation, run, Answer, Caller, Context, Replay};

pub const OPERATION: &str = "AdjustAccountTerminationDate";

/// The account whose expected end date was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjusted {
    pub account: AccountReferenceNo,
    pub termination_date: NaiveDate,
}

/// The rules run in the docs/design.md §6.1 table's order; the first failing error wins, warnings
/// accumulate. 02 (credentials) comes first, in [`run`].
#[tracing::instrument(skip_all, fields(operation = OPERATION))]
pub async fn adjust_termination_date<D>(
    services: &Services,
    message: &AdjustTerminationDate,
    origin: &Origin,
    signed_in: Option<Principal>,
    render: impl Fn(&Answer<Adjusted>) -> D + Clone + Send + 'static,
) -> Result<D, DomainError>
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    let replay = Replay::new(OPERATION, &message.fingerprint_parts());
    let owned = (message.clone(), origin.clone());
    let work = operation(move |tx: &mut dyn Tx, call: &mut Context| {
        Box::pin(async move {
            let (message, origin) = &owned;
            // 100: a required element missing or not of its type.
            rules::check_base_shape(&message.base)?;
            let date = rules::required_date("TerminationDate", message.termination_date.as_ref())?;
            // 13203, then 12016.
            let initiator = rules::initiator(&message.base)?;
            let lookup = rules::lookup(&message.references)?;
            // 14020: "a time part is ignored with a warning".
            if date.time_of_day {
                call.warnings.push(Warning::TimePartIgnored {
                    field: "TerminationDate",
                });
            }
            // 14091: today in the tenant's zone is allowed.
            let tenant = &call.principal.tenant;
            rules::not_in_the_past(date.date, tenant.time_zone.today(call.now))?;
            // 08, 07.
            let account = rules::the_account(tx, tenant.id, &lookup).await?;
            // 10: "If either account is not active, then error 10 will be returned."
            if account.status != AccountStatus::Active {
                return Err(DomainError::rule(
                    DebitsuccessRule::NotActive,
                    format!(
                        "account {} is {}",
                        account.reference_no.as_str(),
                        account.status.as_str()
                    ),
                ));
            }
            // 14079: "Note: if the account already has a 'Final Bill Date'" — our reading: the new
            // date may not fall before it, that period is billed already.
            if account
                .final_bill_date
                .is_some_and(|billed| date.date < billed)
            {
                return Err(DomainError::rule(
                    DebitsuccessRule::AlreadyBilled,
                    "the date falls before the account's final bill date",
                ));
            }
            // The termination date changes; the total contract value never does.
            tx.set_termination_date(tenant.id, account.id, Some(date.date))
                .await?;
            tx.insert_audit(&AuditEvent {
                at: call.now,
                tenant: tenant.id,
                user: Some(call.principal.user_id),
                initiator,
                channel: origin.channel,
                operation: OPERATION.to_owned(),
                entity_type: "account".to_owned(),
                entity_id: account.id.to_string(),
                before: Some(serde_json::json!({
                    "reference_no": account.reference_no.as_str(),
                    "termination_date": account.termination_date.map(|d| d.to_string()),
                })),
                after: Some(serde_json::json!({
                    "reference_no": account.reference_no.as_str(),
                    "termination_date": date.date.to_string(),
                })),
                request_id: origin.request_id.clone(),
                // The account's termination date changed (docs/events.md).
                event: Some(EventType::AccountTerminationDateChanged),
            })
            .await?;
            Ok(Adjusted {
                account: account.reference_no,
                termination_date: date.date,
            })
        })
    });
    let caller = Caller { origin, signed_in };
    run(services, &message.base, caller, Some(replay), work, render).await
}
