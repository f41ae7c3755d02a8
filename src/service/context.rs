//! The shared context every adapter and the worker are given.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::domain::clock::{Clock, SystemClock};
use crate::domain::store::Store;

use super::auth::{AuthSettings, Authenticator};
use super::journal::{Journal, JournalSettings};
use super::mint_rate::MintRate;

/// Service-level settings (see `config.rs` for where they come from).
#[derive(Clone, Debug)]
pub struct ServiceSettings {
    /// How credential checks are cached, bounded and throttled (docs/design.md §7, issue 13).
    pub auth: AuthSettings,
    /// How long a stored Idempotency-Key reply is replayed (docs/design.md §7: 24 h).
    pub idempotency_ttl: Duration,
    /// Unfinished asynchronous operations one tenant may have queued; past it an enqueuing
    /// call is refused as busy (issue 13). 0: no cap.
    pub max_queued_jobs_per_tenant: u32,
    /// Access tokens one user may mint per second, sustained (CRM.COM and Billing Care
    /// logins; issue 13). 0: no limit.
    pub token_mints_per_sec: u32,
    /// …and at once, after a quiet spell (the token bucket's size).
    pub token_mint_burst: u32,
    /// Webhook delivery's time-out and retry policy (docs/events.md "Webhooks").
    pub webhooks: crate::service::webhooks::WebhookSettings,
    /// Whether `POST /admin/v1/reset` works, and the fixture it restores
    /// (docs/operations.md "Reset"); off by default.
    pub reset: crate::service::admin::reset::ResetSettings,
    /// The request journal's bounds (docs/operations.md "Request journal").
    pub journal: JournalSettings,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self {
            auth: AuthSettings::default(),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            max_queued_jobs_per_tenant: 1000,
            token_mints_per_sec: 10,
            token_mint_burst: 50,
            webhooks: Default::default(),
            reset: Default::default(),
            journal: JournalSettings::default(),
        }
    }
}

pub struct Services {
    pub store: Arc<dyn Store>,
    pub auth: Authenticator,
    pub clock: Arc<dyn Clock>,
    pub settings: ServiceSettings,
    /// Bumped after a commit that enqueued work, so the local worker's lanes start at once
    /// instead of at their next poll (a watch: every lane sees it, also one that was busy).
    pub jobs_ready: watch::Sender<u64>,
    /// Per-user token-minting rate (this instance's share; see `mint_rate.rs`).
    pub mint_rate: MintRate,
    /// Bumped after each commit that wrote events: long-polling feed readers of this
    /// instance wait on it (docs/events.md "Long polling").
    pub events_committed: watch::Sender<u64>,
    /// The request journal's queue (its writer runs beside the server; see `journal`).
    pub journal: Journal,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, settings: ServiceSettings) -> Self {
        Self::with_clock(store, settings, Arc::new(SystemClock))
    }

    pub fn with_clock(
        store: Arc<dyn Store>,
        settings: ServiceSettings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            auth: Authenticator::new(&settings.auth),
            mint_rate: MintRate::new(settings.token_mints_per_sec, settings.token_mint_burst),
            journal: Journal::new(settings.journal.clone()),
            store,
            clock,
            settings,
            jobs_ready: watch::Sender::new(0),
            events_committed: watch::Sender::new(0),
        }
    }
}
