//! Calls the admin tests share: an app with the demo operator, feed reads, and the vendor
//! calls that make changes (the README's examples).

use std::time::Duration;

use billing_compat::domain::audit::{AuditEvent, Channel};
use billing_compat::domain::event::EventType;
use billing_compat::domain::ids::TenantId;
use billing_compat::domain::store::Kept;
use billing_compat::domain::tenant::TenantCode;
use billing_compat::service::admin::operators::{ensure_demo_operator, DEMO_OPERATOR};
use serde_json::Value;

use crate::helpers::{spawn_app_with, TestApp};

pub const EVENTS: &str = "/admin/v1/events";
pub const TOKENS: &str = "/admin/v1/tokens";
pub const OPERATOR: (&str, &str) = DEMO_OPERATOR;
pub const TYPE_PREFIX: &str = "com.billing-compat.";

/// A server over the demo data with the demo operator (as `serve --demo` creates it).
pub async fn operator_app(adjust: impl FnOnce(&mut billing_compat::config::Settings)) -> TestApp {
    let app = spawn_app_with(adjust).await;
    ensure_demo_operator(app.store().as_ref(), chrono::Utc::now())
        .await
        .expect("the demo operator is created");
    app
}

/// A reply: status, content type, body as JSON.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Answer {
        status,
        content_type,
        headers,
        json,
    }
}

/// `GET /admin/v1/events?<query>` as the demo operator (Basic).
pub async fn events(app: &TestApp, query: &str) -> Answer {
    let response = app
        .client
        .get(app.url(&format!("{EVENTS}?{query}")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// Every event from the start, following `next` (a 200 page each time).
pub async fn all_events(app: &TestApp) -> Vec<Value> {
    let (mut found, mut after) = (Vec::new(), "0-0".to_owned());
    loop {
        let page = events(app, &format!("after={after}&limit=1000")).await;
        assert_eq!(page.status, 200, "{}", page.json);
        let batch = page.json["events"].as_array().unwrap().clone();
        after = page.json["next"].as_str().unwrap().to_owned();
        if batch.is_empty() {
            return found;
        }
        found.extend(batch);
    }
}

/// The events of one type (the suffix after the prefix).
pub fn of_type<'a>(events: &'a [Value], suffix: &str) -> Vec<&'a Value> {
    let wanted = format!("{TYPE_PREFIX}{suffix}");
    events
        .iter()
        .filter(|e| e["type"] == wanted.as_str())
        .collect()
}

/// The CloudEvents 1.0 envelope every event has (docs/events.md).
pub fn assert_envelope(event: &Value, tenant: &str, api: &str) {
    assert_eq!(event["specversion"], "1.0", "{event}");
    assert_eq!(event["datacontenttype"], "application/json", "{event}");
    assert_eq!(
        event["source"],
        format!("/billing-compat/tenants/{tenant}"),
        "{event}"
    );
    assert!(!event["id"].as_str().unwrap().is_empty(), "{event}");
    assert_eq!(event["subject"], event["data"]["entityId"], "{event}");
    assert_eq!(event["data"]["api"], api, "{event}");
    let time = event["time"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{time}");
}

/// Debitsuccess SOAP 1.1 `AdjustAccountTerminationDate` as ds-gym (README's example).
pub async fn adjust(app: &TestApp, reference: &str, date: &str) {
    let body = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
  <AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
  <a:RequestInitiator>front desk</a:RequestInitiator><a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
  <a:AccountReferenceNo>{reference}</a:AccountReferenceNo><a:TerminationDate>{date}</a:TerminationDate>
  </request></AdjustAccountTerminationDate></s:Body></s:Envelope>"#
    );
    let response = app
        .client
        .post(app.url("/DSWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate\"",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(
        status == 200 && text.contains("Succeed"),
        "{status}: {text}"
    );
}

/// Every event from the start once the feed holds at least `count`. On PostgreSQL a change
/// shows once every transaction older than it has ended, in any database of the cluster
/// (docs/events.md "The cursor"): other tests' transactions may hold it back a moment.
pub async fn settled(app: &TestApp, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found = all_events(app).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the feed did not reach {count} events within 10 s");
}

/// Waits until the feed holds `count` events of type `suffix`.
pub async fn wait_for(app: &TestApp, suffix: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found = all_events(app).await;
        if of_type(&found, suffix).len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {count} {suffix} events within 10 s");
}

/// The id of the tenant with `code`.
pub async fn tenant_id(app: &TestApp, code: &str) -> TenantId {
    let mut read = app.store().read().await.unwrap();
    read.tenant_by_code(&TenantCode::parse(code).unwrap())
        .await
        .unwrap()
        .expect("a demo tenant")
        .id
}

/// An audit row recording a change of `entity_id`: the event the use-cases write.
pub fn change(tenant: TenantId, event: EventType, entity_id: &str) -> AuditEvent {
    AuditEvent {
        at: chrono::Utc::now(),
        tenant,
        user: None,
        initiator: None,
        channel: Channel::Worker,
        operation: "test.change".into(),
        entity_type: "account".into(),
        entity_id: entity_id.into(),
        before: None,
        after: Some(serde_json::json!({ "n": entity_id })),
        request_id: None,
        event: Some(event),
    }
}

/// Writes `row` through the services, as a use-case does (one unit of work).
pub async fn record(app: &TestApp, row: AuditEvent) {
    app.services
        .write(move |tx| {
            Box::pin(async move {
                tx.insert_audit(&row).await?;
                Ok(Kept::commit(()))
            })
        })
        .await
        .expect("the change commits");
}

/// The subjects of `events`, in order.
pub fn subjects(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["subject"].as_str().unwrap().to_owned())
        .collect()
}
