//! Settings (docs/design.md §5): every field comes from a CLI flag with an environment-variable
//! fallback (see `cli.rs`); `Settings::default()` is what tests start from.

use std::time::Duration;

use crate::adapters::http::client_addr::ProxyTrust;
use crate::adapters::http::xml_gate::XmlLimits;
use crate::service::jobs::WorkerSettings;
use crate::service::ServiceSettings;
use crate::storage::{PoolSettings, DEFAULT_DATABASE_URL};

#[derive(Clone, Debug)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one (tests).
    pub bind: String,
    pub database_url: String,
    /// Load the demo fixture into an empty database at start.
    pub demo: bool,
    /// Import this fixture file at start (insert-if-absent, as `import` does); with
    /// `allow_reset` it is what a reset restores. Not with `demo`.
    pub fixture: Option<std::path::PathBuf>,
    /// Enable `POST /admin/v1/reset` (test systems only; docs/operations.md "Reset").
    pub allow_reset: bool,
    /// HTTP worker threads (0: one per core).
    pub http_workers: usize,
    /// The base URL clients reach us at (`https://billing.example.com`), used in the WSDL's
    /// `soap:address`. Unset: the request's own scheme and Host.
    pub public_base_url: Option<String>,
    /// Which proxies report the client (`X-Forwarded-For/-Host/-Proto`); none by default.
    pub proxy: ProxyTrust,
    /// Request body cap (docs/design.md §7: 1 MiB → 413).
    pub body_limit: usize,
    /// A body must arrive within this time (slow-body defence).
    pub body_timeout: Duration,
    pub xml: XmlLimits,
    pub pool: PoolSettings,
    pub service: ServiceSettings,
    /// Run the durable-queue worker in this process.
    pub run_worker: bool,
    pub worker: WorkerSettings,
    pub vendors: VendorSettings,
    /// Log lines per second per client address inside requests; 0: no limit (issue 13).
    pub log_lines_per_client: u32,
    pub connections: ConnectionSettings,
}

/// How long a connection may sit idle or stall (issue 13 row 5; docs/operations.md
/// "Connections and time-outs").
#[derive(Clone, Debug)]
pub struct ConnectionSettings {
    /// An idle keep-alive connection is closed after this long.
    pub idle_timeout: Duration,
    /// A request's head (line and headers) must arrive within this time (slowloris).
    pub head_timeout: Duration,
    /// Data we sent that the client has not acknowledged (it stopped reading) for this long
    /// closes the connection (TCP_USER_TIMEOUT); zero leaves the kernel's default.
    pub send_timeout: Duration,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(5),
            head_timeout: Duration::from_secs(5),
            send_timeout: Duration::from_secs(10),
        }
    }
}

/// Knobs the vendor APIs document.
#[derive(Clone, Debug)]
pub struct VendorSettings {
    /// CRM.COM tokens expire after this much idle time (docs/design.md §6.3: 1 hour).
    pub crmcom_token_idle: Duration,
    /// Billing Care requires a bearer token (production); test systems turn this off.
    pub billing_care_require_token: bool,
    /// Lifetime of a Billing Care access token (`expires_in`).
    pub billing_care_token_ttl: Duration,
    /// Live CRM.COM tokens per user; a login past it releases the least recently used
    /// (issue 13).
    pub crmcom_tokens_per_user: u32,
    /// Live Billing Care access tokens per user; a queryAccessToken past it revokes the
    /// oldest (issue 13).
    pub billing_care_tokens_per_user: u32,
}

impl Default for VendorSettings {
    fn default() -> Self {
        Self {
            crmcom_token_idle: Duration::from_secs(3600),
            billing_care_require_token: true,
            billing_care_token_ttl: Duration::from_secs(3600),
            crmcom_tokens_per_user: 100,
            billing_care_tokens_per_user: 100,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            demo: false,
            fixture: None,
            allow_reset: false,
            http_workers: 0,
            public_base_url: None,
            proxy: ProxyTrust::default(),
            body_limit: 1024 * 1024,
            body_timeout: Duration::from_secs(10),
            xml: XmlLimits::default(),
            pool: PoolSettings::default(),
            service: ServiceSettings::default(),
            run_worker: true,
            worker: WorkerSettings::default(),
            vendors: VendorSettings::default(),
            connections: ConnectionSettings::default(),
            log_lines_per_client: crate::telemetry::DEFAULT_PER_CLIENT,
        }
    }
}
