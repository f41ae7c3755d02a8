//! Hostile input against a running server (issue 8, docs/design.md §7; RELIABILITY.md §2), in
//! a test binary of its own. These tests bound the peak memory (`VmHWM`) of the whole test
//! process while attacks are refused, so nothing else may run in the process beside them: in
//! the `api` binary, other tests' argon2 logins (19 MiB each) and demo imports counted against
//! the bound and made it fail on a loaded machine. Within this binary the tests take turns
//! (`refusals::ONE_AT_A_TIME`).

// Shared with the `api` binary (helpers.rs allows its own unused items).
#[path = "../api/helpers.rs"]
mod helpers;
// Shared with the `api` binary, which uses targets this one does not.
#[allow(dead_code)]
#[path = "../api/reliability/targets.rs"]
mod targets;

mod hostile;
mod measures;
mod refusals;
