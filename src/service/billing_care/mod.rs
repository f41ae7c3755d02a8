//! billing_care use-cases (DESIGN §6).

use std::sync::Arc;

use super::jobs::JobHandler;

/// Background work this API hands to the durable queue.
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    Vec::new()
}
