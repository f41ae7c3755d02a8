//! The Idempotency-Key store as a service piece: record, replay, refuse reuse.

use billing_compat::domain::rules::{BillingCareRule, IdempotencyRule, Rule};
use billing_compat::domain::store::StoredReply;
use billing_compat::domain::tenant::TenantCode;
use billing_compat::domain::user::{Api, Principal};
use billing_compat::domain::DomainError;
use billing_compat::service::auth::Attempt;
use billing_compat::service::idempotency::{execute, IdempotentRequest};

use crate::helpers::{discard, spawn_app};

async fn principal(app: &crate::helpers::TestApp) -> Principal {
    let services = &app.services;
    services
        .auth
        .password(
            services.store.as_ref(),
            Attempt {
                username: "flo-parent",
                password: "Flo-Pass-2024",
                source: std::net::Ipv4Addr::LOCALHOST.into(),
            },
            Api::Flolive,
        )
        .await
        .unwrap()
}

fn reply(n: i64) -> StoredReply {
    StoredReply {
        status: 200,
        content_type: "application/json".into(),
        body: format!("{{\"n\":{n}}}"),
    }
}

#[tokio::test]
async fn a_key_replays_the_first_reply_and_runs_the_work_once() {
    let app = spawn_app().await;
    let who = principal(&app).await;
    let acme = TenantCode::parse("acme").unwrap();
    let key = IdempotentRequest::new("key-1", "POST", "/x", b"{}").unwrap();
    let tenant = who.tenant.id;
    let mut replies = Vec::new();
    for _ in 0..3 {
        let r = execute(
            &app.services,
            &who,
            Some(&key),
            move |tx| Box::pin(async move { tx.next_counter(tenant, "idem-test").await }),
            |n| reply(*n),
        )
        .await
        .unwrap();
        replies.push(r);
    }
    assert!(replies.iter().all(|r| r == &reply(1)), "{replies:?}");
    // The work ran once: the counter moved once (looked at in a unit that is rolled back).
    let (next, found) = discard(app.store().as_ref(), move |tx| {
        Box::pin(async move {
            let next = tx.next_counter(tenant, "idem-test").await?;
            Ok((next, tx.tenant_by_code(&acme).await?))
        })
    })
    .await;
    assert_eq!(next, 2);
    assert!(found.is_some());
}

#[tokio::test]
async fn reusing_a_key_with_another_request_is_refused() {
    let app = spawn_app().await;
    let who = principal(&app).await;
    let first = IdempotentRequest::new("key-2", "POST", "/x", b"{\"a\":1}").unwrap();
    let other = IdempotentRequest::new("key-2", "POST", "/x", b"{\"a\":2}").unwrap();
    execute(
        &app.services,
        &who,
        Some(&first),
        |_tx| Box::pin(async { Ok(1) }),
        |n| reply(*n),
    )
    .await
    .unwrap();
    let err = execute(
        &app.services,
        &who,
        Some(&other),
        |_tx| Box::pin(async { Ok(2) }),
        |n| reply(*n),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::Rule {
                rule: Rule::Idempotency(IdempotencyRule::KeyReused),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refused_request_is_not_stored() {
    let app = spawn_app().await;
    let who = principal(&app).await;
    let key = IdempotentRequest::new("key-3", "POST", "/x", b"{}").unwrap();
    let err = execute(
        &app.services,
        &who,
        Some(&key),
        |_tx| {
            Box::pin(async {
                Err::<i64, _>(DomainError::rule(BillingCareRule::AlreadyCancelled, "no"))
            })
        },
        |n| reply(*n),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        DomainError::Rule {
            rule: Rule::BillingCare(BillingCareRule::AlreadyCancelled),
            ..
        }
    ));
    let ok = execute(
        &app.services,
        &who,
        Some(&key),
        |_tx| Box::pin(async { Ok(7) }),
        |n| reply(*n),
    )
    .await
    .unwrap();
    assert_eq!(ok, reply(7));
}

#[tokio::test]
async fn concurrent_duplicates_apply_once() {
    let app = spawn_app().await;
    let who = principal(&app).await;
    let key = IdempotentRequest::new("key-4", "POST", "/x", b"{}").unwrap();
    let tenant = who.tenant.id;
    let runs = (0..8).map(|_| {
        execute(
            &app.services,
            &who,
            Some(&key),
            move |tx| Box::pin(async move { tx.next_counter(tenant, "idem-race").await }),
            |n| reply(*n),
        )
    });
    let results = futures_util::future::join_all(runs).await;
    let replies: Vec<_> = results.into_iter().filter_map(Result::ok).collect();
    assert!(!replies.is_empty());
    assert!(replies.iter().all(|r| r == &reply(1)), "{replies:?}");
    let next = discard(app.store().as_ref(), move |tx| {
        Box::pin(async move { tx.next_counter(tenant, "idem-race").await })
    })
    .await;
    assert_eq!(next, 2);
}
