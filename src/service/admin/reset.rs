//! Reset for test systems (issue 19 item 4; docs/operations.md "Reset"): puts the database
//! back to the fixture the server loaded (`serve --demo` or `serve --fixture FILE`) in one
//! transaction, so a SoapUI suite can start from known data on every run. Only a server
//! started with `--allow-reset` does it; the admin API and the console call [`reset`].
//!
//! What goes back to the fixture: every tenant's vendor data. What stays: operators and
//! their tokens, webhooks, WS-Security nonces (a replay stays a replay), and the audit
//! trail, which is the event feed (docs/events.md): a follower never loses an event it has
//! not read. The reset is itself an event, `tenant.reset`, one per tenant, naming the
//! operator.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::audit::{AuditEvent, Channel};
use crate::domain::event::EventType;
use crate::domain::operator::Operator;
use crate::domain::store::{Kept, Retired};
use crate::domain::DomainError;
use crate::service::import::restore::{restore, PreparedFixture};
use crate::service::import::ImportError;
use crate::service::Services;

/// The audit rows' operation.
pub const OPERATION: &str = "admin.reset";

/// Whether this server resets, and to what (`serve --allow-reset`).
#[derive(Clone, Debug, Default)]
pub struct ResetSettings {
    /// `--allow-reset` / `BILLING_COMPAT_ALLOW_RESET`; never on by default.
    pub allowed: bool,
    /// The fixture loaded at start-up, prepared for restoring; `None` without `--demo` or
    /// `--fixture` (or without `--allow-reset`, which is when nothing is prepared).
    pub fixture: Option<Arc<PreparedFixture>>,
}

/// Why a reset did not happen; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error(
        "reset is not enabled on this server: start it with --allow-reset (test systems only)"
    )]
    Disabled,
    #[error("this server loaded no fixture to reset to: start it with --demo or --fixture FILE as well as --allow-reset")]
    NoFixture,
    /// The fixture cannot be written over the database as it stands (an entry named).
    #[error("the fixture cannot be restored: {0}")]
    Fixture(ImportError),
    #[error(transparent)]
    Store(#[from] DomainError),
}

/// What a reset did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetOutcome {
    /// `demo`, or the fixture file's path.
    pub fixture: String,
    pub at: DateTime<Utc>,
    /// Vendor rows deleted before the fixture was written again.
    pub rows_deleted: u64,
    /// Fixture entries written afresh.
    pub entries_written: usize,
    /// The tenants after the reset (each got a `tenant.reset` event), by code.
    pub tenants: Vec<String>,
    pub retired: Retired,
}

/// Puts the database back to the loaded fixture, as `operator`, in one transaction with
/// its audit rows; answers after the commit. `request_id` is the HTTP request's
/// `X-Request-Id`, recorded on the audit rows.
#[tracing::instrument(skip(services, operator), fields(operator = operator.name.as_str()))]
pub async fn reset(
    services: &Services,
    operator: &Operator,
    request_id: Option<String>,
) -> Result<ResetOutcome, ResetError> {
    let settings = &services.settings.reset;
    if !settings.allowed {
        return Err(ResetError::Disabled);
    }
    let fixture = settings.fixture.clone().ok_or(ResetError::NoFixture)?;
    let now = services.clock.now();
    let initiator = operator.name.as_str().to_owned();
    let outcome = services
        .write_bulk(move |tx| {
            Box::pin(async move {
                tx.lock_for_reset().await?;
                let restored = match restore(tx, &fixture, now).await? {
                    Ok(restored) => restored,
                    // The fixture's refusal is the answer, not a storage failure: roll
                    // everything back and hand the entry's error out.
                    Err(rejected) => return Ok(Kept::discard(Err(rejected))),
                };
                let tenants = tx.all_tenants().await?;
                for tenant in &tenants {
                    tx.insert_audit(&AuditEvent {
                        at: now,
                        tenant: tenant.id,
                        user: None,
                        initiator: Some(initiator.clone()),
                        channel: Channel::Admin,
                        operation: OPERATION.to_owned(),
                        entity_type: "tenant".to_owned(),
                        entity_id: tenant.code.as_str().to_owned(),
                        before: None,
                        after: Some(json!({
                            "fixture": fixture.name,
                            "operator": initiator,
                        })),
                        request_id: request_id.clone(),
                        event: Some(EventType::TenantReset),
                    })
                    .await?;
                }
                Ok(Kept::commit(Ok(ResetOutcome {
                    fixture: fixture.name.clone(),
                    at: now,
                    rows_deleted: restored.rows_deleted,
                    entries_written: restored.import.inserted,
                    tenants: tenants.iter().map(|t| t.code.as_str().to_owned()).collect(),
                    retired: restored.retired,
                })))
            })
        })
        .await?
        .map_err(ResetError::Fixture)?;
    tracing::info!(
        fixture = %outcome.fixture,
        rows_deleted = outcome.rows_deleted,
        entries_written = outcome.entries_written,
        "database reset to the fixture"
    );
    Ok(outcome)
}
