//! `POST authentication/token` and `POST authentication/token/release` (docs/design.md §6.3;
//! vendor notes A: login takes `username`, `password`, `organisation` and optional `unit`,
//! and answers `data.token`).

use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::negotiation::{to_response, Negotiated, WireError};
use crate::adapters::http::observability::record_outcome;
use crate::adapters::http::AppState;
use crate::service::crmcom::{self, Login};

use super::dto::{
    EmptyData, ErrorReply, LoginBody, Object, ReleaseBody, ReleaseReply, TokenData, TokenReply,
};
use super::envelope::{domain_error, ok_reply};
use super::{accept_body, call_origin, idempotency_key};

const LOGIN: &str = "authentication/token";
const RELEASE: &str = "authentication/token/release";

/// Log in: checks the organisation, then the credentials, and issues a token that expires
/// after one hour without use (configurable). No `Idempotency-Key`: a replay would have to
/// store the token in clear. A user holds at most `crmcom_tokens_per_user` live tokens
/// (the least recently used is released) and mints at a bounded rate (issue 13).
#[utoipa::path(
    post,
    path = "/crmapi/rest/v2/authentication/token",
    tag = "crmcom",
    operation_id = "crmcom_authentication_token",
    request_body(content((LoginBody = "application/json"), (LoginBody = "application/xml"))),
    responses(
        (status = 200, description = "`status.code` OK with `data.token`, or an error code \
            (InvalidCredentialsException, UnknownOrganisationException, MissingParameterException, \
            InvalidParameterException, ServiceUnavailableException — also when the user mints \
            tokens faster than allowed) with `data` null",
            content((TokenReply = "application/json"), (TokenReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: the body cannot be read",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
        (status = 413, description = "RequestTooLargeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 415, description = "UnsupportedMediaTypeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
    )
)]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<Object<LoginBody>>, WireError>,
) -> HttpResponse {
    let body = match accept_body(LOGIN, &[], body) {
        Ok(body) => body,
        Err(reply) => return *reply,
    };
    let origin = call_origin(&req, body.request);
    let format = body.reply;
    let sent = body.body.0;
    let login = Login {
        username: sent.username,
        password: sent.password,
        organisation: sent.organisation,
        unit: sent.unit,
    };
    let policy = crmcom::TokenPolicy {
        idle: state.settings.vendors.crmcom_token_idle,
        per_user: state.settings.vendors.crmcom_tokens_per_user,
    };
    match crmcom::login(&state.services, login, policy, &origin).await {
        Ok(token) => {
            record_outcome("crmcom", LOGIN, "OK");
            to_response(ok_reply(format, TokenData { token }))
        }
        Err(err) => domain_error(format, LOGIN, err),
    }
}

/// Release a token: it answers ReleasedTokenException from then on.
#[utoipa::path(
    post,
    path = "/crmapi/rest/v2/authentication/token/release",
    tag = "crmcom",
    operation_id = "crmcom_authentication_token_release",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Replays the first reply for 24 hours (1-255 visible ASCII characters)")),
    request_body(content((ReleaseBody = "application/json"), (ReleaseBody = "application/xml"))),
    responses(
        (status = 200, description = "`status.code` OK with an empty `data` object, or an error code \
            (InvalidTokenException, ExpiredTokenException, ReleasedTokenException, \
            InvalidParameterException, IdempotencyKeyReusedException, ServiceUnavailableException) \
            with `data` null",
            content((ReleaseReply = "application/json"), (ReleaseReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: the body cannot be read",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
        (status = 413, description = "RequestTooLargeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 415, description = "UnsupportedMediaTypeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
    )
)]
pub async fn release(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<Object<ReleaseBody>>, WireError>,
) -> HttpResponse {
    let body = match accept_body(RELEASE, &[], body) {
        Ok(body) => body,
        Err(reply) => return *reply,
    };
    let origin = call_origin(&req, body.request);
    let format = body.reply;
    let result = async {
        let idempotency = idempotency_key(&req, &body.raw)?;
        crmcom::release(
            &state.services,
            body.body.0.token.as_deref(),
            &origin,
            idempotency.as_ref(),
            move |_| ok_reply(format, EmptyData {}),
        )
        .await
    }
    .await;
    match result {
        Ok(reply) => {
            record_outcome("crmcom", RELEASE, "OK");
            to_response(reply)
        }
        Err(err) => domain_error(format, RELEASE, err),
    }
}
