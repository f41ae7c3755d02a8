//! Storage unavailable (docs/design.md §7): a `Failed` reply with code 11 ("Timeout/Deadlock, please
//! retry") when the store does not answer in time, nothing changed, and service resumes.

use std::time::Duration;

use super::support::client::{account, call, Channel, Request};
use crate::helpers::{hold_writes, spawn_app_with};

#[tokio::test]
async fn a_store_that_does_not_answer_in_time_is_code_11_and_changes_nothing() {
    let app = spawn_app_with(|s| s.pool.acquire_timeout = Duration::from_millis(300)).await;
    // Warm the credential cache, then keep the store from writing (`hold_writes`).
    call(&app, Channel::Soap11, &Request::get_account("DS1000001")).await;
    let held = hold_writes(&app).await;
    for channel in Channel::ALL {
        let outcome = call(&app, channel, &Request::adjust("DS1000001", "2031-12-31")).await;
        assert_eq!(
            outcome.only_note(),
            ("11", "Timeout/Deadlock, please retry", "Error"),
            "{channel:?}"
        );
        assert_eq!(
            outcome.http,
            if channel == Channel::Json { 503 } else { 200 }
        );
    }
    held.release().await;
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
    let outcome = call(
        &app,
        Channel::Soap11,
        &Request::adjust("DS1000001", "2031-12-31"),
    )
    .await;
    assert_eq!(outcome.codes(), ["00"]);
}
