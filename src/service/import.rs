//! YAML fixture import (docs/design.md §5): atomic (one transaction: a bad file writes nothing),
//! idempotent (entries already present by natural key are left as they are, so running a
//! file twice changes nothing and never overwrites changes made through the APIs), and
//! precise (an error names the list entry and the field).
//!
//! One file per list (`import/<list>.rs`), each entry one insert-if-absent statement that
//! reports whether the row was new; the look-ups entries share are in `import/importer.rs`.

mod accounts;
mod bundles;
mod catalog;
mod customers;
mod disconnect_orders;
mod importer;
mod raw;
pub mod restore;
mod tenants;
mod users;

use std::fmt;

use crate::domain::clock::Clock;
use crate::domain::store::{erase, value_of, Kept, Store};
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;

use importer::Importer;
use raw::FixtureFile;

/// What went wrong, and where: `accounts[3] (DS1000009) field status: unknown value…`.
#[derive(Debug, thiserror::Error)]
pub struct ImportError {
    pub entry: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.entry, self.message)
        } else {
            write!(f, "{} field {}: {}", self.entry, self.field, self.message)
        }
    }
}

/// How many entries were written and how many were already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub already_present: usize,
}

/// Parses `text` (YAML) and writes it in one transaction, at `clock`'s time.
pub async fn import_yaml(
    store: &dyn Store,
    clock: &dyn Clock,
    text: &str,
) -> Result<ImportReport, ImportError> {
    let file: FixtureFile = serde_yaml_ng::from_str(text).map_err(|e| ImportError {
        entry: "file".into(),
        field: String::new(),
        message: e.to_string(),
    })?;
    let now = clock.now();
    // The whole file is one unit of work, alone in its transaction: all of it or nothing.
    let committed = store
        .write_bulk(erase(move |tx| {
            Box::pin(async move {
                let mut report = ImportReport::default();
                let outcome = Importer::new(tx, &mut report, now).run(&file).await;
                // A rejected entry is the import's answer, not a storage failure: roll
                // everything back and hand the entry's error out.
                Ok(match outcome {
                    Ok(()) => Kept::commit(Ok(report)),
                    Err(error) => Kept::discard(Err(error)),
                })
            })
        }))
        .await
        .map_err(|e| ImportError {
            entry: "database".into(),
            field: String::new(),
            message: e.to_string(),
        })?;
    value_of::<Result<ImportReport, ImportError>>(committed)
        .map_err(|e| ImportError {
            entry: "database".into(),
            field: String::new(),
            message: e.to_string(),
        })?
        .0
}

/// True when the database holds no tenant yet (`serve --demo` loads only then).
pub async fn is_empty(store: &dyn Store, file_text: &str) -> Result<bool, DomainError> {
    let file: FixtureFile = serde_yaml_ng::from_str(file_text)
        .map_err(|e| DomainError::invalid("fixture", e.to_string()))?;
    let mut tx = store.read().await?;
    for tenant in &file.tenants {
        if let Ok(code) = TenantCode::parse(&tenant.code) {
            if tx.tenant_by_code(&code).await?.is_some() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
