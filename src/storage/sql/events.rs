//! The event feed's reads over `audit_events` (migration 0010; docs/events.md). Feed order
//! is `(xid, seq)`, walked by `ix_audit_events_feed`; the horizon query is the dialect's.

use async_trait::async_trait;

use crate::domain::audit::Channel;
use crate::domain::event::{EventType, FeedCursor, FeedEvent, FeedFilter};
use crate::domain::store::EventRepo;
use crate::domain::DomainError;

use super::audit::json_value;
use super::exec::Row;
use super::row::{int, opt_text, parsed, text, timestamp};
use super::{Dialect, SqlTx};

/// Events below the horizon, after the cursor: `$1` horizon, `$2` xid, `$3` seq.
const AFTER: &str = "a.event_type IS NOT NULL AND a.xid < $1 AND (a.xid, a.seq) > ($2, $3)";

fn event_from(row: &Row) -> Result<FeedEvent, DomainError> {
    Ok(FeedEvent {
        id: text(row, "id")?,
        position: FeedCursor {
            xid: int(row, "xid")?,
            seq: int(row, "seq")?,
        },
        event_type: parsed("event_type", &text(row, "event_type")?, EventType::parse)?,
        tenant_code: text(row, "tenant_code")?,
        at: timestamp(row, "at")?,
        entity_type: text(row, "entity_type")?,
        entity_id: text(row, "entity_id")?,
        before: json_value("before_json", opt_text(row, "before_json")?)?,
        after: json_value("after_json", opt_text(row, "after_json")?)?,
        operation: text(row, "operation")?,
        channel: parsed("channel", &text(row, "channel")?, Channel::parse)?,
        initiator: opt_text(row, "initiator")?,
        request_id: opt_text(row, "request_id")?,
    })
}

#[async_trait]
impl<D: Dialect> EventRepo for SqlTx<'_, D> {
    async fn feed_horizon(&mut self) -> Result<i64, DomainError> {
        let row = self.query(D::FEED_HORIZON).fetch_one().await?;
        int(&row, "horizon")
    }

    async fn feed_page(
        &mut self,
        after: FeedCursor,
        horizon: i64,
        filter: &FeedFilter,
        limit: i64,
        scan: i64,
    ) -> Result<Vec<FeedEvent>, DomainError> {
        // The filters' placeholders follow the fixed five.
        let mut conditions = String::new();
        let mut next = 6;
        if filter.tenant.is_some() {
            conditions.push_str(&format!(" AND t.code = ${next}"));
            next += 1;
        }
        if filter.event_type.is_some() {
            conditions.push_str(&format!(" AND a.event_type = ${next}"));
        }
        // The window (the first `scan` events, walked on the feed index) is filtered, not
        // the table: a filter that rarely matches costs `scan` rows, not every row after
        // the cursor.
        let sql = format!(
            "SELECT a.id, a.xid, a.seq, a.event_type, t.code AS tenant_code, a.at, \
             a.entity_type, a.entity_id, a.before_json, a.after_json, a.operation, a.channel, \
             a.initiator, a.request_id \
             FROM (SELECT * FROM audit_events a WHERE {AFTER} ORDER BY a.xid, a.seq LIMIT $5) a \
             JOIN tenants t ON t.id = a.tenant_id \
             WHERE TRUE{conditions} ORDER BY a.xid, a.seq LIMIT $4"
        );
        let mut query = self
            .query(&sql)
            .bind(horizon)
            .bind(after.xid)
            .bind(after.seq)
            .bind(limit)
            .bind(scan);
        if let Some(code) = &filter.tenant {
            query = query.bind(code.as_str());
        }
        if let Some(event_type) = filter.event_type {
            query = query.bind(event_type.as_str());
        }
        query.fetch_all().await?.iter().map(event_from).collect()
    }

    async fn feed_window_end(
        &mut self,
        after: FeedCursor,
        horizon: i64,
        scan: i64,
    ) -> Result<Option<FeedCursor>, DomainError> {
        let sql = format!(
            "SELECT w.xid, w.seq FROM (SELECT a.xid, a.seq FROM audit_events a WHERE {AFTER} \
             ORDER BY a.xid, a.seq LIMIT $4) w ORDER BY w.xid DESC, w.seq DESC LIMIT 1"
        );
        let row = self
            .query(&sql)
            .bind(horizon)
            .bind(after.xid)
            .bind(after.seq)
            .bind(scan)
            .fetch_optional()
            .await?;
        row.map(|row| {
            Ok(FeedCursor {
                xid: int(&row, "xid")?,
                seq: int(&row, "seq")?,
            })
        })
        .transpose()
    }

    async fn feed_last(
        &mut self,
        after: FeedCursor,
        horizon: i64,
    ) -> Result<Option<FeedCursor>, DomainError> {
        let sql = format!(
            "SELECT a.xid, a.seq FROM audit_events a WHERE {AFTER} \
             ORDER BY a.xid DESC, a.seq DESC LIMIT 1"
        );
        let row = self
            .query(&sql)
            .bind(horizon)
            .bind(after.xid)
            .bind(after.seq)
            .fetch_optional()
            .await?;
        row.map(|row| {
            Ok(FeedCursor {
                xid: int(&row, "xid")?,
                seq: int(&row, "seq")?,
            })
        })
        .transpose()
    }
}
