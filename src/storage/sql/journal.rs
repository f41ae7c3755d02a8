//! The request journal (migration 0012; docs/operations.md "Request journal"). No tenant
//! is stored as '' (see the migration).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::clock;
use crate::domain::journal::{
    JournalCursor, JournalDetail, JournalEntry, JournalFilter, RecordedRequest, TrafficCount,
};
use crate::domain::store::JournalRepo;
use crate::domain::DomainError;

use super::exec::{Arg, Row};
use super::row::{corrupt, int, opt_text, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

const ENTRY_COLUMNS: &str = "id, at, tenant, username, api, operation, channel, method, path, \
     http_status, outcome, latency_us, request_id";

fn tenant_key(tenant: Option<&str>) -> String {
    tenant.unwrap_or_default().to_owned()
}

fn entry_from(row: &Row) -> Result<JournalEntry, DomainError> {
    let tenant = text(row, "tenant")?;
    let status = int(row, "http_status")?;
    Ok(JournalEntry {
        id: uuid(row, "id")?,
        at: timestamp(row, "at")?,
        tenant: (!tenant.is_empty()).then_some(tenant),
        username: opt_text(row, "username")?,
        api: parsed("api", &text(row, "api")?, str::parse)?,
        operation: text(row, "operation")?,
        channel: text(row, "channel")?,
        method: text(row, "method")?,
        path: text(row, "path")?,
        status: u16::try_from(status).map_err(|_| corrupt("http_status", &status.to_string()))?,
        outcome: text(row, "outcome")?,
        latency_us: int(row, "latency_us")?,
        request_id: text(row, "request_id")?,
    })
}

fn detail_from(row: &Row) -> Result<JournalDetail, DomainError> {
    let raw = text(row, "headers")?;
    let headers: Vec<(String, String)> =
        serde_json::from_str(&raw).map_err(|_| corrupt("headers", &raw))?;
    Ok(JournalDetail {
        headers,
        request_body: text(row, "request_body")?,
        request_truncated: int(row, "request_truncated")? != 0,
        reply_body: text(row, "reply_body")?,
        reply_truncated: int(row, "reply_truncated")? != 0,
    })
}

/// The `WHERE` of a listing and its arguments, numbered from `$1`.
fn conditions(filter: &JournalFilter, after: Option<JournalCursor>) -> (Vec<String>, Vec<Arg>) {
    let mut clauses = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut add = |clause: &str, values: Vec<Arg>| {
        let mut clause = clause.to_owned();
        for (i, value) in values.into_iter().enumerate() {
            args.push(value);
            clause = clause.replace(&format!("?{i}"), &format!("${}", args.len()));
        }
        clauses.push(clause);
    };
    if let Some(tenant) = &filter.tenant {
        add("tenant = ?0", vec![tenant_key(tenant.as_deref()).into()]);
    }
    if let Some(api) = filter.api {
        add("api = ?0", vec![api.as_str().into()]);
    }
    if let Some(operation) = &filter.operation {
        add("operation = ?0", vec![operation.into()]);
    }
    if let Some(user) = &filter.username {
        add("username = ?0", vec![user.into()]);
    }
    if let Some(outcome) = &filter.outcome {
        add("outcome = ?0", vec![outcome.into()]);
    }
    if let Some(from) = filter.from {
        add("at >= ?0", vec![clock::to_storage(from).into()]);
    }
    if let Some(to) = filter.to {
        add("at < ?0", vec![clock::to_storage(to).into()]);
    }
    if let Some(request_id) = &filter.request_id {
        add("request_id = ?0", vec![request_id.into()]);
    }
    if let Some(after) = after {
        let at = clock::to_storage(after.at);
        add(
            "(at < ?0 OR (at = ?1 AND id < ?2))",
            vec![at.clone().into(), at.into(), after.id.to_string().into()],
        );
    }
    (clauses, args)
}

#[async_trait]
impl<D: Dialect> JournalRepo for SqlTx<'_, D> {
    async fn insert_journal(&mut self, batch: &[RecordedRequest]) -> Result<(), DomainError> {
        for RecordedRequest { entry: e, detail } in batch {
            let headers = serde_json::to_string(&detail.headers).map_err(DomainError::internal)?;
            self.query(
                "INSERT INTO request_journal (id, at, tenant, username, api, operation, channel, \
                 method, path, http_status, outcome, latency_us, request_id, headers, \
                 request_body, request_truncated, reply_body, reply_truncated) VALUES ($1, $2, \
                 $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            )
            .bind(e.id.to_string())
            .bind(clock::to_storage(e.at))
            .bind(tenant_key(e.tenant.as_deref()))
            .bind(e.username.clone())
            .bind(e.api.as_str())
            .bind(e.operation.as_str())
            .bind(e.channel.as_str())
            .bind(e.method.as_str())
            .bind(e.path.as_str())
            .bind(i64::from(e.status))
            .bind(e.outcome.as_str())
            .bind(e.latency_us)
            .bind(e.request_id.as_str())
            .bind(headers)
            .bind(detail.request_body.as_str())
            .bind(i64::from(detail.request_truncated))
            .bind(detail.reply_body.as_str())
            .bind(i64::from(detail.reply_truncated))
            .execute()
            .await?;
        }
        Ok(())
    }

    async fn journal_page(
        &mut self,
        filter: &JournalFilter,
        after: Option<JournalCursor>,
        limit: i64,
    ) -> Result<Vec<JournalEntry>, DomainError> {
        let (clauses, args) = conditions(filter, after);
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM request_journal");
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY at DESC, id DESC LIMIT ${}",
            args.len() + 1
        ));
        let mut query = self.query(&sql);
        for arg in args {
            query = query.bind(arg);
        }
        query
            .bind(limit)
            .fetch_all()
            .await?
            .iter()
            .map(entry_from)
            .collect()
    }

    async fn journal_entry(&mut self, id: Uuid) -> Result<Option<RecordedRequest>, DomainError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS}, headers, request_body, request_truncated, reply_body, \
             reply_truncated FROM request_journal WHERE id = $1"
        );
        let Some(row) = self
            .query(&sql)
            .bind(id.to_string())
            .fetch_optional()
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(RecordedRequest {
            entry: entry_from(&row)?,
            detail: detail_from(&row)?,
        }))
    }

    async fn journal_traffic(
        &mut self,
        since: DateTime<Utc>,
    ) -> Result<Vec<TrafficCount>, DomainError> {
        self.query(
            "SELECT api, operation, outcome, COUNT(*) AS n FROM request_journal WHERE at >= $1 \
             GROUP BY api, operation, outcome ORDER BY api, operation, outcome",
        )
        .bind(clock::to_storage(since))
        .fetch_all()
        .await?
        .iter()
        .map(|row| {
            Ok(TrafficCount {
                api: parsed("api", &text(row, "api")?, str::parse)?,
                operation: text(row, "operation")?,
                outcome: text(row, "outcome")?,
                count: int(row, "n")?,
            })
        })
        .collect()
    }

    async fn purge_journal(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        self.delete_batch(
            "DELETE FROM request_journal WHERE id IN (SELECT id FROM request_journal \
             WHERE at < $1 ORDER BY at LIMIT $2)",
            before,
            limit,
            None,
        )
        .await
    }

    async fn journal_tenants_over(
        &mut self,
        cap: i64,
        limit: i64,
    ) -> Result<Vec<Option<String>>, DomainError> {
        // One pass over ix_request_journal_tenant; the table is itself bounded by the caps.
        self.query(
            "SELECT tenant FROM request_journal GROUP BY tenant HAVING COUNT(*) > $1 \
             ORDER BY tenant LIMIT $2",
        )
        .bind(cap)
        .bind(limit)
        .fetch_all()
        .await?
        .iter()
        .map(|row| text(row, "tenant").map(|t| (!t.is_empty()).then_some(t)))
        .collect()
    }

    async fn purge_journal_over(
        &mut self,
        tenant: Option<&str>,
        cap: i64,
        limit: i64,
    ) -> Result<u64, DomainError> {
        let key = tenant_key(tenant);
        // The newest entry past the cap: it and everything older go.
        let edge = self
            .query(
                "SELECT at, id FROM request_journal WHERE tenant = $1 \
                 ORDER BY at DESC, id DESC LIMIT 1 OFFSET $2",
            )
            .bind(key.as_str())
            .bind(cap)
            .fetch_optional()
            .await?;
        let Some(edge) = edge else {
            return Ok(0);
        };
        let at = text(&edge, "at")?;
        self.query(
            "DELETE FROM request_journal WHERE id IN (SELECT id FROM request_journal \
             WHERE tenant = $1 AND (at < $2 OR (at = $3 AND id <= $4)) ORDER BY at, id LIMIT $5)",
        )
        .bind(key)
        .bind(at.clone())
        .bind(at)
        .bind(text(&edge, "id")?)
        .bind(limit)
        .execute()
        .await
    }
}
