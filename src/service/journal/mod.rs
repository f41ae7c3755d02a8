//! The request journal (issue 19 item 1; docs/operations.md "Request journal"): every
//! request to the five vendor APIs, redacted, for operators.
//!
//! Written off the request path: the HTTP middleware hands each request's [`Observed`]
//! record to [`Journal::submit`], which puts it on a bounded queue without waiting; the
//! [`writer`] takes the queue in batches, redacts them and inserts each batch in one
//! transaction. A full queue drops the record and counts it
//! (`billing_compat_journal_dropped_total`): the journal is an operator aid, never worth
//! slowing a request for. The audit table is the durable record of changes.

pub mod note;
pub mod query;
pub mod redact;
pub mod writer;

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::domain::user::Api;

pub use note::{Note, Noted};

/// Counted when a record is dropped because the writer's queue is full.
pub const DROPPED_METRIC: &str = "billing_compat_journal_dropped_total";
/// Counted for each record written, and each lost to a failed write.
pub const WRITTEN_METRIC: &str = "billing_compat_journal_written_total";
pub const FAILED_METRIC: &str = "billing_compat_journal_write_failures_total";

/// How the journal is bounded (docs/operations.md "Request journal").
#[derive(Clone, Debug)]
pub struct JournalSettings {
    /// `--no-journal` turns it off: nothing is queued or written.
    pub enabled: bool,
    /// Entries kept per tenant (and for requests with no tenant); the purge removes the
    /// oldest past it.
    pub max_per_tenant: u32,
    /// Entries older than this are purged.
    pub max_age: Duration,
    /// Records waiting for the writer; past it they are dropped.
    pub queue: usize,
    /// Bytes of each body kept; the rest is cut and the entry marked truncated.
    pub body_cap: usize,
}

impl Default for JournalSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_per_tenant: 10_000,
            max_age: Duration::from_secs(72 * 3600),
            queue: 1024,
            body_cap: 64 * 1024,
        }
    }
}

/// One request as the middleware saw it, not yet redacted.
#[derive(Debug)]
pub struct Observed {
    pub at: DateTime<Utc>,
    pub api: Api,
    /// The route's pattern; the noted operation, when there is one, wins.
    pub route: String,
    pub channel: &'static str,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub noted: Noted,
    pub latency_us: i64,
    pub request_id: String,
    pub request_headers: Vec<(String, String)>,
    pub reply_headers: Vec<(String, String)>,
    /// At most `body_cap` bytes each.
    pub request_body: Vec<u8>,
    pub request_truncated: bool,
    pub reply_body: Vec<u8>,
    pub reply_truncated: bool,
}

/// The queue's two ends: the middleware's, and the writer's (taken once).
pub struct Journal {
    settings: JournalSettings,
    sender: Option<mpsc::Sender<Observed>>,
    receiver: Mutex<Option<mpsc::Receiver<Observed>>>,
}

impl Journal {
    pub fn new(settings: JournalSettings) -> Self {
        let (sender, receiver) = match settings.enabled {
            true => {
                let (tx, rx) = mpsc::channel(settings.queue.max(1));
                (Some(tx), Some(rx))
            }
            false => (None, None),
        };
        Self {
            settings,
            sender,
            receiver: Mutex::new(receiver),
        }
    }

    pub fn settings(&self) -> &JournalSettings {
        &self.settings
    }

    /// Whether requests are journaled (the middleware skips its work otherwise).
    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Whether a record queued now would be kept. When not, the middleware counts the drop
    /// without copying anything: a full queue means the writer is behind, and the request
    /// should not pay for a record that will not be written.
    pub fn has_room(&self) -> bool {
        match &self.sender {
            Some(sender) if sender.capacity() > 0 => true,
            Some(_) => {
                metrics::counter!(DROPPED_METRIC).increment(1);
                false
            }
            None => false,
        }
    }

    /// Queues `observed` for the writer, never waiting: a full queue drops it (counted).
    pub fn submit(&self, observed: Observed) {
        let Some(sender) = &self.sender else {
            return;
        };
        if sender.try_send(observed).is_err() {
            metrics::counter!(DROPPED_METRIC).increment(1);
        }
    }

    /// The writer's end; `None` once taken or when the journal is off.
    pub(crate) fn take_receiver(&self) -> Option<mpsc::Receiver<Observed>> {
        self.receiver.lock().ok()?.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed() -> Observed {
        Observed {
            at: Utc::now(),
            api: Api::Verizon,
            route: "/proquest/x".into(),
            channel: "json",
            method: "POST".into(),
            path: "/proquest/x".into(),
            status: 204,
            noted: Noted::default(),
            latency_us: 1,
            request_id: "r".into(),
            request_headers: Vec::new(),
            reply_headers: Vec::new(),
            request_body: Vec::new(),
            request_truncated: false,
            reply_body: Vec::new(),
            reply_truncated: false,
        }
    }

    #[test]
    fn a_full_queue_has_no_room_and_a_record_past_it_is_dropped_not_waited_for() {
        let journal = Journal::new(JournalSettings {
            queue: 1,
            ..JournalSettings::default()
        });
        assert!(journal.has_room());
        journal.submit(observed());
        assert!(!journal.has_room());
        journal.submit(observed()); // returns at once: dropped
        let mut queue = journal.take_receiver().unwrap();
        assert!(queue.try_recv().is_ok());
        assert!(queue.try_recv().is_err(), "only one record was kept");
        assert!(
            journal.take_receiver().is_none(),
            "the writer's end is taken once"
        );
        let off = Journal::new(JournalSettings {
            enabled: false,
            ..JournalSettings::default()
        });
        assert!(!off.enabled() && !off.has_room() && off.take_receiver().is_none());
    }
}
