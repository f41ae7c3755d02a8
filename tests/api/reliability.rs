//! Issue 8: hostile input against a running server (`attacks`), each vendor's
//! "unavailable" answer during a database outage and recovery (`outage`).

mod attacks;
mod connections;
mod crash;
mod hostile;
mod outage;
mod targets;
mod throttle;
mod two_instances;
