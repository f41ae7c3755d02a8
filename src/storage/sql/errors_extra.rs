//! SQLite column lists of unique constraints added by migrations after 0001, so each API's
//! migration can register its names without touching the core list.

pub(crate) const SQLITE_UNIQUE_EXTRA: &[(&str, &str)] = &[];
