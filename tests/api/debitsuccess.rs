//! Tests for the Debitsuccess adapter (DESIGN §6.1): `tests/api/debitsuccess/` mirrors
//! `src/adapters/debitsuccess/`.

mod envelope;
mod faults;
mod fixtures;
mod hostile;
mod rules;
mod support;
mod validator;
