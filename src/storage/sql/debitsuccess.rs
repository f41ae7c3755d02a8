//! SQL for the debitsuccess API's own storage: none (see `domain::store::debitsuccess`).

use async_trait::async_trait;

use crate::domain::store::DebitsuccessRepo;

use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[];

#[async_trait]
impl<D: Dialect> DebitsuccessRepo for SqlTx<'_, D> {}
