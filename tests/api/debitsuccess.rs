//! Tests for the Debitsuccess adapter (docs/design.md §6.1): `tests/api/debitsuccess/` mirrors
//! `src/adapters/debitsuccess/`. Every XML reply is validated against `xsd/` on the way.

mod account;
mod envelope;
mod envelope_rules;
mod faults;
mod fixtures;
mod hostile;
mod json_form;
mod outage;
mod replay;
mod rules;
mod soapui;
mod support;
mod validator;
mod ws_security;
mod wsdl;
