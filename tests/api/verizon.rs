//! Verizon Digital Connect: `POST /proquest/disconnectCustomerConfirmation` (docs/design.md §6.5).

mod busy;
mod concurrency;
mod confirm;
mod disconnect;
mod errors;
mod reference_error;
pub mod support;
mod transport;
