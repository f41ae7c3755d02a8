//! Issue 8: hostile input against a running server (`attacks`), each vendor's
//! "unavailable" answer during a database outage and recovery (`outage`); issue 13: the
//! cost of worst-case bodies just under the size limit (`worst_case_bodies`).

mod connections;
mod crash;
mod instance_lifecycle;
mod outage;
mod targets;
mod throttle;
mod two_instances;
mod worst_case_bodies;
mod worst_case_shapes;
