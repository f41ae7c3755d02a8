//! Authentication (HTTP Basic or Bearer API key) and the requestor (the user's customer).

use billing_compat::domain::ids::ApiUserId;
use billing_compat::domain::store::NewApiUser;
use billing_compat::domain::user::{Api, ApiSet, Username};
use billing_compat::service::auth::{hash_api_key, hash_password};

use super::*;
use crate::helpers::spawn_app;

const CHALLENGE: &str = r#"Basic realm="floLIVE", Bearer realm="floLIVE""#;

#[tokio::test]
async fn every_credential_failure_gets_one_undifferentiated_401() {
    let app = spawn_app().await;
    let mut bodies = Vec::new();
    for auth in [
        Auth::None,
        Auth::Basic("flo-parent", "wrong"),
        Auth::Basic("nobody", "Flo-Pass-2024"),
        // A real user without the floLIVE API, and another API's key.
        Auth::Basic("ds-gym", "Gym-Pass-2024"),
        Auth::Bearer("acme-verizon-key"),
        Auth::Bearer("not-a-key"),
        Auth::Header("Digest username=flo-parent"),
        Auth::Header("Basic !!!"),
    ] {
        for reply in [
            detach(&app, auth, NORTH, ON_NORTH).await,
            attach(
                &app,
                auth,
                NORTH,
                serde_json::json!({ "productId": DATA_1GB }),
            )
            .await,
            request_status(&app, auth, HOLDINGS).await,
        ] {
            assert_nak(&reply, 401, "AUTH_1001", "Authentication failed", "Bearer");
            assert_eq!(reply.headers["www-authenticate"], CHALLENGE, "{auth:?}");
            bodies.push(reply.body);
        }
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "never reveal which part was wrong");
    assert_eq!(
        instance_status(&app, ON_NORTH).await,
        billing_compat::domain::catalog::InstanceStatus::Active
    );
}

#[tokio::test]
async fn a_user_acting_for_no_customer_is_forbidden() {
    let app = spawn_app().await;
    crate::helpers::write(app.store().as_ref(), |tx| {
        Box::pin(async move {
            let acme = tx
                .tenant_by_code(&TenantCode::parse("acme").unwrap())
                .await?
                .expect("acme exists");
            tx.insert_user(&NewApiUser {
                id: ApiUserId::new(),
                tenant: acme.id,
                username: Username::parse("flo-nobody").unwrap(),
                password_hash: hash_password("Flo-Nobody-2024").unwrap(),
                api_key_hash: Some(hash_api_key("flo-nobody-key")),
                apis: ApiSet::new([Api::Flolive]),
                customer: None,
            })
            .await
        })
    })
    .await;
    for auth in [
        Auth::Bearer("flo-nobody-key"),
        Auth::Basic("flo-nobody", "Flo-Nobody-2024"),
    ] {
        for reply in [
            detach(&app, auth, NORTH, ON_NORTH).await,
            attach(
                &app,
                auth,
                NORTH,
                serde_json::json!({ "productId": DATA_1GB }),
            )
            .await,
            request_status(&app, auth, HOLDINGS).await,
        ] {
            assert_nak(
                &reply,
                403,
                "AUTH_1003",
                "Access denied",
                "user 'flo-nobody' does not act for a customer",
            );
        }
    }
}
