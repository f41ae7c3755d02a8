//! The admin API (issues 18, 19): operators' authentication, and the event feed — each API's
//! change as its event, paging and filters, long polling, and the exactly-once follower —
//! and the request journal.

mod auth;
mod events_per_api;
mod exactly_once;
mod journal;
mod journal_filters;
mod migration;
mod paging;
mod receiver;
mod support;
mod webhook_delivery;
mod webhooks;
