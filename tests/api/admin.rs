//! The admin API (issues 18 and 19): operators' authentication, the event feed — each API's
//! change as its event, paging and filters, long polling, and the exactly-once follower —
//! and tenants, API users, accounts across vendors and audit history,,
//! the reset of test systems and the request journal.

mod accounts;
mod audit;
mod auth;
mod calls;
mod console;
mod events_per_api;
mod exactly_once;
mod jobs;
mod journal;
mod journal_filters;
mod migration;
mod paging;
mod receiver;
mod reset;
mod support;
mod tenants;
mod users;
mod webhook_delivery;
mod webhook_lane;
mod webhooks;
