//! One endpoint's delivery job (docs/events.md "Delivery and retries"). The job lives as long
//! as its endpoint: each turn it reads the feed after the endpoint's cursor (a read snapshot,
//! with the feed's horizon rule), POSTs the first event the endpoint wants — outside any
//! transaction — and then, in one transaction, records the attempt and, on a 2xx, moves the
//! cursor past the event. So an endpoint's events go out one at a time, in feed order, and
//! an event is recorded delivered only after its receiver's 2xx: a crash between the POST
//! and that commit sends it once more (receivers deduplicate on `webhook-id`).

use std::sync::Arc;
use std::time::Instant;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{later, WebhookSettings, JOB_KIND};
use crate::domain::event::{FeedCursor, FeedFilter};
use crate::domain::store::{Job, Tx};
use crate::domain::webhook::{Delivery, Disabled, EndpointId, Outcome};
use crate::service::admin::cloud_event::cloud_event;
use crate::service::jobs::{JobError, JobHandler, Next, Prepared};
use crate::service::Services;

/// Events read per turn: enough to pass a run of events the endpoint does not want.
const PAGE: i64 = 100;

/// The body's type: the CloudEvents HTTP binding's structured mode (§3.2).
pub const CONTENT_TYPE: &str = "application/cloudevents+json; charset=utf-8";

pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    vec![(JOB_KIND, Arc::new(Deliver::new()) as Arc<dyn JobHandler>)]
}

pub struct Deliver {
    client: reqwest::Client,
}

impl Deliver {
    fn new() -> Self {
        // Redirects are not followed (issue 18): a 3xx is a failed attempt, so a receiver
        // cannot send signed events on to a host the operator did not register.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { client }
    }
}

/// What `prepare` found, for the transaction.
enum Found {
    /// The endpoint is gone or disabled: the job ends.
    Stop,
    /// Nothing new: look again later.
    Idle,
    /// Only events the endpoint does not want: move the cursor past them.
    Skip {
        from: FeedCursor,
        to: FeedCursor,
    },
    Attempt(Attempt),
}

struct Attempt {
    from: FeedCursor,
    /// The last unwanted event before this one, passed with it.
    skipped_to: Option<FeedCursor>,
    event_id: String,
    position: FeedCursor,
    at: DateTime<Utc>,
    http_status: Option<u16>,
    error: Option<String>,
    latency_ms: i64,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }

    fn describe(&self) -> String {
        match (&self.http_status, &self.error) {
            (Some(status), _) => format!("HTTP {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) => "no answer".into(),
        }
    }
}

fn endpoint_of(job: &Job) -> Result<EndpointId, JobError> {
    job.payload["endpoint"]
        .as_str()
        .and_then(|id| EndpointId::parse(id).ok())
        .ok_or_else(|| JobError::Permanent("a webhook job without its endpoint".into()))
}

/// Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly
/// random wait up to the exponential ceiling, so failing endpoints' retries spread out.
fn backoff(settings: &WebhookSettings, attempt: i64) -> std::time::Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let ceiling = settings
        .retry_base
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(settings.retry_cap);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    std::time::Duration::from_millis(OsRng.next_u64() % millis.saturating_add(1))
}

/// Why an attempt got no answer, in a word (the deliveries listing's `error`).
fn error_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else {
        "request"
    }
}

#[async_trait]
impl JobHandler for Deliver {
    async fn run(
        &self,
        _tx: &mut dyn Tx,
        _job: &Job,
        _services: &Services,
    ) -> Result<(), JobError> {
        // Only `run_prepared` is used: this handler always prepares.
        Err(JobError::Permanent("webhook delivery runs prepared".into()))
    }

    async fn prepare(&self, job: &Job, services: &Services) -> Result<Prepared, JobError> {
        let id = endpoint_of(job)?;
        let mut read = services.store.read().await?;
        let endpoint = match read.endpoint(id).await? {
            Some(endpoint) if endpoint.disabled.is_none() => endpoint,
            _ => return Ok(Box::new(Found::Stop)),
        };
        let horizon = read.feed_horizon().await?;
        let page = read
            .feed_page(endpoint.cursor, horizon, &FeedFilter::default(), PAGE, PAGE)
            .await?;
        drop(read);
        let from = endpoint.cursor;
        let mut skipped_to = None;
        for event in page {
            if !endpoint.wants(event.event_type, &event.tenant_code) {
                skipped_to = Some(event.position);
                continue;
            }
            let (event_id, position) = (event.id.clone(), event.position);
            let body = serde_json::to_vec(&cloud_event(event))
                .map_err(|e| JobError::Permanent(format!("event not serialisable: {e}")))?;
            let at = services.clock.now();
            let timestamp = at.timestamp();
            let started = Instant::now();
            // Standard Webhooks headers: the id a receiver deduplicates on, the attempt's
            // time (receivers refuse stale ones), and the signature over both and the body.
            let sent = self
                .client
                .post(endpoint.url.as_str())
                .timeout(services.settings.webhooks.timeout)
                .header("content-type", CONTENT_TYPE)
                .header("webhook-id", event_id.as_str())
                .header("webhook-timestamp", timestamp.to_string())
                .header(
                    "webhook-signature",
                    endpoint.secret.sign(&event_id, timestamp, &body),
                )
                .body(body)
                .send()
                .await;
            let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let (http_status, error) = match sent {
                Ok(answer) => {
                    let status = answer.status();
                    let error = status
                        .is_redirection()
                        .then(|| "redirect not followed".to_owned());
                    (Some(status.as_u16()), error)
                }
                Err(e) => (None, Some(error_kind(&e).to_owned())),
            };
            return Ok(Box::new(Found::Attempt(Attempt {
                from,
                skipped_to,
                event_id,
                position,
                at,
                http_status,
                error,
                latency_ms,
            })));
        }
        Ok(Box::new(match skipped_to {
            Some(to) => Found::Skip { from, to },
            None => Found::Idle,
        }))
    }

    fn idle(&self, prepared: &Prepared, services: &Services) -> Option<std::time::Duration> {
        matches!(prepared.downcast_ref::<Found>(), Some(Found::Idle))
            .then_some(services.settings.webhooks.idle_poll)
    }

    async fn run_prepared(
        &self,
        tx: &mut dyn Tx,
        job: &Job,
        services: &Services,
        prepared: Prepared,
    ) -> Result<Next, JobError> {
        let found = prepared
            .downcast::<Found>()
            .map_err(|_| JobError::Permanent("webhook job prepared something else".into()))?;
        let settings = &services.settings.webhooks;
        let now = services.clock.now();
        let attempt = match *found {
            Found::Stop => return Ok(Next::Done),
            // Held idle by the worker's own lane until shutdown: the next look is soon.
            Found::Idle => return Ok(Next::Again(later(now, settings.idle_poll))),
            Found::Skip { from, to } => {
                let Some(mut endpoint) = tx.endpoint(endpoint_of(job)?).await? else {
                    return Ok(Next::Done);
                };
                endpoint.cursor = to;
                // A cursor moved meanwhile (another worker) is left as it is.
                tx.update_delivery_state(&endpoint, from).await?;
                return Ok(Next::Again(now));
            }
            Found::Attempt(attempt) => attempt,
        };
        let Some(mut endpoint) = tx.endpoint(endpoint_of(job)?).await? else {
            return Ok(Next::Done);
        };
        if endpoint.disabled.is_some() {
            return Ok(Next::Done);
        }
        let number = endpoint.attempt + 1;
        let (outcome, next) = if attempt.succeeded() {
            endpoint.cursor = attempt.position;
            endpoint.attempt = 0;
            endpoint.failing_since = None;
            (Outcome::Delivered, Next::Again(now))
        } else {
            if let Some(skipped) = attempt.skipped_to {
                endpoint.cursor = skipped;
            }
            let since = endpoint.failing_since.unwrap_or(attempt.at);
            if attempt.at >= later(since, settings.retry_window) {
                // The window is spent and every attempt in it failed (this event is the
                // oldest undelivered one): the event is given up and the endpoint disabled
                // until an operator registers it again (docs/events.md).
                endpoint.cursor = attempt.position;
                endpoint.attempt = 0;
                endpoint.failing_since = None;
                endpoint.disabled = Some(Disabled {
                    at: now,
                    reason: format!(
                        "every delivery attempt failed for {} s (last: {})",
                        settings.retry_window.as_secs(),
                        attempt.describe()
                    ),
                });
                tracing::warn!(endpoint = %endpoint.id, "webhook endpoint disabled");
                (Outcome::Failed, Next::Done)
            } else {
                endpoint.attempt = number;
                endpoint.failing_since = Some(since);
                let wait = backoff(settings, number);
                (Outcome::Retrying, Next::Again(later(now, wait)))
            }
        };
        if !tx.update_delivery_state(&endpoint, attempt.from).await? {
            // Another worker recorded this turn first (a lease lost mid-POST).
            return Ok(Next::Again(now));
        }
        tx.insert_delivery(&Delivery {
            endpoint: endpoint.id,
            n: 0,
            event_id: attempt.event_id,
            attempt: number,
            at: attempt.at,
            http_status: attempt.http_status,
            error: attempt.error,
            latency_ms: attempt.latency_ms,
            outcome,
        })
        .await?;
        Ok(next)
    }
}
