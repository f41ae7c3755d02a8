//! Verizon Digital Connect use-cases (docs/design.md §6.5, the Verizon *disconnectCustomerConfirmation* page): the customer's answers to a
//! disconnect order's charge items, and the disconnect the queue carries out once every
//! item is accepted.

mod confirm;
mod disconnect_job;

use std::sync::Arc;

use super::jobs::JobHandler;

pub use confirm::{confirm_disconnect, Outcome};
pub use disconnect_job::{DisconnectJob, DISCONNECT_JOB};

/// Background work this API hands to the durable queue.
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    vec![(DISCONNECT_JOB, Arc::new(DisconnectJob))]
}
