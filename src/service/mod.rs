//! Use-cases (DESIGN §2): authentication, rules, audit, idempotency; one transaction each.
//! Adapters call in here with domain commands and map the results to their wire format.

pub mod auth;
pub mod context;
pub mod idempotency;
pub mod import;
pub mod jobs;

pub use context::{Services, ServiceSettings};
