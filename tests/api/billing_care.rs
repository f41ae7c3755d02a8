//! Oracle Billing Care (docs/design.md §6.4, the Billing Care *Cancel a Bundle* page): the access-token flow and cancel bundle,
//! JSON and XML. `tests/api/billing_care/` mirrors `src/adapters/billing_care/`.

mod access_token;
mod cancel_json;
mod cancel_rules;
mod cancel_xml;
mod failures;
mod fixtures;
pub mod support;
mod token_limits;
