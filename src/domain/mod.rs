//! The domain core (docs/design.md §3): entities, parsed value types and `DomainError`.
//!
//! Nothing here knows about HTTP, SQL or XML: adapters translate wire types into
//! these types, the service layer applies the rules, storage persists them.

pub mod account;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod customer;
pub mod disconnect;
pub mod disconnect_answers;
pub mod error;
pub mod event;
pub mod ids;
pub mod instance_lifecycle;
pub mod job;
pub mod journal;
pub mod limits;
pub mod money;
pub mod operation;
pub mod operator;
pub mod poid;
pub mod provisioning;
pub mod rules;
pub mod store;
pub mod tenant;
pub mod token;
pub mod user;
pub mod webhook;

pub use error::{DomainError, Unavailability};
