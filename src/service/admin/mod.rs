//! The admin API's use-cases (issues 18 and 19): operators, their tokens, the event feed,
//! and the reset for test systems.

pub mod cloud_event;
pub mod feed;
pub mod operators;
pub mod reset;
