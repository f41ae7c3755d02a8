//! Reading the feed (docs/events.md "Reading the feed"): `after` and `limit`, filters that
//! keep the cursor moving, refusals of bad parameters, and long polling.

use std::time::{Duration, Instant};

use billing_compat::domain::event::EventType;

use super::support::{change, events, operator_app, record, settled, subjects, tenant_id, Answer};
use crate::helpers::TestApp;

fn page(answer: &Answer) -> (Vec<String>, String) {
    assert_eq!(answer.status, 200, "{}", answer.json);
    let events = answer.json["events"].as_array().unwrap().clone();
    (
        subjects(&events),
        answer.json["next"].as_str().unwrap().to_owned(),
    )
}

/// Five changes: acme a1..a3 (termination dates), globex g1, acme b1 (a bundle).
async fn five_changes(app: &TestApp) {
    let (acme, globex) = (tenant_id(app, "acme").await, tenant_id(app, "globex").await);
    for (tenant, event, id) in [
        (acme, EventType::AccountTerminationDateChanged, "a1"),
        (acme, EventType::AccountTerminationDateChanged, "a2"),
        (acme, EventType::AccountTerminationDateChanged, "a3"),
        (globex, EventType::AccountTerminationDateChanged, "g1"),
        (acme, EventType::BundleCancelled, "b1"),
    ] {
        record(app, change(tenant, event, id)).await;
    }
    settled(app, 5).await;
}

#[tokio::test]
async fn pages_follow_after_and_limit_and_an_empty_page_keeps_the_cursor() {
    let app = operator_app(|_| {}).await;
    five_changes(&app).await;
    let (first, next) = page(&events(&app, "limit=2").await);
    assert_eq!(first, ["a1", "a2"]);
    let (second, next) = page(&events(&app, &format!("after={next}&limit=2")).await);
    assert_eq!(second, ["a3", "g1"]);
    let (third, next) = page(&events(&app, &format!("after={next}&limit=2")).await);
    assert_eq!(third, ["b1"]);
    let (empty, same) = page(&events(&app, &format!("after={next}&limit=2")).await);
    assert!(empty.is_empty());
    assert_eq!(
        same, next,
        "an empty page gives back the cursor it was given"
    );
    // Without `after`, from the beginning; the default limit takes all five.
    assert_eq!(
        page(&events(&app, "").await).0,
        ["a1", "a2", "a3", "g1", "b1"]
    );
    // A repeat of a cursor gives the same page: ids are stable.
    let again = events(&app, "limit=2").await;
    let before = events(&app, "limit=2").await;
    assert_eq!(again.json, before.json);
}

#[tokio::test]
async fn filters_keep_their_events_and_the_cursor_passes_the_rest() {
    let app = operator_app(|_| {}).await;
    five_changes(&app).await;
    let (globex, next) = page(&events(&app, "tenant=globex").await);
    assert_eq!(globex, ["g1"]);
    let (all, end) = page(&events(&app, "").await);
    assert_eq!(all.len(), 5);
    assert_eq!(
        next, end,
        "the filtered page's cursor is past everything it skipped"
    );
    let bundle = "com.billing-compat.bundle.cancelled";
    let (bundles, _) = page(&events(&app, &format!("type={bundle}")).await);
    assert_eq!(bundles, ["b1"]);
    let (acme_dates, next) = page(
        &events(
            &app,
            "tenant=acme&type=com.billing-compat.account.termination_date_changed&limit=2",
        )
        .await,
    );
    assert_eq!(acme_dates, ["a1", "a2"]);
    // A filter that keeps nothing still moves the cursor over what it skipped.
    let (none, passed) = page(&events(&app, &format!("after={next}&tenant=nobody")).await);
    assert!(none.is_empty());
    assert_eq!(passed, end);
}

#[tokio::test]
async fn a_filtered_read_examines_a_bounded_window_and_never_passes_a_match() {
    use billing_compat::domain::event::{FeedCursor, FeedFilter};
    let app = operator_app(|_| {}).await;
    five_changes(&app).await;
    let globex = FeedFilter {
        tenant: Some("globex".to_owned()),
        ..FeedFilter::default()
    };
    // A window of two events at a time: a1 a2 | a3 g1 | b1. Walk it as a follower would.
    let (mut after, mut seen, mut reads) = (FeedCursor::START, Vec::new(), 0);
    loop {
        let mut read = app.store().read().await.unwrap();
        let horizon = read.feed_horizon().await.unwrap();
        let page = read
            .feed_page(after, horizon, &globex, 10, 2)
            .await
            .unwrap();
        seen.extend(page.iter().map(|e| e.entity_id.clone()));
        reads += 1;
        // A short filtered page moves the cursor to the window's end, never further.
        let end = read.feed_window_end(after, horizon, 2).await.unwrap();
        match end {
            Some(end) => after = end,
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["g1"],
        "the match in the second window was not passed over"
    );
    assert_eq!(reads, 4, "three windows of at most two, then the end");
}

#[tokio::test]
async fn bad_parameters_are_400_problems() {
    let app = operator_app(|_| {}).await;
    for query in [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "wait=31",
        "wait=-1",
        "after=abc",
        "after=1-",
        "type=account.cancelled",
        "tenant=",
        "cursor=0-0",
        "limit=1&limit=2",
    ] {
        let answer = events(&app, query).await;
        assert_eq!(answer.status, 400, "{query}: {}", answer.json);
        assert_eq!(answer.content_type, "application/problem+json", "{query}");
        assert!(
            answer.json["detail"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_long_poll_is_answered_as_soon_as_a_change_commits() {
    let app = operator_app(|_| {}).await;
    let acme = tenant_id(&app, "acme").await;
    let started = Instant::now();
    let (poll, ()) = tokio::join!(events(&app, "wait=20"), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        record(
            &app,
            change(acme, EventType::AccountTerminationDateChanged, "late"),
        )
        .await;
    });
    let (found, _) = page(&poll);
    assert_eq!(found, ["late"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_long_poll_without_changes_ends_with_an_empty_page_after_its_wait() {
    let app = operator_app(|_| {}).await;
    let started = Instant::now();
    let (found, next) = page(&events(&app, "wait=1").await);
    assert!(found.is_empty());
    assert_eq!(next, "0-0");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
}
