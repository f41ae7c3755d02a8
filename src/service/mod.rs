//! Use-cases (docs/design.md §2): authentication, rules, audit, idempotency; one transaction each.
//! Adapters call in here with domain commands and map the results to their wire format.

pub mod admin;
pub mod auth;
pub mod billing_care;
pub mod context;
pub mod crmcom;
pub mod debitsuccess;
pub mod flolive;
pub mod idempotency;
pub mod import;
pub mod jobs;
pub mod journal;
pub mod mint_rate;
pub mod origin;
pub mod retention;
pub mod unit_of_work;
pub mod verizon;
pub mod webhooks;

pub use context::{ServiceSettings, Services};
pub use origin::Origin;

/// Every job handler of every API, for the worker.
pub fn job_registry() -> jobs::Registry {
    jobs::Registry::default()
        .with(debitsuccess::job_handlers())
        .with(flolive::job_handlers())
        .with(crmcom::job_handlers())
        .with(billing_care::job_handlers())
        .with(verizon::job_handlers())
        .with(webhooks::delivery::job_handlers())
        .with_own_lane(webhooks::JOB_KIND)
}
