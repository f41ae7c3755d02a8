//! `conax_sms_sas/provisioning_requests/…`: `cancel_subscriptions` (the CRM.COM *cancel_subscriptions* page),
//! `add_subscriptions` (same shape), `show` and `list` (vendor notes A).

use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::negotiation::{reply_format_of, to_response, Negotiated, WireError};
use crate::adapters::http::observability::record_outcome;
use crate::adapters::http::AppState;
use crate::domain::provisioning::ProvisioningType;
use crate::service::crmcom::{self, ProvisioningCommand, ProvisioningRequestIdentifier};

use super::conax;
use super::dto::{
    ErrorReply, Object, ProvisioningBody, ProvisioningListReply, ProvisioningReply,
    ProvisioningRequestDto,
};
use super::envelope::{domain_error, invalid_request, ok_reply, wire_error};
use super::query::Params;
use super::{accept_body, call_origin, idempotency_key};

const CANCEL: &str = "conax_sms_sas/provisioning_requests/cancel_subscriptions";
const ADD: &str = "conax_sms_sas/provisioning_requests/add_subscriptions";
const SHOW: &str = "conax_sms_sas/provisioning_requests/show";
const LIST: &str = "conax_sms_sas/provisioning_requests/list";

/// "This method is creating Cancel Subscriptions provisioning requests in a pending life
/// cycle state, by specifying the service and the smartcard that should be cancelled, and
/// the subscription that the service should belong to" (the CRM.COM *cancel_subscriptions* page).
#[utoipa::path(
    post,
    path = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/cancel_subscriptions",
    tag = "crmcom",
    operation_id = "crmcom_conax_cancel_subscriptions",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Replays the first reply for 24 hours (1-255 visible ASCII characters)")),
    request_body(content((ProvisioningBody = "application/json"), (ProvisioningBody = "application/xml"))),
    responses(
        (status = 200, description = "`status.code` OK with the new PENDING request as `data`, \
            or an error code with `data` null (see the README's CRM.COM code table)",
            content((ProvisioningReply = "application/json"), (ProvisioningReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: the body cannot be read",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
        (status = 413, description = "RequestTooLargeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 415, description = "UnsupportedMediaTypeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
    )
)]
pub async fn cancel_subscriptions(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<Object<ProvisioningBody>>, WireError>,
) -> HttpResponse {
    provision(
        ProvisioningType::CancelSubscriptions,
        CANCEL,
        req,
        state,
        body,
    )
    .await
}

/// The add twin of `cancel_subscriptions`: same parameters, an `ADD_SUBSCRIPTIONS` request.
#[utoipa::path(
    post,
    path = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/add_subscriptions",
    tag = "crmcom",
    operation_id = "crmcom_conax_add_subscriptions",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Replays the first reply for 24 hours (1-255 visible ASCII characters)")),
    request_body(content((ProvisioningBody = "application/json"), (ProvisioningBody = "application/xml"))),
    responses(
        (status = 200, description = "`status.code` OK with the new PENDING request as `data`, \
            or an error code with `data` null (see the README's CRM.COM code table)",
            content((ProvisioningReply = "application/json"), (ProvisioningReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: the body cannot be read",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
        (status = 413, description = "RequestTooLargeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 415, description = "UnsupportedMediaTypeException",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
    )
)]
pub async fn add_subscriptions(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<Object<ProvisioningBody>>, WireError>,
) -> HttpResponse {
    provision(ProvisioningType::AddSubscriptions, ADD, req, state, body).await
}

/// Token first (CRM.COM refuses an unusable token whatever else is wrong), then the
/// parameters, then the rules inside the use-case.
async fn provision(
    kind: ProvisioningType,
    operation: &'static str,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<Object<ProvisioningBody>>, WireError>,
) -> HttpResponse {
    let body = match accept_body(operation, ProvisioningBody::OBJECTS, body) {
        Ok(body) => body,
        Err(reply) => return *reply,
    };
    let origin = call_origin(&req, body.request);
    let format = body.reply;
    let services = &state.services;
    let idle = state.settings.vendors.crmcom_token_idle;
    let (token, raw) = body.body.0.into_parts();
    let result = async {
        let session = crmcom::authenticate(services, token.as_deref(), idle).await?;
        let idempotency = idempotency_key(&req, &body.raw)?;
        let command = ProvisioningCommand::parse(kind, raw)?;
        let zone = session.principal.tenant.time_zone.tz();
        crmcom::create(
            services,
            &session,
            command,
            &origin,
            idempotency.as_ref(),
            conax::request_text,
            move |r| ok_reply(format, ProvisioningRequestDto::from_domain(r, zone)),
        )
        .await
    }
    .await;
    match result {
        Ok(reply) => {
            record_outcome("crmcom", operation, "OK");
            to_response(reply)
        }
        Err(err) => domain_error(format, operation, err),
    }
}

/// One request of the caller's organisation, by id or number.
#[utoipa::path(
    get,
    path = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/show",
    tag = "crmcom",
    operation_id = "crmcom_conax_provisioning_requests_show",
    params(
        ("token" = Option<String>, Query, description = "The token retrieved from the login method"),
        ("provisioning_request_identifier" = Option<String>, Query,
            description = "CRM.COM form of the identifier: `id=<id>` or `number=<number>` \
            (a JSON object such as `{\"number\":\"PR000001\"}` is read too)"),
        ("provisioning_request_identifier[id]" = Option<String>, Query,
            description = "The identifier's `id` field (also `provisioning_request_identifier.id`)"),
        ("provisioning_request_identifier[number]" = Option<String>, Query,
            description = "The identifier's `number` field (also `provisioning_request_identifier.number`)"),
    ),
    responses(
        (status = 200, description = "`status.code` OK with the request as `data`, or an error \
            code with `data` null (see the README's CRM.COM code table)",
            content((ProvisioningReply = "application/json"), (ProvisioningReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: a parameter is given twice",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
    )
)]
pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let format = match reply_format_of(&req) {
        Ok(format) => format,
        Err(err) => return wire_error(SHOW, err),
    };
    let params = match Params::parse(req.query_string()) {
        Ok(params) => params,
        Err(message) => return invalid_request(format, SHOW, message),
    };
    let services = &state.services;
    let idle = state.settings.vendors.crmcom_token_idle;
    let result = async {
        let session = crmcom::authenticate(services, params.token(), idle).await?;
        let identifier = ProvisioningRequestIdentifier::parse(params.identifier()?)?;
        let found = crmcom::show(services, &session, &identifier).await?;
        let zone = session.principal.tenant.time_zone.tz();
        Ok(ProvisioningRequestDto::from_domain(&found, zone))
    }
    .await;
    match result {
        Ok(dto) => {
            record_outcome("crmcom", SHOW, "OK");
            to_response(ok_reply(format, dto))
        }
        Err(err) => domain_error(format, SHOW, err),
    }
}

/// The caller's organisation's requests, oldest first, filtered and paged.
#[utoipa::path(
    get,
    path = "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/list",
    tag = "crmcom",
    operation_id = "crmcom_conax_provisioning_requests_list",
    params(
        ("token" = Option<String>, Query, description = "The token retrieved from the login method"),
        ("type" = Option<String>, Query, description = "Only requests of this type, e.g. \
            `CANCEL_SUBSCRIPTIONS` (any type CRM.COM documents is accepted)"),
        ("life_cycle_state" = Option<String>, Query, description = "`PENDING`, `REJECTED` or `COMPLETED`"),
        ("number_of_results" = Option<i32>, Query, description = "Page size, 1-500 (default 50)"),
        ("offset" = Option<i32>, Query, description = "Requests to skip, 0 or more (default 0)"),
    ),
    responses(
        (status = 200, description = "`status.code` OK with an array of requests as `data`, or an \
            error code with `data` null (see the README's CRM.COM code table)",
            content((ProvisioningListReply = "application/json"), (ProvisioningListReply = "application/xml"))),
        (status = 400, description = "InvalidRequestException: a parameter is given twice or an \
            integer parameter is not an integer",
            content((ErrorReply = "application/json"), (ErrorReply = "application/xml"))),
        (status = 406, description = "NotAcceptableException", body = ErrorReply),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let format = match reply_format_of(&req) {
        Ok(format) => format,
        Err(err) => return wire_error(LIST, err),
    };
    let (params, query) =
        match Params::parse(req.query_string()).and_then(|p| p.list_query().map(|q| (p, q))) {
            Ok(parsed) => parsed,
            Err(message) => return invalid_request(format, LIST, message),
        };
    let services = &state.services;
    let idle = state.settings.vendors.crmcom_token_idle;
    let result = async {
        let session = crmcom::authenticate(services, params.token(), idle).await?;
        let found = crmcom::list(services, &session, query).await?;
        let zone = session.principal.tenant.time_zone.tz();
        Ok::<_, crate::domain::DomainError>(
            found
                .iter()
                .map(|r| ProvisioningRequestDto::from_domain(r, zone))
                .collect::<Vec<_>>(),
        )
    }
    .await;
    match result {
        Ok(dtos) => {
            record_outcome("crmcom", LIST, "OK");
            to_response(ok_reply(format, dtos))
        }
        Err(err) => domain_error(format, LIST, err),
    }
}
