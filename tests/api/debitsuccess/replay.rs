//! A repeated request `Id` (docs/design.md §6.1): from the same user with the same body it replays
//! the stored reply (whichever SOAP version or form repeats it); with a different body it
//! fails with 09 and changes nothing. Reads are not replayed.

use super::support::client::{account, audit, call, note, Channel, Request};
use crate::helpers::spawn_app;

fn reply_id(outcome: &super::support::client::Outcome) -> (String, String) {
    match (&outcome.result, &outcome.json) {
        (Some(result), _) => (
            result.child("Id").text.clone(),
            result.child("DateCreated").text.clone(),
        ),
        (None, Some(json)) => (
            json["Id"].as_str().unwrap().into(),
            json["DateCreated"].as_str().unwrap().into(),
        ),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn a_repeated_id_with_the_same_body_replays_the_first_reply_on_any_channel() {
    let app = spawn_app().await;
    let request = Request::adjust("DS1000001", "2031-12-31").field("Id", "retry-1");
    let first = call(&app, Channel::Soap11, &request).await;
    assert_eq!(first.codes(), ["00"]);
    let audited = audit(&app, "acme").await.len();
    // Someone else moves the date; a replay must not move it back.
    {
        let stored = account(&app, "acme", "DS1000001").await;
        crate::helpers::write(app.store().as_ref(), move |tx| {
            Box::pin(async move {
                tx.set_termination_date(stored.tenant, stored.id, None)
                    .await
            })
        })
        .await;
    }
    // DateCreated and the envelope's spelling are not part of "the body".
    let again = request.clone().field("DateCreated", "2026-01-01T09:00:00");
    for channel in Channel::ALL {
        let outcome = call(&app, channel, &again).await;
        assert_eq!(reply_id(&outcome), reply_id(&first), "{channel:?}");
        assert_eq!(outcome.notes, first.notes);
    }
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
    assert_eq!(audit(&app, "acme").await.len(), audited);
}

#[tokio::test]
async fn a_repeated_id_with_another_body_is_error_09_and_changes_nothing() {
    let app = spawn_app().await;
    call(
        &app,
        Channel::Soap12,
        &Request::adjust("DS1000001", "2031-12-31").field("Id", "m-1"),
    )
    .await;
    let other = Request::adjust("DS1000001", "2032-01-31").field("Id", "m-1");
    let text =
        "Failed to complete the process: this request Id was already used for a different request";
    for channel in Channel::ALL {
        let outcome = call(&app, channel, &other).await;
        assert_eq!(outcome.notes, [note("09", text, "Error")], "{channel:?}");
        assert_eq!(
            outcome.http,
            if channel == Channel::Json { 409 } else { 200 }
        );
    }
    let stored = account(&app, "acme", "DS1000001").await;
    assert_eq!(stored.termination_date.unwrap().to_string(), "2031-12-31");
}

#[tokio::test]
async fn failures_are_replayed_too_and_ids_belong_to_their_user() {
    let app = spawn_app().await;
    let past = Request::adjust("DS1000001", "2020-01-01").field("Id", "shared-id");
    let first = call(&app, Channel::Json, &past).await;
    assert_eq!(first.codes(), ["14091"]);
    assert_eq!(
        reply_id(&call(&app, Channel::Soap11, &past).await),
        reply_id(&first)
    );
    // Another user (globex's) may use the same Id for its own message.
    let globex = Request::adjust("GX2000001", "2031-12-31")
        .field("Id", "shared-id")
        .user(Some(("gx-all", "Globex-Pass-2024")));
    assert_eq!(call(&app, Channel::Soap11, &globex).await.codes(), ["00"]);
    // A blank Id is no Id.
    let blank = Request::adjust("DS1000001", "2031-12-31").field("Id", "  ");
    let a = call(&app, Channel::Soap11, &blank).await;
    let b = call(
        &app,
        Channel::Soap11,
        &blank.clone().field("TerminationDate", "2031-12-30"),
    )
    .await;
    assert_eq!((a.codes(), b.codes()), (vec!["00"], vec!["00"]));
    assert_ne!(reply_id(&a), reply_id(&b));
}

#[tokio::test]
async fn reads_are_never_replayed() {
    let app = spawn_app().await;
    let read = Request::get_account("DS1000001").field("Id", "read-1");
    let a = call(&app, Channel::Soap11, &read).await;
    call(
        &app,
        Channel::Soap11,
        &Request::adjust("DS1000001", "2031-12-31"),
    )
    .await;
    let b = call(&app, Channel::Soap11, &read).await;
    assert_ne!(reply_id(&a), reply_id(&b));
    let termination = |o: &super::support::client::Outcome| {
        let account = o.result.as_ref().unwrap().child("Account").clone();
        account.child("TerminationDate").text.clone()
    };
    assert_eq!(
        (termination(&a), termination(&b)),
        (String::new(), "2031-12-31T00:00:00".to_owned())
    );
}

#[tokio::test]
async fn concurrent_repeats_of_one_id_apply_once_and_answer_alike() {
    let app = spawn_app().await;
    let request = Request::adjust("DS1000001", "2031-12-31").field("Id", "burst");
    let before = audit(&app, "acme").await.len();
    let calls = (0..8).map(|i| {
        let channel = Channel::ALL[i % 3];
        let (app, request) = (&app, &request);
        async move { call(app, channel, request).await }
    });
    let outcomes = futures_util::future::join_all(calls).await;
    let first = reply_id(&outcomes[0]);
    assert!(outcomes
        .iter()
        .all(|o| reply_id(o) == first && o.codes() == ["00"]));
    assert_eq!(audit(&app, "acme").await.len(), before + 1);
}
