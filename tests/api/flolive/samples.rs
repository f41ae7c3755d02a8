//! `fixtures/flolive/` holds real samples: the service must send exactly those (ids aside).

use super::*;
use crate::helpers::{spawn_app, spawn_app_with, spawn_on};

fn sample(name: &str) -> String {
    let path = format!("{}/fixtures/flolive/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sample_json(name: &str) -> Value {
    serde_json::from_str(&sample(name)).unwrap()
}

/// The sample with its first content item's ids replaced by the reply's.
fn with_ids_of(mut expected: Value, reply: &Value) -> Value {
    for field in ["requestId", "productInstanceId"] {
        if expected["content"][0].get(field).is_some() {
            expected["content"][0][field] = reply["content"][0][field].clone();
        }
    }
    expected
}

#[tokio::test]
async fn detach_replies_are_the_samples() {
    let app = spawn_app().await;
    let ack = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.json();
    assert_eq!(ack, with_ids_of(sample_json("detach-ack.json"), &ack));
    let nak = detach(&app, PARENT_KEY, NORTH, SIM_ON_NORTH).await.json();
    assert_eq!(nak, sample_json("detach-nak.json"));
}

#[tokio::test]
async fn the_attach_request_samples_get_the_reply_samples() {
    let app = spawn_app().await;
    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/json")
        .body(sample("attach-request.json"));
    let ack = send(authorize(request, PARENT_KEY)).await.json();
    assert_eq!(ack, with_ids_of(sample_json("attach-ack.json"), &ack));

    let request = app
        .client
        .post(app.url(&attach_path(NORTH)))
        .header("Content-Type", "application/xml")
        .body(sample("attach-request.xml"));
    let reply = send(authorize(request, PARENT_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let request_id = super::attach::between(&reply.body, "<requestId>", "</requestId>");
    let instance_id =
        super::attach::between(&reply.body, "<productInstanceId>", "</productInstanceId>");
    let expected = sample("attach-ack.xml")
        .trim_end()
        .replace("0b7a4c8e-5d8e-4a57-9f3b-2f1c6f0e9a11", &request_id)
        .replace("6d1f7a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", &instance_id);
    assert_eq!(reply.body, expected);
}

#[tokio::test]
async fn a_failed_request_reads_as_the_sample() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    end_instance(&app, ON_NORTH, InstanceEnd::Cancelled).await;
    let app = spawn_on(app.stop().await, |_| {}).await;
    completed(&app, PARENT_KEY, &request_id).await;
    let reply = request_status(&app, PARENT_KEY, &request_id).await.json();
    assert_eq!(
        reply,
        with_ids_of(sample_json("request-status-failed.json"), &reply)
    );
}
