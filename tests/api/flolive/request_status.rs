//! `GET /api/v2/request/{requestId}`: the requestor follows its requests; nobody else sees them.

use super::*;
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_status_is_readable_in_xml() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    let request = app
        .client
        .get(app.url(&format!("/api/v2/request/{request_id}")))
        .header("Accept", "application/xml");
    let reply = send(authorize(request, PARENT_BASIC)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/xml; charset=utf-8");
    assert_eq!(
        reply.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><errorCode/><errorMessage/>\
             <content><requestId>{request_id}</requestId><status>IN_PROGRESS</status>\
             <productInstanceId>{ON_NORTH}</productInstanceId><errorCode/><errorMessage/></content>\
             <pageable><page>0</page><size>10</size><totalPages>1</totalPages><totalElements>1</totalElements></pageable></response>"
        )
    );
}

#[tokio::test]
async fn unknown_and_malformed_request_ids_are_refused() {
    let app = spawn_app().await;
    let reply = request_status(&app, PARENT_KEY, "ff74dca6-8e7f-4b85-a42b-13860913b370").await;
    assert_nak(
        &reply,
        404,
        STATUS_FAILED.0,
        STATUS_FAILED.1,
        "request not found",
    );
    let reply = request_status(&app, PARENT_KEY, "ff74dca6").await;
    assert_nak(
        &reply,
        400,
        STATUS_FAILED.0,
        STATUS_FAILED.1,
        "invalid request id: 'ff74dca6' is not a UUID",
    );
}

#[tokio::test]
async fn other_requestors_and_other_tenants_do_not_see_a_request() {
    let app = spawn_app().await;
    let request_id = detach(&app, PARENT_KEY, NORTH, ON_NORTH).await.request_id();
    assert_eq!(
        request_status(&app, PARENT_BASIC, &request_id).await.status,
        200
    );
    for auth in [NORTH_BASIC, GLOBEX_KEY] {
        let reply = request_status(&app, auth, &request_id).await;
        assert_nak(
            &reply,
            404,
            STATUS_FAILED.0,
            STATUS_FAILED.1,
            "request not found",
        );
    }
}
