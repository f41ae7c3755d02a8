//! The command line (docs/design.md §5). Every flag falls back to a `BILLING_COMPAT_*` variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use ipnet::IpNet;

use crate::adapters::http::client_addr::{parse_network, ProxyTrust};
use crate::config::Settings;
use crate::storage::DEFAULT_DATABASE_URL;

#[derive(Parser, Debug)]
#[command(
    name = "billing-compat",
    version,
    about = "Legacy billing vendors' wire formats over one domain core"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, then serve HTTP.
    Serve(ServeArgs),
    /// Bring the database schema up to date.
    Migrate(DatabaseArgs),
    /// Load a YAML fixture file (atomic and idempotent).
    Import {
        /// The fixture file (format: fixtures/README.md).
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Args, Debug)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://user@host/db`.
    #[arg(long = "database", env = "BILLING_COMPAT_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub url: String,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, env = "BILLING_COMPAT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load fixtures/demo.yaml into an empty database.
    #[arg(long, env = "BILLING_COMPAT_DEMO")]
    pub demo: bool,
    /// Base URL for the WSDL's soap:address (default: the request's Host).
    #[arg(long, env = "BILLING_COMPAT_PUBLIC_BASE_URL")]
    pub public_base_url: Option<String>,
    /// Trust the TCP peer as a proxy: the client is the right-most untrusted
    /// X-Forwarded-For hop; X-Forwarded-Host/-Proto are honoured (right-most value).
    #[arg(long, env = "BILLING_COMPAT_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: further proxies of a chain, as addresses or networks
    /// (comma-separated, e.g. 10.0.0.0/8,192.0.2.7). Default: none.
    #[arg(long, env = "BILLING_COMPAT_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "BILLING_COMPAT_HTTP_WORKERS", default_value_t = 0)]
    pub http_workers: usize,
    /// Maximum request body in bytes.
    #[arg(long, env = "BILLING_COMPAT_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Database connections (PostgreSQL) or SQLite readers.
    #[arg(long, env = "BILLING_COMPAT_DB_CONNECTIONS", default_value_t = 8)]
    pub db_connections: u32,
    /// Do not run the background job worker in this instance.
    #[arg(long, env = "BILLING_COMPAT_NO_WORKER")]
    pub no_worker: bool,
    /// CRM.COM token idle expiry, in seconds.
    #[arg(
        long,
        env = "BILLING_COMPAT_CRMCOM_TOKEN_IDLE_SECS",
        default_value_t = 3600
    )]
    pub crmcom_token_idle_secs: u64,
    /// Accept Billing Care calls without a bearer token, as Oracle test systems do.
    #[arg(long, env = "BILLING_COMPAT_BILLING_CARE_NO_TOKEN")]
    pub billing_care_no_token: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
}

/// Bounds on what one client can make us do (docs/operations.md).
#[derive(Args, Debug)]
pub struct GuardArgs {
    /// argon2 password checks run at once (0: one per core).
    #[arg(long, env = "BILLING_COMPAT_AUTH_VERIFY_SLOTS", default_value_t = 0)]
    pub auth_verify_slots: usize,
    /// Milliseconds a password check may wait for a free slot before it is answered
    /// "busy, retry".
    #[arg(
        long,
        env = "BILLING_COMPAT_AUTH_VERIFY_WAIT_MS",
        default_value_t = 500
    )]
    pub auth_verify_wait_ms: u64,
    /// Milliseconds every refused password (and throttled attempt) waits before its answer.
    #[arg(
        long,
        env = "BILLING_COMPAT_AUTH_FAILURE_DELAY_MS",
        default_value_t = 250
    )]
    pub auth_failure_delay_ms: u64,
    /// Failed passwords of one username from one client before that pair is throttled.
    #[arg(long, env = "BILLING_COMPAT_AUTH_USER_FAILURES", default_value_t = 5)]
    pub auth_user_failures: u32,
    /// Failed passwords from one client (any usernames) before the client is throttled.
    #[arg(
        long,
        env = "BILLING_COMPAT_AUTH_SOURCE_FAILURES",
        default_value_t = 20
    )]
    pub auth_source_failures: u32,
    /// Seconds of the first throttle window; each further failure doubles it.
    #[arg(
        long,
        env = "BILLING_COMPAT_AUTH_THROTTLE_BASE_SECS",
        default_value_t = 1
    )]
    pub auth_throttle_base_secs: u64,
    /// Seconds of the longest throttle window.
    #[arg(
        long,
        env = "BILLING_COMPAT_AUTH_THROTTLE_MAX_SECS",
        default_value_t = 900
    )]
    pub auth_throttle_max_secs: u64,
    /// Seconds a keep-alive connection may stay idle between requests.
    #[arg(long, env = "BILLING_COMPAT_IDLE_TIMEOUT_SECS", default_value_t = 5)]
    pub idle_timeout_secs: u64,
    /// Seconds for a request's line and headers to arrive.
    #[arg(long, env = "BILLING_COMPAT_HEAD_TIMEOUT_SECS", default_value_t = 5)]
    pub head_timeout_secs: u64,
    /// Seconds a client may leave our reply unread before the connection is dropped
    /// (0: the kernel's default, about 15 minutes).
    #[arg(long, env = "BILLING_COMPAT_SEND_TIMEOUT_SECS", default_value_t = 10)]
    pub send_timeout_secs: u64,
}

impl GuardArgs {
    fn apply(&self, settings: &mut Settings) {
        use std::time::Duration;
        let auth = &mut settings.service.auth;
        auth.verify_slots = self.auth_verify_slots;
        auth.verify_wait = Duration::from_millis(self.auth_verify_wait_ms);
        auth.failure_delay = Duration::from_millis(self.auth_failure_delay_ms);
        auth.throttle.per_user_threshold = self.auth_user_failures;
        auth.throttle.per_source_threshold = self.auth_source_failures;
        auth.throttle.base_window = Duration::from_secs(self.auth_throttle_base_secs);
        auth.throttle.max_window = Duration::from_secs(self.auth_throttle_max_secs);
        let connections = &mut settings.connections;
        connections.idle_timeout = Duration::from_secs(self.idle_timeout_secs);
        connections.head_timeout = Duration::from_secs(self.head_timeout_secs);
        connections.send_timeout = Duration::from_secs(self.send_timeout_secs);
    }
}

impl ServeArgs {
    pub fn settings(self) -> Settings {
        let mut settings = Settings {
            bind: self.bind,
            database_url: self.database.url,
            demo: self.demo,
            http_workers: self.http_workers,
            public_base_url: self
                .public_base_url
                .map(|u| u.trim_end_matches('/').to_owned()),
            proxy: ProxyTrust {
                enabled: self.trust_proxy,
                networks: self.trusted_proxies,
            },
            body_limit: self.body_limit,
            run_worker: !self.no_worker,
            ..Settings::default()
        };
        settings.pool.max_connections = self.db_connections;
        settings.vendors.crmcom_token_idle =
            std::time::Duration::from_secs(self.crmcom_token_idle_secs);
        settings.vendors.billing_care_require_token = !self.billing_care_no_token;
        self.guard.apply(&mut settings);
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_flags_become_settings() {
        let cli = Cli::parse_from([
            "billing-compat",
            "serve",
            "--demo",
            "--bind",
            "0.0.0.0:9",
            "--public-base-url",
            "https://x/",
        ]);
        let Command::Serve(args) = cli.command else {
            panic!("expected serve")
        };
        let settings = args.settings();
        assert!(settings.demo);
        assert_eq!(settings.bind, "0.0.0.0:9");
        assert_eq!(settings.public_base_url.as_deref(), Some("https://x"));
    }

    #[test]
    fn guard_flags_become_settings() {
        let cli = Cli::parse_from([
            "billing-compat",
            "serve",
            "--trust-proxy",
            "--trusted-proxies",
            "10.0.0.0/8,192.0.2.7",
            "--auth-user-failures",
            "3",
            "--send-timeout-secs",
            "7",
        ]);
        let Command::Serve(args) = cli.command else {
            panic!("expected serve")
        };
        let settings = args.settings();
        assert!(settings.proxy.enabled);
        assert_eq!(settings.proxy.networks.len(), 2);
        assert_eq!(settings.service.auth.throttle.per_user_threshold, 3);
        assert_eq!(
            settings.connections.send_timeout,
            std::time::Duration::from_secs(7)
        );
    }
}
