//! The shared context every adapter and the worker are given.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::domain::clock::{Clock, SystemClock};
use crate::domain::store::Store;

use super::auth::{AuthSettings, Authenticator};

/// Service-level settings (see `config.rs` for where they come from).
#[derive(Clone, Debug)]
pub struct ServiceSettings {
    /// How credential checks are cached, bounded and throttled (docs/design.md §7, issue 13).
    pub auth: AuthSettings,
    /// How long a stored Idempotency-Key reply is replayed (docs/design.md §7: 24 h).
    pub idempotency_ttl: Duration,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self {
            auth: AuthSettings::default(),
            idempotency_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

pub struct Services {
    pub store: Arc<dyn Store>,
    pub auth: Authenticator,
    pub clock: Arc<dyn Clock>,
    pub settings: ServiceSettings,
    /// Pinged after a commit that enqueued work, so the local worker starts at once
    /// instead of at its next poll.
    pub jobs_ready: Arc<Notify>,
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
            store,
            clock,
            settings,
            jobs_ready: Arc::new(Notify::new()),
        }
    }
}
