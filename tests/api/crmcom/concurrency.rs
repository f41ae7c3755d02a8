//! Numbers and sequence numbers stay unique and gapless under concurrent calls (docs/design.md §4:
//! atomic counters, unique constraints; run on SQLite and, with `TEST_DATABASE_URL`, on
//! PostgreSQL where the calls really run in parallel transactions).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{assert_ok, login, post, sports_on_sub_0001, ADD, CANCEL};
use crate::helpers::spawn_app;

#[tokio::test]
async fn concurrent_requests_get_distinct_consecutive_numbers() {
    let app = spawn_app().await;
    let token = login(&app).await;
    const N: usize = 24;
    let calls = (0..N).map(|i| {
        let body = sports_on_sub_0001(&token);
        let path = if i % 2 == 0 { CANCEL } else { ADD };
        let app = &app;
        async move { post(app, path, &body).await }
    });
    let replies: Vec<(u16, Value)> = futures_util::future::join_all(calls).await;
    let mut numbers = BTreeSet::new();
    let mut sequences = BTreeSet::new();
    for reply in replies {
        let data = assert_ok(reply);
        assert!(numbers.insert(data["number"].as_str().unwrap().to_owned()));
        assert!(sequences.insert(
            data["sequence_number"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        ));
    }
    let expected_numbers: BTreeSet<String> = (1..=N).map(|n| format!("PR{n:06}")).collect();
    let expected_sequences: BTreeSet<i64> = (1..=N as i64).collect();
    assert_eq!(numbers, expected_numbers);
    assert_eq!(sequences, expected_sequences);
}
