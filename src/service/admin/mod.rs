//! The admin API's use-cases (issues 18 and 19): operators, their tokens, the event feed,
//! and tenants, API users, accounts and audit history (docs/operations.md "Admin API"),
//! and the reset for test systems.

pub mod accounts;
pub mod audit;
pub mod changes;
pub mod cloud_event;
pub mod feed;
pub mod jobs;
pub mod operators;
pub mod reset;
pub mod tenants;
pub mod users;
