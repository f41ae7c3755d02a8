//! Credentials: argon2id passwords with a brief cache that a password change defeats at
//! once; API keys; one undifferentiated refusal.

use billing_compat::domain::user::Api;
use billing_compat::domain::DomainError;
use std::net::{IpAddr, Ipv4Addr};

use billing_compat::service::auth::{hash_password, Attempt};

use crate::helpers::spawn_app;

fn here<'a>(username: &'a str, password: &'a str) -> Attempt<'a> {
    Attempt {
        username,
        password,
        source: IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

#[tokio::test]
async fn right_password_wrong_password_unknown_user_and_wrong_api() {
    let app = spawn_app().await;
    let (auth, store) = (&app.services.auth, app.store());
    let ok = auth
        .password(
            store.as_ref(),
            here("ds-gym", "Gym-Pass-2024"),
            Api::Debitsuccess,
        )
        .await
        .unwrap();
    assert_eq!(ok.tenant.code.as_str(), "acme");
    for (user, pass, api) in [
        ("ds-gym", "wrong", Api::Debitsuccess),
        ("nobody", "Gym-Pass-2024", Api::Debitsuccess),
        ("ds-gym", "Gym-Pass-2024", Api::Flolive),
    ] {
        let err = auth
            .password(store.as_ref(), here(user, pass), api)
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::Unauthenticated),
            "{user}/{api}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_password_change_takes_effect_at_once_despite_the_cache() {
    let app = spawn_app().await;
    let (auth, store) = (&app.services.auth, app.store());
    let user = auth
        .password(
            store.as_ref(),
            here("ds-gym", "Gym-Pass-2024"),
            Api::Debitsuccess,
        )
        .await
        .unwrap();
    let (id, hash) = (user.user_id, hash_password("New-Pass-2025").unwrap());
    crate::helpers::write(store.as_ref(), move |tx| {
        Box::pin(async move { tx.set_password_hash(id, &hash).await })
    })
    .await;
    assert!(auth
        .password(
            store.as_ref(),
            here("ds-gym", "Gym-Pass-2024"),
            Api::Debitsuccess
        )
        .await
        .is_err());
    assert!(auth
        .password(
            store.as_ref(),
            here("ds-gym", "New-Pass-2025"),
            Api::Debitsuccess
        )
        .await
        .is_ok());
}

#[tokio::test]
async fn api_keys_authenticate_for_their_apis_only() {
    let app = spawn_app().await;
    let (auth, store) = (&app.services.auth, app.store());
    let who = auth
        .api_key(store.as_ref(), "acme-flolive-key", Api::Flolive)
        .await
        .unwrap();
    assert_eq!(who.username.as_str(), "flo-parent");
    assert!(auth
        .api_key(store.as_ref(), "acme-flolive-key", Api::Verizon)
        .await
        .is_err());
    assert!(auth
        .api_key(store.as_ref(), "not-a-key", Api::Flolive)
        .await
        .is_err());
}
