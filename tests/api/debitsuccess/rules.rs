//! Every row of the docs/design.md §6.1 rules table, in its order, over SOAP 1.1, SOAP 1.2 and the
//! JSON form: the first failing error wins, warnings accumulate, nothing changes on failure.

use super::support::client::{
    account, call, find_account, json_http, note, today, Channel, Note, Outcome, Request, ADJUST,
};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const CREDENTIALS: &str = "Invalid user credentials";

/// Sends `request` every way and checks the notes, the status and the HTTP status, and
/// that `reference`'s stored termination date did not move when the request failed.
async fn expect(app: &TestApp, request: &Request, notes: &[Note]) -> Vec<Outcome> {
    let reference = request
        .fields
        .iter()
        .find(|(n, _)| *n == "AccountReferenceNo")
        .and_then(|(_, v)| match v {
            super::support::client::FieldValue::Text(t) if !t.is_empty() && t.len() <= 15 => {
                Some(t.clone())
            }
            _ => None,
        });
    let failed = notes.iter().any(|n| n.kind == "Error");
    let mut outcomes = vec![];
    for channel in Channel::ALL {
        let before = match &reference {
            Some(r) if failed => find_account(app, "acme", r).await,
            _ => None,
        };
        let outcome = call(app, channel, request).await;
        assert_eq!(outcome.notes, notes, "{channel:?}: {}", outcome.body);
        assert_eq!(outcome.status, if failed { "Failed" } else { "Succeed" });
        let code = notes
            .iter()
            .find(|n| n.kind == "Error")
            .map_or("00", |n| &n.code);
        let http = if channel == Channel::Json {
            json_http(code)
        } else {
            200
        };
        assert_eq!(outcome.http, http, "{channel:?}");
        if let (Some(before), Some(r)) = (before, &reference) {
            assert_eq!(
                account(app, "acme", r).await,
                before,
                "{channel:?} changed {r}"
            );
        }
        outcomes.push(outcome);
    }
    outcomes
}

fn error(code: &str, text: &str) -> Vec<Note> {
    vec![note(code, text, "Error")]
}

fn success() -> Vec<Note> {
    vec![note("00", "Success", "Info")]
}

#[tokio::test]
async fn credentials_are_checked_first_and_never_say_which_part_was_wrong() {
    // Each variant goes out in every form, so the same wrong pair is tried more often than
    // the sign-in throttle allows; its own answer is tested in `reliability::throttle`.
    let app = spawn_app_with(|s| s.service.auth.throttle.per_user_threshold = 1_000).await;
    // Each request is also missing its TerminationDate (100): credentials come first.
    let base = Request::new(ADJUST).field("AccountReferenceNo", "DS1000001");
    let variants = [
        base.clone().user(Some(("ds-gym", "wrong-password"))),
        base.clone().user(Some(("no-such-user", "Gym-Pass-2024"))),
        base.clone().user(Some(("ds-readonly", "NoSoap-2024"))),
        base.clone().user(Some(("", ""))),
        base.clone().user(None),
    ];
    let mut bodies = vec![];
    for request in &variants {
        let outcomes = expect(&app, request, &error("02", CREDENTIALS)).await;
        bodies.push(
            outcomes[0]
                .result
                .clone()
                .unwrap()
                .without(&["DateCreated", "Id"]),
        );
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "replies differ");
}

#[tokio::test]
async fn a_missing_or_mistyped_required_element_is_error_100() {
    let app = spawn_app().await;
    let required = "SOAP message validation error: The element 'TerminationDate' is required.";
    let adjust = Request::adjust("DS1000001", "2031-12-31");
    expect(
        &app,
        &adjust.clone().without("TerminationDate"),
        &error("100", required),
    )
    .await;
    expect(
        &app,
        &adjust.clone().nil("TerminationDate"),
        &error("100", required),
    )
    .await;
    // The unset .NET date means absent.
    let unset = adjust
        .clone()
        .field("TerminationDate", "0001-01-01T00:00:00");
    expect(&app, &unset, &error("100", required)).await;
    let typed = "SOAP message validation error: The value '31/12/2031' of element 'TerminationDate' \
                 is not a valid date (expected yyyy-MM-dd, optionally followed by a time such as T00:00:00).";
    expect(
        &app,
        &adjust.clone().field("TerminationDate", "31/12/2031"),
        &error("100", typed),
    )
    .await;
    let created = "SOAP message validation error: The value 'yesterday' of element 'DateCreated' \
                   is not a valid date (expected yyyy-MM-dd, optionally followed by a time such as T00:00:00).";
    expect(
        &app,
        &adjust.clone().field("DateCreated", "yesterday"),
        &error("100", created),
    )
    .await;
    // 100 comes before 13203.
    let both = adjust
        .without("TerminationDate")
        .field("AccountReferenceNo", &"9".repeat(16));
    expect(&app, &both, &error("100", required)).await;
}

#[tokio::test]
async fn over_long_fields_are_error_13203_before_the_missing_reference() {
    let app = spawn_app().await;
    let adjust = Request::adjust("DS1000001", "2031-12-31");
    let cases = [
        (
            "AccountReferenceNo",
            16,
            "AccountReferenceNo field cannot be more than 15 characters",
        ),
        (
            "ExternalAccountReferenceNo",
            51,
            "ExternalAccountReferenceNo field cannot be more than 50 characters",
        ),
        (
            "RequestInitiator",
            101,
            "RequestInitiator field cannot be more than 100 characters",
        ),
    ];
    for (field, length, text) in cases {
        // In the past as well: 13203 comes before 14091.
        let request = adjust
            .clone()
            .field(field, &"é".repeat(length))
            .field("TerminationDate", "2020-01-01");
        expect(&app, &request, &error("13203", text)).await;
    }
    // Exactly at the limits is fine (the external reference then has to match too: 08).
    let limits = adjust
        .field("RequestInitiator", &"é".repeat(100))
        .field("ExternalAccountReferenceNo", &"x".repeat(50));
    expect(
        &app,
        &limits,
        &error("08", "There is no record found with this criteria"),
    )
    .await;
}

#[tokio::test]
async fn a_missing_reference_is_error_12016_and_empty_counts_as_absent() {
    let app = spawn_app().await;
    let text = "Missing required reference number. Must provide either ExternalAccountReferenceNo \
                or AccountReferenceNo or both";
    let base = Request::new(ADJUST).field("TerminationDate", "2020-01-01");
    for request in [
        base.clone(),
        base.clone()
            .field("AccountReferenceNo", "")
            .field("ExternalAccountReferenceNo", "  "),
        base.clone()
            .nil("AccountReferenceNo")
            .nil("ExternalAccountReferenceNo"),
    ] {
        expect(&app, &request, &error("12016", text)).await;
    }
}

#[tokio::test]
async fn a_time_part_is_ignored_with_warning_14020_but_midnight_is_a_plain_date() {
    let app = spawn_app().await;
    let warning = note(
        "14020",
        "DateTime field 'TerminationDate' contains time part, but the time is ignored by message",
        "Warning",
    );
    let timed = Request::adjust("DS1000001", "2031-12-30T10:30:00");
    expect(
        &app,
        &timed,
        &[warning.clone(), note("00", "Success", "Info")],
    )
    .await;
    let stored = account(&app, "acme", "DS1000001").await;
    assert_eq!(stored.termination_date.unwrap().to_string(), "2031-12-30");
    expect(
        &app,
        &Request::adjust("DS1000001", "2031-12-31T00:00:00"),
        &success(),
    )
    .await;
    // Warnings accumulate ahead of the first error.
    let past = Request::adjust("DS1000001", "2020-01-01T10:30:00");
    let notes = [
        warning,
        note("14091", "Termination date cannot be in the past", "Error"),
    ];
    expect(&app, &past, &notes).await;
}

#[tokio::test]
async fn a_date_before_today_in_the_tenants_zone_is_error_14091_and_today_is_allowed() {
    let app = spawn_app().await;
    let yesterday = today().pred_opt().unwrap().to_string();
    let past = Request::adjust("DS1000001", &yesterday);
    expect(
        &app,
        &past,
        &error("14091", "Termination date cannot be in the past"),
    )
    .await;
    let day = today();
    let outcomes = expect(
        &app,
        &Request::adjust("DS1000001", &day.to_string()),
        &success(),
    )
    .await;
    // Midnight in Auckland is not midnight in UTC: the rule used the tenant's zone.
    assert_eq!(outcomes.len(), 3);
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        Some(day)
    );
}

#[tokio::test]
async fn no_matching_account_is_error_08_even_in_another_tenant() {
    let app = spawn_app().await;
    let text = "There is no record found with this criteria";
    let adjust = Request::adjust("DS9999999", "2031-12-31");
    expect(&app, &adjust, &error("08", text)).await;
    // Both references given: both must match the same account.
    let mismatch = Request::adjust("DS1000001", "2031-12-31")
        .field("ExternalAccountReferenceNo", "EXT-SUSPENDED");
    expect(&app, &mismatch, &error("08", text)).await;
    // globex's account is invisible to acme's user.
    expect(
        &app,
        &Request::adjust("GX2000001", "2031-12-31"),
        &error("08", text),
    )
    .await;
}

#[tokio::test]
async fn an_external_reference_shared_by_two_accounts_is_error_07() {
    let app = spawn_app().await;
    let shared = Request::new(ADJUST)
        .field("ExternalAccountReferenceNo", "EXT-SHARED")
        .field("TerminationDate", "2031-12-31");
    expect(
        &app,
        &shared,
        &error("07", "Multiple accounts found with this criteria"),
    )
    .await;
    assert_eq!(
        account(&app, "acme", "DS1000005").await.termination_date,
        None
    );
    // Adding the Debitsuccess reference picks one of them.
    expect(
        &app,
        &shared.field("AccountReferenceNo", "DS1000005"),
        &success(),
    )
    .await;
    assert!(account(&app, "acme", "DS1000005")
        .await
        .termination_date
        .is_some());
    assert_eq!(
        account(&app, "acme", "DS1000006").await.termination_date,
        None
    );
}

#[tokio::test]
async fn an_account_that_is_not_active_is_error_10() {
    let app = spawn_app().await;
    for reference in ["DS1000002", "DS1000003", "DS1000004"] {
        let request = Request::adjust(reference, "2031-12-31");
        expect(&app, &request, &error("10", "Account is not active")).await;
    }
}

#[tokio::test]
async fn a_date_before_the_final_bill_date_is_error_14079() {
    let app = spawn_app().await;
    // DS1000007's Final Bill Date is 2030-06-30.
    let billed = Request::adjust("DS1000007", "2030-01-01");
    expect(
        &app,
        &billed,
        &error("14079", "Termination date already billed"),
    )
    .await;
    expect(
        &app,
        &Request::adjust("DS1000007", "2030-06-30"),
        &success(),
    )
    .await;
}

#[tokio::test]
async fn success_sets_the_termination_date_never_the_contract_value_and_is_audited() {
    let app = spawn_app().await;
    let before = account(&app, "acme", "DS1000001").await;
    for (channel, date) in Channel::ALL
        .into_iter()
        .zip(["2031-12-29", "2031-12-30", "2031-12-31"])
    {
        let request = Request::adjust("DS1000001", date).field("RequestInitiator", "front desk");
        let outcome = call(&app, channel, &request).await;
        assert_eq!(outcome.notes, success(), "{channel:?}");
        let after = account(&app, "acme", "DS1000001").await;
        assert_eq!(after.termination_date.unwrap().to_string(), date);
        assert_eq!(after.total_contract_value, before.total_contract_value);
        assert_eq!(after.status, before.status);
        assert_eq!(after.final_bill_date, before.final_bill_date);
        let events = super::support::client::audit(&app, "acme").await;
        let event = &events[0];
        assert_eq!(event.operation, ADJUST);
        assert_eq!(event.channel.as_str(), channel.audit_name());
        assert_eq!(event.initiator.as_deref(), Some("front desk"));
        assert!(event.user.is_some());
        assert!(event.request_id.is_some());
        assert_eq!(event.entity_id, before.id.to_string());
        assert_eq!(event.after.as_ref().unwrap()["termination_date"], date);
    }
    // Failures write no audit row.
    let count = super::support::client::audit(&app, "acme").await.len();
    call(
        &app,
        Channel::Soap11,
        &Request::adjust("DS1000002", "2031-12-31"),
    )
    .await;
    assert_eq!(
        super::support::client::audit(&app, "acme").await.len(),
        count
    );
}
