//! Webhooks (issue 18 items 3 and 4; docs/events.md "Webhooks"): operators register
//! endpoints; each endpoint's events are delivered by one durable job (`delivery.rs`).

pub mod delivery;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::event::{EventType, FeedCursor};
use crate::domain::ids::TenantId;
use crate::domain::rules::AdminRule;
use crate::domain::store::{Kept, NewJob};
use crate::domain::tenant::TenantCode;
use crate::domain::webhook::{Delivery, Endpoint, EndpointId, WebhookSecret, WebhookUrl};
use crate::domain::DomainError;
use crate::service::Services;

/// The job that delivers one endpoint's events (payload `{"endpoint": id}`).
pub const JOB_KIND: &str = "webhooks.deliver";

/// Most event types or tenants one endpoint may name (each list is bounded input).
pub const MAX_FILTERS: usize = 100;
/// Deliveries per page (`GET …/deliveries`): 1–1000, 100 when not given.
pub const MAX_PAGE: i64 = 1000;
pub const DEFAULT_PAGE: i64 = 100;

/// The delivery policy (docs/events.md "Delivery and retries").
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// One attempt's limit, connect to answer.
    pub timeout: Duration,
    /// An event is retried this long after its first failed attempt; then it is given up
    /// and its endpoint disabled (every attempt in the window failed).
    pub retry_window: Duration,
    /// Full-jitter exponential backoff: attempt n waits a random time up to
    /// `min(retry_cap, retry_base · 2^(n-1))`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// An endpoint with nothing to deliver looks at the feed again after this (a read; its
    /// job is held meanwhile, `jobs::Worker`), or at once when this instance commits events.
    pub idle_poll: Duration,
    /// Most webhooks that may exist at once: each is a row, a job polling the feed and a
    /// stream of delivery attempts, so their number is bounded like every table's growth.
    pub max_webhooks: usize,
}

/// The default cap on webhooks (and so the worker's own lane's room: every endpoint's job
/// fits, `jobs::WorkerSettings::own_lane_capacity`).
pub const DEFAULT_MAX_WEBHOOKS: usize = 100;

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            retry_window: Duration::from_secs(24 * 3600),
            retry_base: Duration::from_secs(1),
            retry_cap: Duration::from_secs(3600),
            idle_poll: Duration::from_secs(1),
            max_webhooks: DEFAULT_MAX_WEBHOOKS,
        }
    }
}

/// `POST /admin/v1/webhooks`, as received.
#[derive(Clone, Debug, Default)]
pub struct NewEndpoint {
    pub url: String,
    pub event_types: Vec<String>,
    pub tenants: Vec<String>,
    pub secret: Option<String>,
}

/// A page of attempts and the `before` to ask for the next (none: no more).
pub struct DeliveryPage {
    pub deliveries: Vec<Delivery>,
    pub next: Option<i64>,
}

fn bounded(field: &str, list: &[String]) -> Result<(), DomainError> {
    if list.len() > MAX_FILTERS {
        return Err(DomainError::invalid(
            field,
            format!("at most {MAX_FILTERS} entries"),
        ));
    }
    Ok(())
}

impl Services {
    /// Registers an endpoint and its delivery job in one transaction. It receives the
    /// events committed from now on: its cursor starts at the feed's end. A tenant code is
    /// a filter, as the feed's `tenant` is: one no tenant has matches nothing.
    pub async fn create_webhook(&self, new: NewEndpoint) -> Result<Endpoint, DomainError> {
        let url = WebhookUrl::parse(&new.url)?;
        bounded("event_types", &new.event_types)?;
        bounded("tenants", &new.tenants)?;
        let mut event_types = Vec::new();
        for text in &new.event_types {
            let parsed = EventType::parse(text).map_err(|_| {
                DomainError::invalid("event_types", format!("unknown type {text:?}"))
            })?;
            if !event_types.contains(&parsed) {
                event_types.push(parsed);
            }
        }
        let mut tenants: Vec<String> = Vec::new();
        for text in &new.tenants {
            let code = TenantCode::parse(text)
                .map_err(|_| DomainError::invalid("tenants", "not a tenant code"))?;
            if !tenants.iter().any(|t| t == code.as_str()) {
                tenants.push(code.as_str().to_owned());
            }
        }
        let secret = match &new.secret {
            Some(text) => WebhookSecret::parse(text)?,
            None => WebhookSecret::generate(),
        };
        let now = self.clock.now();
        let max_webhooks = self.settings.webhooks.max_webhooks;
        let endpoint = Endpoint {
            id: EndpointId(uuid::Uuid::new_v4()),
            url,
            event_types,
            tenants,
            secret,
            created_at: now,
            cursor: FeedCursor::START,
            attempt: 0,
            failing_since: None,
            disabled: None,
        };
        self.write(move |tx| {
            Box::pin(async move {
                let mut endpoint = endpoint;
                // The horizon rule (docs/events.md "The cursor"): events of transactions
                // still running lie after this position, so they are delivered too.
                let horizon = tx.feed_horizon().await?;
                endpoint.cursor = tx
                    .feed_last(FeedCursor::START, horizon)
                    .await?
                    .unwrap_or(FeedCursor::START);
                // `max_webhooks` (docs/events.md "Webhooks"): counted inside the
                // transaction that inserts, so concurrent registrations cannot pass it.
                if tx.endpoints().await?.len() >= max_webhooks {
                    return Err(DomainError::rule(
                        AdminRule::WebhookLimitReached,
                        format!("at most {max_webhooks} webhooks may exist; delete one first"),
                    ));
                }
                tx.insert_endpoint(&endpoint).await?;
                // The job belongs to no tenant (the queue's fairness treats webhook
                // delivery as one more tenant); it lives as long as the endpoint and is
                // never refused by a tenant's cap.
                let job = NewJob {
                    tenant: TenantId::from_uuid(uuid::Uuid::nil()),
                    kind: JOB_KIND.to_owned(),
                    payload: serde_json::json!({ "endpoint": endpoint.id.to_string() }),
                    run_at: now,
                    max_attempts: i32::MAX,
                };
                tx.enqueue(&job, now).await?;
                Ok(Kept::commit(endpoint))
            })
        })
        .await
    }

    pub async fn webhooks(&self) -> Result<Vec<Endpoint>, DomainError> {
        self.store.read().await?.endpoints().await
    }

    pub async fn webhook(&self, id: EndpointId) -> Result<Endpoint, DomainError> {
        self.store
            .read()
            .await?
            .endpoint(id)
            .await?
            .ok_or(DomainError::NotFound("webhook"))
    }

    /// Deletes the endpoint and its attempts; its job finds it gone and ends.
    pub async fn delete_webhook(&self, id: EndpointId) -> Result<(), DomainError> {
        let deleted = self
            .write(move |tx| {
                Box::pin(async move { Ok(Kept::commit(tx.delete_endpoint(id).await?)) })
            })
            .await?;
        if deleted {
            Ok(())
        } else {
            Err(DomainError::NotFound("webhook"))
        }
    }

    /// The endpoint's attempts, newest first, `limit` at a time before `before`.
    pub async fn webhook_deliveries(
        &self,
        id: EndpointId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<DeliveryPage, DomainError> {
        let mut read = self.store.read().await?;
        if read.endpoint(id).await?.is_none() {
            return Err(DomainError::NotFound("webhook"));
        }
        let deliveries = read.deliveries(id, before, limit).await?;
        let next = match deliveries.last() {
            Some(last) if deliveries.len() as i64 == limit && last.n > 1 => Some(last.n),
            _ => None,
        };
        Ok(DeliveryPage { deliveries, next })
    }
}

/// `now` moved on by `by`, saturating (a huge configured duration means "never").
pub(crate) fn later(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|by| now.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
