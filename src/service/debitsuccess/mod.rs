//! Debitsuccess use-cases (docs/design.md §6.1, the Debitsuccess *AdjustAccountTerminationDate* page): `AdjustAccountTerminationDate` and
//! `GetCustomerAccountByAccountId`. The adapter decodes SOAP 1.1, SOAP 1.2 and the JSON form
//! into the version-neutral messages of [`command`]; the rules run here, in the order of
//! the docs/design.md §6.1 table, and the adapter renders the [`Answer`] in the caller's format.

pub mod account;
pub mod adjust;
pub mod command;
pub mod rules;
pub mod run;
pub mod ws_security;

use std::sync::Arc;

use super::jobs::JobHandler;

pub use account::{customer_account, AccountProduct, AccountView};
pub use adjust::{adjust_termination_date, Adjusted};
pub use run::Answer;

/// Background work this API hands to the durable queue: none, every call is synchronous.
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    Vec::new()
}
