//! The journal's writer (docs/operations.md "Request journal"): takes queued records in
//! batches, redacts them, and inserts each batch in one transaction. On SQLite that
//! transaction goes through the one writer like every change, so batching matters: one
//! commit per batch, not one per request.
//!
//! Its share of the work is capped: after each batch (redacted and written) it rests
//! [`REST_FACTOR`] times as long as the batch took, so it spends at most 1/(1 + 19) = 5 % of
//! its time working. Under light load a batch takes a millisecond or two and nothing waits
//! long; when requests arrive faster than that share can journal, the queue fills and the
//! middleware drops records (counted), instead of the journal taking the single SQLite
//! writer from the requests (measured: BENCHMARKS.md "Issue 19").

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::domain::journal::{JournalDetail, JournalEntry, RecordedRequest};
use crate::domain::store::Kept;

use super::{redact, Observed, FAILED_METRIC, WRITTEN_METRIC};
use crate::service::Services;

/// Most records in one transaction.
pub const BATCH: usize = 256;
/// The rest after a batch, as a multiple of the time it took (see the module comment).
pub const REST_FACTOR: u32 = 19;
/// The longest rest, so a slow batch (a stalled disk) does not stop the journal for long.
pub const MAX_REST: Duration = Duration::from_secs(1);

/// Writes until `shutdown`, then writes what is still queued and returns.
pub async fn run(services: Arc<Services>, mut shutdown: watch::Receiver<bool>) {
    let Some(mut queue) = services.journal.take_receiver() else {
        return;
    };
    loop {
        let first = tokio::select! {
            first = queue.recv() => first,
            _ = shutdown.changed() => None,
        };
        let Some(first) = first else { break };
        let started = Instant::now();
        let mut batch = vec![first];
        fill(&mut queue, &mut batch);
        write(&services, batch).await;
        let rest = (started.elapsed() * REST_FACTOR).min(MAX_REST);
        tokio::select! {
            _ = tokio::time::sleep(rest) => {}
            _ = shutdown.changed() => break,
        }
    }
    queue.close();
    loop {
        let mut batch = Vec::new();
        fill(&mut queue, &mut batch);
        if batch.is_empty() {
            return;
        }
        write(&services, batch).await;
    }
}

fn fill(queue: &mut mpsc::Receiver<Observed>, batch: &mut Vec<Observed>) {
    while batch.len() < BATCH {
        match queue.try_recv() {
            Ok(observed) => batch.push(observed),
            Err(_) => return,
        }
    }
}

async fn write(services: &Services, batch: Vec<Observed>) {
    let count = batch.len() as u64;
    let recorded: Vec<RecordedRequest> = batch.into_iter().map(recorded).collect();
    let written = services
        .write(move |tx| {
            Box::pin(async move {
                tx.insert_journal(&recorded).await?;
                Ok(Kept::commit(()))
            })
        })
        .await;
    match written {
        Ok(()) => metrics::counter!(WRITTEN_METRIC).increment(count),
        Err(error) => {
            metrics::counter!(FAILED_METRIC).increment(count);
            tracing::warn!(?error, count, "request journal: a batch was not written");
        }
    }
}

/// The stored form: redacted, the noted operation and outcome preferred to the route's.
pub fn recorded(observed: Observed) -> RecordedRequest {
    let Observed {
        at,
        api,
        route,
        channel,
        method,
        path,
        status,
        noted,
        latency_us,
        request_id,
        request_headers,
        reply_headers,
        request_body,
        request_truncated,
        reply_body,
        reply_truncated,
    } = observed;
    let outcome = noted
        .outcome
        .unwrap_or_else(|| status_class(status).to_owned());
    let (tenant, username) = match noted.caller {
        Some((tenant, username)) => (Some(tenant), Some(username)),
        None => (None, None),
    };
    let headers = |list: Vec<(String, String)>, prefix: &str| {
        list.into_iter()
            .map(|(name, value)| {
                let value = redact::header(&name, &value);
                (format!("{prefix}{name}"), value)
            })
            .collect::<Vec<_>>()
    };
    let mut all = headers(request_headers, "");
    all.extend(headers(reply_headers, "reply-"));
    RecordedRequest {
        entry: JournalEntry {
            id: crate::domain::journal::ordered_id(at),
            at,
            tenant,
            username,
            api,
            operation: noted.operation.unwrap_or(route),
            channel: channel.to_owned(),
            method,
            path: redact::path(&path),
            status,
            outcome,
            latency_us,
            request_id,
        },
        detail: JournalDetail {
            headers: all,
            request_body: redact::body(&String::from_utf8_lossy(&request_body)),
            request_truncated,
            reply_body: redact::body(&String::from_utf8_lossy(&reply_body)),
            reply_truncated,
        },
    }
}

/// The metric's outcome for a reply no vendor code was noted for.
pub fn status_class(status: u16) -> &'static str {
    match status {
        500.. => "server_error",
        400..=499 => "client_error",
        _ => "ok",
    }
}
