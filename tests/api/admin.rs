//! The admin API (issues 18 and 19): operators' authentication, and the event feed — each
//! API's change as its event, paging and filters, long polling, and the exactly-once
//! follower — and the reset of test systems.

mod auth;
mod events_per_api;
mod exactly_once;
mod migration;
mod paging;
mod receiver;
mod reset;
mod support;
mod webhook_delivery;
mod webhooks;
