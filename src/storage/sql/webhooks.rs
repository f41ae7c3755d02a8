//! Webhook endpoints and deliveries (migration 0011; docs/events.md "Webhooks").

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::event::{EventType, FeedCursor};
use crate::domain::store::WebhookRepo;
use crate::domain::webhook::{
    Delivery, Disabled, Endpoint, EndpointId, Outcome, WebhookSecret, WebhookUrl,
};
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{corrupt, int, opt_int, opt_text, opt_timestamp, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

const ENDPOINT_COLUMNS: &str = "id, url, event_types, tenants, secret, created_at, cursor_xid, \
     cursor_seq, attempt, failing_since, disabled_at, disabled_reason";

fn json_list(column: &str, row: &Row) -> Result<Vec<String>, DomainError> {
    let raw = text(row, column)?;
    serde_json::from_str(&raw).map_err(|_| corrupt(column, &raw))
}

fn endpoint_from(row: &Row) -> Result<Endpoint, DomainError> {
    let disabled = match opt_timestamp(row, "disabled_at")? {
        Some(at) => Some(Disabled {
            at,
            reason: opt_text(row, "disabled_reason")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Endpoint {
        id: EndpointId(uuid(row, "id")?),
        url: parsed("url", &text(row, "url")?, WebhookUrl::parse_stored)?,
        event_types: json_list("event_types", row)?
            .iter()
            .map(|t| parsed("event_types", t, EventType::parse))
            .collect::<Result<_, _>>()?,
        tenants: json_list("tenants", row)?,
        secret: parsed("secret", &text(row, "secret")?, WebhookSecret::parse)?,
        created_at: timestamp(row, "created_at")?,
        cursor: FeedCursor {
            xid: int(row, "cursor_xid")?,
            seq: int(row, "cursor_seq")?,
        },
        attempt: int(row, "attempt")?,
        failing_since: opt_timestamp(row, "failing_since")?,
        disabled,
    })
}

fn delivery_from(row: &Row) -> Result<Delivery, DomainError> {
    let status = opt_int(row, "http_status")?
        .map(|s| u16::try_from(s).map_err(|_| corrupt("http_status", &s.to_string())))
        .transpose()?;
    Ok(Delivery {
        endpoint: EndpointId(uuid(row, "endpoint_id")?),
        n: int(row, "n")?,
        event_id: text(row, "event_id")?,
        attempt: int(row, "attempt")?,
        at: timestamp(row, "at")?,
        http_status: status,
        error: opt_text(row, "error")?,
        latency_ms: int(row, "latency_ms")?,
        outcome: parsed("outcome", &text(row, "outcome")?, Outcome::parse)?,
    })
}

fn to_json(list: impl Iterator<Item = String>) -> String {
    serde_json::Value::from(list.collect::<Vec<_>>()).to_string()
}

#[async_trait]
impl<D: Dialect> WebhookRepo for SqlTx<'_, D> {
    async fn insert_endpoint(&mut self, e: &Endpoint) -> Result<(), DomainError> {
        self.query(
            "INSERT INTO webhook_endpoints (id, url, event_types, tenants, secret, created_at, \
             cursor_xid, cursor_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id.to_string())
        .bind(e.url.as_str())
        .bind(to_json(e.event_types.iter().map(|t| t.as_str().to_owned())))
        .bind(to_json(e.tenants.iter().cloned()))
        .bind(e.secret.expose())
        .bind(clock::to_storage(e.created_at))
        .bind(e.cursor.xid)
        .bind(e.cursor.seq)
        .execute()
        .await?;
        Ok(())
    }

    async fn endpoint(&mut self, id: EndpointId) -> Result<Option<Endpoint>, DomainError> {
        let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
        self.query(&sql)
            .bind(id.to_string())
            .fetch_optional()
            .await?
            .as_ref()
            .map(endpoint_from)
            .transpose()
    }

    async fn endpoints(&mut self) -> Result<Vec<Endpoint>, DomainError> {
        let sql =
            format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id");
        self.query(&sql)
            .fetch_all()
            .await?
            .iter()
            .map(endpoint_from)
            .collect()
    }

    async fn delete_endpoint(&mut self, id: EndpointId) -> Result<bool, DomainError> {
        // Deliveries go with it (fk_webhook_deliveries_endpoint ON DELETE CASCADE).
        let deleted = self
            .query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind(id.to_string())
            .execute()
            .await?;
        Ok(deleted == 1)
    }

    async fn update_delivery_state(
        &mut self,
        e: &Endpoint,
        expected: FeedCursor,
    ) -> Result<bool, DomainError> {
        let updated = self
            .query(
                "UPDATE webhook_endpoints SET cursor_xid = $2, cursor_seq = $3, attempt = $4, \
                 failing_since = $5, disabled_at = $6, disabled_reason = $7 \
                 WHERE id = $1 AND cursor_xid = $8 AND cursor_seq = $9",
            )
            .bind(e.id.to_string())
            .bind(e.cursor.xid)
            .bind(e.cursor.seq)
            .bind(e.attempt)
            .bind(e.failing_since.map(clock::to_storage))
            .bind(e.disabled.as_ref().map(|d| clock::to_storage(d.at)))
            .bind(e.disabled.as_ref().map(|d| d.reason.clone()))
            .bind(expected.xid)
            .bind(expected.seq)
            .execute()
            .await?;
        Ok(updated == 1)
    }

    async fn insert_delivery(&mut self, d: &Delivery) -> Result<i64, DomainError> {
        // The endpoint's counter numbers its attempts: one UPDATE … RETURNING, never
        // read-then-write (docs/design.md §4).
        let row = self
            .query(
                "UPDATE webhook_endpoints SET deliveries = deliveries + 1 WHERE id = $1 \
                 RETURNING deliveries",
            )
            .bind(d.endpoint.to_string())
            .fetch_optional()
            .await?
            .ok_or(DomainError::NotFound("webhook"))?;
        let n = int(&row, "deliveries")?;
        self.query(
            "INSERT INTO webhook_deliveries (endpoint_id, n, event_id, attempt, at, http_status, \
             error, latency_ms, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(d.endpoint.to_string())
        .bind(n)
        .bind(d.event_id.as_str())
        .bind(d.attempt)
        .bind(clock::to_storage(d.at))
        .bind(d.http_status.map(i64::from))
        .bind(d.error.clone())
        .bind(d.latency_ms)
        .bind(d.outcome.as_str())
        .execute()
        .await?;
        Ok(n)
    }

    async fn deliveries(
        &mut self,
        endpoint: EndpointId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, DomainError> {
        self.query(
            "SELECT endpoint_id, n, event_id, attempt, at, http_status, error, latency_ms, outcome \
             FROM webhook_deliveries WHERE endpoint_id = $1 AND n < $2 ORDER BY n DESC LIMIT $3",
        )
        .bind(endpoint.to_string())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all()
        .await?
        .iter()
        .map(delivery_from)
        .collect()
    }

    async fn purge_deliveries(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        // A bounded batch by the key; ix_webhook_deliveries_at finds them.
        self.delete_batch(
            "DELETE FROM webhook_deliveries WHERE (endpoint_id, n) IN \
             (SELECT endpoint_id, n FROM webhook_deliveries WHERE at < $1 LIMIT $2)",
            before,
            limit,
            None,
        )
        .await
    }
}
