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
    Serve(Box<ServeArgs>),
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
    /// Asynchronous operations (jobs) one tenant may have queued and unfinished; past it
    /// a floLIVE attach/detach or Verizon confirmation is refused as busy. 0: no cap.
    #[arg(
        long,
        env = "BILLING_COMPAT_MAX_QUEUED_JOBS_PER_TENANT",
        default_value_t = 1000
    )]
    pub max_queued_jobs_per_tenant: u32,
    /// Access tokens (CRM.COM login, Billing Care queryAccessToken) one user may mint
    /// per second, sustained, per instance. 0: no limit.
    #[arg(long, env = "BILLING_COMPAT_TOKEN_MINTS_PER_SEC", default_value_t = 10)]
    pub token_mints_per_sec: u32,
    /// Access tokens one user may mint at once after a quiet spell (the burst), in tokens.
    #[arg(long, env = "BILLING_COMPAT_TOKEN_MINT_BURST", default_value_t = 50)]
    pub token_mint_burst: u32,
    /// Live CRM.COM tokens per user, in tokens; a login past it releases the least
    /// recently used.
    #[arg(
        long,
        env = "BILLING_COMPAT_CRMCOM_TOKENS_PER_USER",
        default_value_t = 100
    )]
    pub crmcom_tokens_per_user: u32,
    /// Live Billing Care access tokens per user, in tokens; a new one past it revokes the
    /// oldest.
    #[arg(
        long,
        env = "BILLING_COMPAT_BILLING_CARE_TOKENS_PER_USER",
        default_value_t = 100
    )]
    pub billing_care_tokens_per_user: u32,
    /// How often the worker purges expired replies, finished jobs and dead tokens, in
    /// seconds (once per period across instances sharing the database).
    #[arg(long, env = "BILLING_COMPAT_PURGE_INTERVAL_SECS", default_value_t = 60)]
    pub purge_interval_secs: u64,
    /// Rows deleted per purge statement (each batch is its own short transaction).
    #[arg(long, env = "BILLING_COMPAT_PURGE_BATCH", default_value_t = 1000)]
    pub purge_batch: i64,
    /// Completed jobs are kept this long after they finish, in seconds (default 24 h).
    #[arg(
        long,
        env = "BILLING_COMPAT_DONE_JOB_RETENTION_SECS",
        default_value_t = 86_400
    )]
    pub done_job_retention_secs: u64,
    /// Failed jobs are kept this long after they fail, in seconds (default 7 days).
    #[arg(
        long,
        env = "BILLING_COMPAT_FAILED_JOB_RETENTION_SECS",
        default_value_t = 604_800
    )]
    pub failed_job_retention_secs: u64,
    /// Expired or released CRM.COM tokens are kept this long (answering "expired" or
    /// "released" rather than "invalid"), in seconds (default 24 h).
    #[arg(
        long,
        env = "BILLING_COMPAT_CRMCOM_TOKEN_RETENTION_SECS",
        default_value_t = 86_400
    )]
    pub crmcom_token_retention_secs: u64,
    /// Log lines per second per client address inside requests (refusals…); the rest are
    /// counted and summarised. 0: no limit. ERROR lines are never held back.
    #[arg(
        long,
        env = "BILLING_COMPAT_LOG_LINES_PER_CLIENT",
        default_value_t = crate::telemetry::DEFAULT_PER_CLIENT
    )]
    pub log_lines_per_client: u32,
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
        settings.service.max_queued_jobs_per_tenant = self.max_queued_jobs_per_tenant;
        settings.service.token_mints_per_sec = self.token_mints_per_sec;
        settings.service.token_mint_burst = self.token_mint_burst;
        settings.vendors.crmcom_tokens_per_user = self.crmcom_tokens_per_user;
        settings.vendors.billing_care_tokens_per_user = self.billing_care_tokens_per_user;
        let secs = std::time::Duration::from_secs;
        settings.worker.purge_interval = secs(self.purge_interval_secs);
        settings.worker.purge_batch = self.purge_batch;
        settings.worker.done_job_retention = secs(self.done_job_retention_secs);
        settings.worker.failed_job_retention = secs(self.failed_job_retention_secs);
        settings.worker.crmcom_token_retention = secs(self.crmcom_token_retention_secs);
        settings.log_lines_per_client = self.log_lines_per_client;
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
        let settings = (*args).settings();
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
        let settings = (*args).settings();
        assert!(settings.proxy.enabled);
        assert_eq!(settings.proxy.networks.len(), 2);
        assert_eq!(settings.service.auth.throttle.per_user_threshold, 3);
        assert_eq!(
            settings.connections.send_timeout,
            std::time::Duration::from_secs(7)
        );
    }

    #[test]
    fn storage_and_fairness_limits_have_flags_with_documented_defaults() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["billing-compat", "serve"];
            argv.extend_from_slice(extra);
            let Command::Serve(args) = Cli::parse_from(argv).command else {
                panic!("expected serve")
            };
            (*args).settings()
        };
        let defaults = parse(&[]);
        let built_in = Settings::default();
        assert_eq!(defaults.service.max_queued_jobs_per_tenant, 1000);
        assert_eq!(
            defaults.service.max_queued_jobs_per_tenant,
            built_in.service.max_queued_jobs_per_tenant
        );
        assert_eq!(
            defaults.service.token_mints_per_sec,
            built_in.service.token_mints_per_sec
        );
        assert_eq!(
            defaults.service.token_mint_burst,
            built_in.service.token_mint_burst
        );
        assert_eq!(defaults.vendors.crmcom_tokens_per_user, 100);
        assert_eq!(defaults.vendors.billing_care_tokens_per_user, 100);
        assert_eq!(
            defaults.worker.purge_interval,
            built_in.worker.purge_interval
        );
        assert_eq!(defaults.worker.purge_batch, built_in.worker.purge_batch);
        assert_eq!(
            defaults.worker.done_job_retention,
            built_in.worker.done_job_retention
        );
        assert_eq!(
            defaults.worker.failed_job_retention,
            built_in.worker.failed_job_retention
        );
        assert_eq!(
            defaults.worker.crmcom_token_retention,
            built_in.worker.crmcom_token_retention
        );
        let set = parse(&[
            "--max-queued-jobs-per-tenant",
            "5",
            "--token-mints-per-sec",
            "2",
            "--token-mint-burst",
            "3",
            "--crmcom-tokens-per-user",
            "4",
            "--billing-care-tokens-per-user",
            "6",
            "--purge-interval-secs",
            "7",
            "--purge-batch",
            "8",
            "--done-job-retention-secs",
            "9",
            "--failed-job-retention-secs",
            "10",
            "--crmcom-token-retention-secs",
            "11",
        ]);
        assert_eq!(set.service.max_queued_jobs_per_tenant, 5);
        assert_eq!(set.service.token_mints_per_sec, 2);
        assert_eq!(set.service.token_mint_burst, 3);
        assert_eq!(set.vendors.crmcom_tokens_per_user, 4);
        assert_eq!(set.vendors.billing_care_tokens_per_user, 6);
        let secs = std::time::Duration::from_secs;
        assert_eq!(set.worker.purge_interval, secs(7));
        assert_eq!(set.worker.purge_batch, 8);
        assert_eq!(set.worker.done_job_retention, secs(9));
        assert_eq!(set.worker.failed_job_retention, secs(10));
        assert_eq!(set.worker.crmcom_token_retention, secs(11));
    }
}
