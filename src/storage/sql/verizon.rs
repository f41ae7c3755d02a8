//! SQL for the verizon API's own storage needs.

use async_trait::async_trait;

use crate::domain::store::VerizonRepo;

use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[];

#[async_trait]
impl<D: Dialect> VerizonRepo for SqlTx<D> {}
