//! Flags become the settings docs/operations.md describes, with its defaults.

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
    assert_eq!(
        defaults.worker.webhook_delivery_retention,
        built_in.worker.webhook_delivery_retention
    );
    assert_eq!(
        defaults.service.webhooks.timeout,
        built_in.service.webhooks.timeout
    );
    assert_eq!(
        defaults.service.webhooks.retry_window,
        built_in.service.webhooks.retry_window
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

#[test]
fn the_billing_care_token_lifetime_and_the_log_format_have_flags() {
    let parse = |extra: &[&str]| {
        let mut argv = vec!["billing-compat", "serve"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).map(|cli| cli.command) {
            Ok(Command::Serve(args)) => Ok(args),
            Ok(_) => panic!("expected serve"),
            Err(error) => Err(error),
        }
    };
    let defaults = parse(&[]).unwrap();
    assert_eq!(defaults.log_format, LogFormat::Text);
    assert_eq!(
        defaults.settings().vendors.billing_care_token_ttl,
        Settings::default().vendors.billing_care_token_ttl
    );
    let set = parse(&[
        "--billing-care-token-ttl-secs",
        "120",
        "--log-format",
        "json",
    ])
    .unwrap();
    assert_eq!(set.log_format, LogFormat::Json);
    assert_eq!(
        set.settings().vendors.billing_care_token_ttl,
        std::time::Duration::from_secs(120)
    );
    // A token that is expired when issued is no setting.
    assert!(parse(&["--billing-care-token-ttl-secs", "0"]).is_err());
    assert!(parse(&["--log-format", "xml"]).is_err());
}
