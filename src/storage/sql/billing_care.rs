//! SQL for the billing_care API's own storage needs.

use async_trait::async_trait;

use crate::domain::store::BillingCareRepo;

use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[];

#[async_trait]
impl<D: Dialect> BillingCareRepo for SqlTx<D> {}
