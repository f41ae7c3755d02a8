//! The command line (DESIGN §5). Every flag falls back to a `BILLING_COMPAT_*` variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
        /// The fixture file (see README "Fixture format").
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
    /// Honour X-Forwarded-Proto/Host (only behind a proxy you trust).
    #[arg(long, env = "BILLING_COMPAT_TRUST_PROXY")]
    pub trust_proxy: bool,
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
    /// Log lines per second per client address inside requests (refusals…); the rest are
    /// counted and summarised. 0: no limit. ERROR lines are never held back.
    #[arg(
        long,
        env = "BILLING_COMPAT_LOG_LINES_PER_CLIENT",
        default_value_t = crate::telemetry::DEFAULT_PER_CLIENT
    )]
    pub log_lines_per_client: u32,
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
            trust_proxy: self.trust_proxy,
            body_limit: self.body_limit,
            run_worker: !self.no_worker,
            ..Settings::default()
        };
        settings.pool.max_connections = self.db_connections;
        settings.vendors.crmcom_token_idle =
            std::time::Duration::from_secs(self.crmcom_token_idle_secs);
        settings.vendors.billing_care_require_token = !self.billing_care_no_token;
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
        let settings = args.settings();
        assert!(settings.demo);
        assert_eq!(settings.bind, "0.0.0.0:9");
        assert_eq!(settings.public_base_url.as_deref(), Some("https://x"));
    }
}
