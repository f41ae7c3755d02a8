//! The foundation: health, negotiation plumbing, storage contract, queue, import, auth.

mod auth;
mod health;
mod idempotency;
mod import;
mod index;
mod queue;
mod queue_fairness;
mod retention;
mod storage;
mod token_migration;
mod unrouted;
mod write_path;
