//! The admin API (issue 18): operators' authentication, and the event feed — each API's
//! change as its event, paging and filters, long polling, and the exactly-once follower.

mod auth;
mod console;
mod events_per_api;
mod exactly_once;
mod jobs;
mod migration;
mod paging;
mod receiver;
mod support;
mod webhook_delivery;
mod webhooks;
