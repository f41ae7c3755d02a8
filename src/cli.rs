//! The command line (docs/design.md §5). Every flag falls back to a `BILLING_COMPAT_*` variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use ipnet::IpNet;

use crate::adapters::http::client_addr::{parse_network, ProxyTrust};
use crate::config::Settings;
use crate::storage::{Synchronous, DEFAULT_DATABASE_URL};
use crate::telemetry::LogFormat;

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
    /// Manage API users.
    #[command(subcommand)]
    User(UserCommand),
    /// Load a YAML fixture file (atomic and idempotent).
    Import {
        /// The fixture file (format: fixtures/README.md).
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Manage operators, the users of the admin API (docs/operations.md).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Copy a live SQLite database to FILE, consistently, while the server goes on writing
    /// (VACUUM INTO). Never overwrites FILE. PostgreSQL: use pg_dump (docs/operations.md
    /// "Backups").
    Backup {
        /// The copy to write; it must not exist yet.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum OperatorCommand {
    /// Create an operator with a generated password, printed once.
    Add {
        /// 1 to 64 letters, digits, '.', '_' or '-'.
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Enable WS-Security PasswordDigest for USERNAME: reads the user's password on stdin,
    /// checks it against the stored hash and stores it as the digest secret
    /// (plaintext-equivalent; docs/operations.md "WS-Security digest secrets").
    Digest {
        username: String,
        /// Clear the digest secret instead (digest sign-ins are refused again).
        #[arg(long)]
        disable: bool,
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
    /// Listen address, `host:port` (port 0 picks a free one).
    #[arg(long, env = "BILLING_COMPAT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load the demo data (fixtures/demo.yaml, built in) into an empty database; a database
    /// with data is left as it is. Default: off.
    #[arg(long, env = "BILLING_COMPAT_DEMO")]
    pub demo: bool,
    /// Import this fixture file at start (entries already present are left as they are,
    /// as `import` does); with --allow-reset it is what a reset restores. Not with --demo.
    /// Default: none.
    #[arg(
        long,
        env = "BILLING_COMPAT_FIXTURE",
        value_name = "FILE",
        conflicts_with = "demo"
    )]
    pub fixture: Option<PathBuf>,
    /// Enable POST /admin/v1/reset: operators may put the database back to the fixture
    /// loaded by --demo or --fixture, deleting every change made since. Test systems only.
    /// Default: off.
    #[arg(long, env = "BILLING_COMPAT_ALLOW_RESET")]
    pub allow_reset: bool,
    /// Base URL for the WSDL's soap:address. Default: the request's own scheme and Host.
    #[arg(long, env = "BILLING_COMPAT_PUBLIC_BASE_URL")]
    pub public_base_url: Option<String>,
    /// Trust the TCP peer as a proxy: the client is the right-most untrusted
    /// X-Forwarded-For hop; X-Forwarded-Host/-Proto are honoured (right-most value).
    /// Default: off (X-Forwarded-* ignored).
    #[arg(long, env = "BILLING_COMPAT_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: further proxies of a chain, as addresses or networks
    /// (comma-separated, e.g. 10.0.0.0/8,192.0.2.7). Default: none.
    #[arg(long, env = "BILLING_COMPAT_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,
    /// HTTP worker threads; 0 means one per core.
    #[arg(long, env = "BILLING_COMPAT_HTTP_WORKERS", default_value_t = 0)]
    pub http_workers: usize,
    /// Maximum request body in bytes (1 MiB by default); larger bodies are answered 413.
    #[arg(long, env = "BILLING_COMPAT_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Database connections (PostgreSQL pool size) or SQLite readers.
    #[arg(long, env = "BILLING_COMPAT_DB_CONNECTIONS", default_value_t = 8)]
    pub db_connections: u32,
    /// SQLite's `synchronous` on the write connection: `full` (the default) syncs the WAL at
    /// every commit, so an acknowledged write survives power loss; `normal` survives a crash
    /// of the process only (docs/operations.md "Durability").
    #[arg(long, env = "BILLING_COMPAT_SQLITE_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Full)]
    pub sqlite_synchronous: Synchronous,
    /// Do not run the background job worker in this instance. Default: off (it runs).
    #[arg(long, env = "BILLING_COMPAT_NO_WORKER")]
    pub no_worker: bool,
    /// CRM.COM token idle expiry, in seconds (1 hour by default).
    #[arg(
        long,
        env = "BILLING_COMPAT_CRMCOM_TOKEN_IDLE_SECS",
        default_value_t = 3600
    )]
    pub crmcom_token_idle_secs: u64,
    /// Accept Billing Care calls without a bearer token, as Oracle test systems do.
    /// Default: off (a token is required).
    #[arg(long, env = "BILLING_COMPAT_BILLING_CARE_NO_TOKEN")]
    pub billing_care_no_token: bool,
    /// Asynchronous operations (jobs) one tenant may have queued and unfinished; past it
    /// a floLIVE attach/detach or Verizon confirmation is refused as busy. 0 means no cap.
    #[arg(
        long,
        env = "BILLING_COMPAT_MAX_QUEUED_JOBS_PER_TENANT",
        default_value_t = 1000
    )]
    pub max_queued_jobs_per_tenant: u32,
    /// Access tokens (CRM.COM login, Billing Care queryAccessToken) one user may mint
    /// per second, sustained, per instance. 0 means no limit.
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
    /// One webhook delivery attempt's time-out, in seconds (default 10; docs/events.md "Webhooks").
    #[arg(
        long,
        env = "BILLING_COMPAT_WEBHOOK_TIMEOUT_SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub webhook_timeout_secs: u64,
    /// How long a webhook event is retried before it is given up and its endpoint disabled,
    /// in seconds (default 24 h).
    #[arg(
        long,
        env = "BILLING_COMPAT_WEBHOOK_RETRY_WINDOW_SECS",
        default_value_t = 86_400
    )]
    pub webhook_retry_window_secs: u64,
    /// Webhook delivery attempts are listed this long, in seconds (default 7 days).
    #[arg(
        long,
        env = "BILLING_COMPAT_WEBHOOK_DELIVERY_RETENTION_SECS",
        default_value_t = 604_800
    )]
    pub webhook_delivery_retention_secs: u64,
    /// Do not journal requests (docs/operations.md "Request journal"). Default: off.
    #[arg(long, env = "BILLING_COMPAT_NO_JOURNAL")]
    pub no_journal: bool,
    /// Journal entries kept per tenant (and for requests with no tenant), default 10 000;
    /// the purge removes the oldest past it.
    #[arg(
        long,
        env = "BILLING_COMPAT_JOURNAL_MAX_PER_TENANT",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub journal_max_per_tenant: u32,
    /// Journal entries older than this many hours are purged (default 72).
    #[arg(
        long,
        env = "BILLING_COMPAT_JOURNAL_MAX_AGE_HOURS",
        default_value_t = 72,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub journal_max_age_hours: u64,
    /// Log lines per second per client address inside requests (refusals…); the rest are
    /// counted and summarised. 0 means no limit. ERROR lines are never held back.
    #[arg(
        long,
        env = "BILLING_COMPAT_LOG_LINES_PER_CLIENT",
        default_value_t = crate::telemetry::DEFAULT_PER_CLIENT
    )]
    pub log_lines_per_client: u32,
    #[command(flatten)]
    pub guard: GuardArgs,
    /// Lifetime of a Billing Care access token, in seconds (the `expires_in` of
    /// queryAccessToken; 1 hour by default).
    #[arg(
        long,
        env = "BILLING_COMPAT_BILLING_CARE_TOKEN_TTL_SECS",
        default_value_t = 3600,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub billing_care_token_ttl_secs: u64,
    /// WS-Security freshness window, in seconds: how far a UsernameToken's or Timestamp's
    /// Created may be from now either side, and how long a nonce is remembered (default
    /// 300, WCF's MaxClockSkew).
    #[arg(long, env = "BILLING_COMPAT_WSS_WINDOW_SECS", default_value_t = 300)]
    pub wss_window_secs: u64,
    /// How log lines are written to stderr: `text`, or `json` (one JSON object per line,
    /// with the request's span and its `request_id`, for log collectors).
    #[arg(long, env = "BILLING_COMPAT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Bounds on what one client can make us do (docs/operations.md).
#[derive(Args, Debug)]
pub struct GuardArgs {
    /// argon2 password checks run at once; 0 means one per core.
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
    /// (10 s by default); 0 means the kernel's default, about 15 minutes.
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
            fixture: self.fixture,
            allow_reset: self.allow_reset,
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
        settings.pool.synchronous = self.sqlite_synchronous;
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
        settings.worker.webhook_delivery_retention = secs(self.webhook_delivery_retention_secs);
        let journal = &mut settings.service.journal;
        journal.enabled = !self.no_journal;
        journal.max_per_tenant = self.journal_max_per_tenant;
        journal.max_age = secs(self.journal_max_age_hours.saturating_mul(3600));
        settings.service.webhooks.timeout = secs(self.webhook_timeout_secs);
        settings.service.webhooks.retry_window = secs(self.webhook_retry_window_secs);
        settings.worker.crmcom_token_retention = secs(self.crmcom_token_retention_secs);
        settings.log_lines_per_client = self.log_lines_per_client;
        settings.vendors.billing_care_token_ttl = secs(self.billing_care_token_ttl_secs);
        settings.service.auth.wss_window = secs(self.wss_window_secs);
        settings
    }
}

#[cfg(test)]
mod operations_table;
#[cfg(test)]
mod tests;
