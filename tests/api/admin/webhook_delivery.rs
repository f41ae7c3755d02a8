//! Webhook delivery (docs/events.md "Delivery and retries"): every event a webhook wants
//! arrives signed (checked with the test's own HMAC), in feed order, retried after a
//! receiver error, listed attempt by attempt; an endpoint failing for the whole retry
//! window is disabled.

use std::time::Duration;

use billing_compat::domain::event::EventType;
use serde_json::{json, Value};

use super::receiver::{signature_is_valid, Receiver, Reply};
use super::support::{adjust, all_events, change, operator_app, record, tenant_id};
use super::webhooks::{get, quick, register, SECRET, WEBHOOKS};
use crate::helpers::{eventually, TestApp};

fn ids(received: &[super::receiver::Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect()
}

async fn deliveries(app: &TestApp, id: &str, query: &str) -> Value {
    let page = get(app, &format!("{WEBHOOKS}/{id}/deliveries?{query}")).await;
    assert_eq!(page.status, 200, "{}", page.json);
    page.json
}

/// Waits until the webhook has `count` attempts listed.
async fn attempts(app: &TestApp, id: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let page = deliveries(app, id, "").await;
        let listed = page["deliveries"].as_array().unwrap().clone();
        if listed.len() >= count {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {count} attempts listed");
}

#[tokio::test]
async fn every_change_arrives_signed_as_its_cloudevent_in_feed_order() {
    let app = operator_app(quick).await;
    let receiver = Receiver::start([]).await;
    register(&app, &receiver.url, json!({})).await;
    for date in ["2031-01-31", "2031-02-28", "2031-03-31"] {
        adjust(&app, "DS1000001", date).await;
    }
    let got = receiver.wait_for(3).await;
    let feed = all_events(&app).await;
    let last_three: Vec<&Value> = feed.iter().rev().take(3).rev().collect();
    assert_eq!(
        ids(&got),
        last_three
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    let now = chrono::Utc::now().timestamp();
    for (request, event) in got.iter().zip(last_three) {
        assert!(signature_is_valid(SECRET, request), "{:?}", request.headers);
        assert_eq!(
            request.header("content-type"),
            "application/cloudevents+json; charset=utf-8"
        );
        let timestamp: i64 = request.header("webhook-timestamp").parse().unwrap();
        assert!((now - timestamp).abs() < 60, "{timestamp}");
        assert_eq!(&request.json(), event);
    }
    // A tampered body fails the same check: the check can fail.
    let mut tampered = got[0].clone();
    tampered.body.push(b' ');
    assert!(!signature_is_valid(SECRET, &tampered));
}

#[tokio::test]
async fn a_receiver_error_is_retried_and_every_attempt_is_listed_newest_first() {
    let app = operator_app(quick).await;
    let receiver = Receiver::start([Reply::Status(500)]).await;
    let id = register(&app, &receiver.url, json!({})).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert!(got.iter().all(|r| signature_is_valid(SECRET, r)));

    let listed = attempts(&app, &id, 2).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(
        (
            &listed[0]["attempt"],
            &listed[0]["http_status"],
            &listed[0]["outcome"]
        ),
        (&json!(2), &json!(200), &json!("delivered"))
    );
    assert_eq!(
        (
            &listed[1]["attempt"],
            &listed[1]["http_status"],
            &listed[1]["outcome"]
        ),
        (&json!(1), &json!(500), &json!("retrying"))
    );
    assert_eq!(listed[0]["event_id"], got[0].header("webhook-id"));
    // Paged: one at a time, `next` leads to the older one.
    let first = deliveries(&app, &id, "limit=1").await;
    assert_eq!(first["deliveries"][0]["attempt"], 2);
    let before = first["next"].as_str().unwrap();
    let second = deliveries(&app, &id, &format!("limit=1&before={before}")).await;
    assert_eq!(second["deliveries"][0]["attempt"], 1);
    assert!(second.get("next").is_none(), "{second}");
    // Delivered once more, and no more than that.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn an_endpoints_events_go_out_one_at_a_time_in_feed_order_through_failures() {
    let app = operator_app(quick).await;
    let script = [200, 500, 500, 200, 503, 200].map(Reply::Status);
    let receiver = Receiver::start(script).await;
    register(&app, &receiver.url, json!({})).await;
    let acme = tenant_id(&app, "acme").await;
    for n in 1..=5 {
        let row = change(
            acme,
            EventType::AccountTerminationDateChanged,
            &format!("o{n}"),
        );
        record(&app, row).await;
    }
    let got = receiver.wait_for(8).await;
    let subjects: Vec<String> = got
        .iter()
        .map(|r| r.json()["subject"].as_str().unwrap().to_owned())
        .collect();
    // o2 is refused twice, o3 once: each is resent before anything after it is sent.
    assert_eq!(subjects, ["o1", "o2", "o2", "o2", "o3", "o3", "o4", "o5"]);
}

#[tokio::test]
async fn a_webhook_gets_only_the_types_and_tenants_it_names() {
    let app = operator_app(quick).await;
    let (bundles, globex, everything) = (
        Receiver::start([]).await,
        Receiver::start([]).await,
        Receiver::start([]).await,
    );
    register(
        &app,
        &bundles.url,
        json!({"event_types": ["com.billing-compat.bundle.cancelled"]}),
    )
    .await;
    register(&app, &globex.url, json!({"tenants": ["globex"]})).await;
    register(&app, &everything.url, json!({})).await;
    let (acme_id, globex_id) = (
        tenant_id(&app, "acme").await,
        tenant_id(&app, "globex").await,
    );
    for (tenant, event, subject) in [
        (acme_id, EventType::AccountTerminationDateChanged, "a1"),
        (globex_id, EventType::AccountTerminationDateChanged, "g1"),
        (acme_id, EventType::BundleCancelled, "b1"),
        // Wanted by all three: once it arrives, everything before it was decided.
        (globex_id, EventType::BundleCancelled, "last"),
    ] {
        record(&app, change(tenant, event, subject)).await;
    }
    let subjects = |r: &Receiver| -> Vec<String> {
        r.received()
            .iter()
            .map(|r| r.json()["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    for receiver in [&bundles, &globex, &everything] {
        let r = receiver.clone();
        assert!(
            eventually(10, move || {
                let r = r.clone();
                async move {
                    r.received()
                        .last()
                        .is_some_and(|l| l.json()["subject"] == "last")
                }
            })
            .await
        );
    }
    assert_eq!(subjects(&bundles), ["b1", "last"]);
    assert_eq!(subjects(&globex), ["g1", "last"]);
    assert_eq!(subjects(&everything), ["a1", "g1", "b1", "last"]);
}

#[tokio::test]
async fn an_endpoint_failing_for_the_whole_window_is_disabled_and_says_why() {
    let app = operator_app(|settings| {
        quick(settings);
        settings.service.webhooks.retry_window = Duration::from_millis(400);
    })
    .await;
    let receiver = Receiver::start([Reply::Status(500); 1000]).await;
    let id = register(&app, &receiver.url, json!({})).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    let mut shown = Value::Null;
    for _ in 0..200 {
        shown = get(&app, &format!("{WEBHOOKS}/{id}")).await.json;
        if shown["disabled"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(shown["disabled"], true, "{shown}");
    assert!(
        shown["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{shown}"
    );
    assert!(shown["disabled_at"].is_string(), "{shown}");
    let listed = deliveries(&app, &id, "").await;
    let listed = listed["deliveries"].as_array().unwrap();
    assert_eq!(listed[0]["outcome"], "failed");
    assert!(listed[1..].iter().all(|d| d["outcome"] == "retrying"));
    // Disabled: nothing more is sent.
    let sent = receiver.received().len();
    adjust(&app, "DS1000001", "2032-12-31").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), sent);
}

#[tokio::test]
async fn a_restart_mid_delivery_loses_nothing_and_repeats_only_the_unanswered_event() {
    let settings = |settings: &mut billing_compat::config::Settings| {
        quick(settings);
        // A lease that outlives a dead instance only briefly.
        settings.worker.lease = Duration::from_secs(3);
    };
    let app = operator_app(settings).await;
    // o1 is answered; o2 is held unanswered while the server stops.
    let receiver = Receiver::start([Reply::Status(200), Reply::Hold]).await;
    register(&app, &receiver.url, json!({})).await;
    let acme = tenant_id(&app, "acme").await;
    for n in 1..=3 {
        let row = change(
            acme,
            EventType::AccountTerminationDateChanged,
            &format!("o{n}"),
        );
        record(&app, row).await;
    }
    receiver.wait_for(2).await;
    let db = app.stop().await;

    let _app = crate::helpers::spawn_on(db, settings).await;
    let got = receiver.wait_for(4).await;
    let subjects: Vec<String> = got
        .iter()
        .map(|r| r.json()["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects, ["o1", "o2", "o2", "o3"]);
    assert_eq!(got[1].header("webhook-id"), got[2].header("webhook-id"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4);
}
