//! Black-box tests: one binary, a fresh database and server per test (docs/design.md §4: the same
//! integration tests run on SQLite by default and on PostgreSQL when `TEST_DATABASE_URL`
//! names a server). `tests/api/` mirrors `src/adapters/`.

mod helpers;

mod admin;
mod backup;
mod billing_care;
mod crmcom;
mod cross_api;
mod debitsuccess;
mod flolive;
mod foundation;
mod reliability;
mod verizon;
