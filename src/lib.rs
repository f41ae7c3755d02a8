//! billing-compat: five legacy billing vendors' wire formats over one domain core.
//!
//! Layers (docs/design.md §2), dependencies pointing one way:
//! `adapters` (HTTP, wire DTOs) → `service` (use-cases) → `domain` (entities, the store
//! port) ← `storage` (SQLite and PostgreSQL implementations).

pub mod adapters;
pub mod cli;
pub mod config;
pub mod domain;
pub mod fuzzing;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
