//! The admin API's use-cases (issue 18): operators, their tokens, and the event feed.

pub mod cloud_event;
pub mod feed;
pub mod jobs;
pub mod operators;
