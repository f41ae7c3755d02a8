//! The JSON form (docs/design.md §6.1, last point): `POST /DSWebService/DSServices.svc/json/<Operation>`
//! with the `request` object's fields as JSON (or XML), replying the Result's fields as JSON
//! or XML per `Accept`. Unlike SOAP, where every business outcome is HTTP 200 with `Status`,
//! the JSON form also says it in the HTTP status (docs/debitsuccess.md, "JSON form"), as a REST client expects.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::adapters::http::negotiation::{negotiated_body, Format, WireError};
use crate::adapters::http::observability::record_outcome;
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::xml_gate::XmlLimits;
use crate::adapters::http::AppState;
use crate::service::debitsuccess::{adjust_termination_date, customer_account};

use super::error::{validation_note, UNKNOWN_EXCEPTION, VALIDATION_ERROR};
use super::fields::{Fields, Namespaces};
use super::openapi::{AccountRequestDoc, AdjustRequestDoc};
use super::reply::{
    account_result, adjust_result, date_created, AccountResult, AdjustResult, NoteType,
    ResponseNote, ResponseStatus, ResultBase,
};
use super::result_xml::{document, ResultXml};
use super::soap::decode::{unreadable, Message, Operation};
use super::xml_tree;

/// The HTTP status of a reply: 200 on success, else by its first error code.
pub fn status_of(base: &ResultBase) -> StatusCode {
    match base.error_code() {
        None => StatusCode::OK,
        Some("02") => StatusCode::UNAUTHORIZED,
        Some("100" | "13203" | "12016") => StatusCode::BAD_REQUEST,
        Some("08") => StatusCode::NOT_FOUND,
        Some("07" | "09") => StatusCode::CONFLICT,
        Some("01" | "11") => StatusCode::SERVICE_UNAVAILABLE,
        Some("06") => StatusCode::INTERNAL_SERVER_ERROR,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Sets or modifies an account's termination (expected end) date; the total contract value is not recalculated.
#[utoipa::path(
    post,
    path = "/DSWebService/DSServices.svc/json/AdjustAccountTerminationDate",
    tag = "debitsuccess",
    operation_id = "debitsuccess_AdjustAccountTerminationDate",
    request_body(
        description = "The request's fields (credentials in `User`), as JSON or XML (any root element, children named as the fields).",
        content((AdjustRequestDoc = "application/json"), (AdjustRequestDoc = "application/xml"))
    ),
    responses(
        (status = 200, description = "Succeed: note 00 (warnings such as 14020 may come first)", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 400, description = "100 (not of its type / unreadable body), 13203 (too long), 12016 (no reference)", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 401, description = "02 Invalid user credentials", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 404, description = "08 There is no record found with this criteria", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 406, description = "100: no acceptable reply format (ask for JSON or XML)", content((AdjustResult = "application/json"))),
        (status = 409, description = "07 Multiple accounts found; 09 request Id reused with other fields", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 413, description = "100: the body is larger than the limit", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 415, description = "100: the Content-Type is neither JSON nor XML", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 422, description = "10 Account is not active; 14091 in the past; 14079 already billed", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 500, description = "06 Unknown exception", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
        (status = 503, description = "01 Server not available; 11 Timeout/Deadlock, please retry", content((AdjustResult = "application/json"), (AdjustResult = "application/xml"))),
    )
)]
pub async fn adjust(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    handle(Operation::AdjustAccountTerminationDate, req, payload, state).await
}

/// Reads one account with its product instances, as every API sees it.
#[utoipa::path(
    post,
    path = "/DSWebService/DSServices.svc/json/GetCustomerAccountByAccountId",
    tag = "debitsuccess",
    operation_id = "debitsuccess_GetCustomerAccountByAccountId",
    request_body(
        description = "The request's fields (credentials in `User`), as JSON or XML (any root element, children named as the fields).",
        content((AccountRequestDoc = "application/json"), (AccountRequestDoc = "application/xml"))
    ),
    responses(
        (status = 200, description = "Succeed: note 00 (warnings such as 14020 may come first)", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 400, description = "100 (not of its type / unreadable body), 13203 (too long), 12016 (no reference)", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 401, description = "02 Invalid user credentials", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 404, description = "08 There is no record found with this criteria", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 406, description = "100: no acceptable reply format (ask for JSON or XML)", content((AccountResult = "application/json"))),
        (status = 409, description = "07 Multiple accounts found; 09 request Id reused with other fields", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 413, description = "100: the body is larger than the limit", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 415, description = "100: the Content-Type is neither JSON nor XML", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 422, description = "10 Account is not active; 14091 in the past; 14079 already billed", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 500, description = "06 Unknown exception", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
        (status = 503, description = "01 Server not available; 11 Timeout/Deadlock, please retry", content((AccountResult = "application/json"), (AccountResult = "application/xml"))),
    )
)]
pub async fn get_account(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    handle(
        Operation::GetCustomerAccountByAccountId,
        req,
        payload,
        state,
    )
    .await
}

async fn handle(
    operation: Operation,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let mut payload = payload.into_inner();
    let (body, request, reply) = match negotiated_body(&req, &mut payload).await {
        Ok(negotiated) => negotiated,
        Err(error) => return protocol(operation, error.reply_format(), &error),
    };
    let fields = match decode(request, reply, &body, state.settings.xml) {
        Ok(fields) => fields,
        Err(error) => return protocol(operation, reply, &error),
    };
    let origin = origin_of(&req, request.channel());
    let services = &state.services;
    match Message::from_fields(operation, fields) {
        Message::Adjust(m) => {
            let result = adjust_termination_date(services, &m, &origin, None, adjust_result).await;
            respond(
                operation,
                reply,
                result.unwrap_or_else(|e| internal(&e, |base| AdjustResult { base })),
            )
        }
        Message::GetAccount(m) => {
            let result = customer_account(services, &m, &origin, None, account_result).await;
            respond(
                operation,
                reply,
                result.unwrap_or_else(|e| {
                    internal(&e, |base| AccountResult {
                        base,
                        account: None,
                    })
                }),
            )
        }
    }
}

fn decode(
    request: Format,
    reply: Format,
    body: &[u8],
    limits: XmlLimits,
) -> Result<Fields, WireError> {
    match request {
        Format::Json => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(object)) => Ok(Fields::from_json(&object)),
            Ok(_) => Err(WireError::Malformed {
                format: "JSON",
                message: "the body must be a JSON object holding the request's fields".into(),
                reply,
            }),
            Err(e) => Err(WireError::Malformed {
                format: "JSON",
                message: e.to_string(),
                reply,
            }),
        },
        Format::Xml => match xml_tree::parse(body, limits) {
            Ok(root) => Ok(Fields::from_xml(
                Some(&root),
                Namespaces::DataContractOrNone,
            )),
            Err(e) => Err(WireError::Malformed {
                format: "XML",
                message: unreadable(&e).reason,
                reply,
            }),
        },
    }
}

/// A body we could not take: a Failed reply with code 100 and the protocol's status.
fn protocol(operation: Operation, reply: Format, error: &WireError) -> HttpResponse {
    let base = failed_base(VALIDATION_ERROR, validation_note(error));
    let status = error.status();
    match operation {
        Operation::AdjustAccountTerminationDate => {
            render(operation, reply, status, &AdjustResult { base })
        }
        Operation::GetCustomerAccountByAccountId => render(
            operation,
            reply,
            status,
            &AccountResult {
                base,
                account: None,
            },
        ),
    }
}

/// An internal error: logged by the caller's chain, answered 500 with code 06.
fn internal<R>(error: &crate::domain::DomainError, build: impl FnOnce(ResultBase) -> R) -> R {
    tracing::error!(?error, "debitsuccess JSON request failed");
    build(failed_base(
        UNKNOWN_EXCEPTION,
        "Unknown exception".to_owned(),
    ))
}

fn failed_base(code: &str, note: String) -> ResultBase {
    ResultBase {
        date_created: date_created(chrono::Utc::now(), Default::default()),
        id: uuid::Uuid::new_v4().to_string(),
        response_notes: vec![ResponseNote {
            code: code.to_owned(),
            note,
            note_type: NoteType::Error,
        }],
        status: ResponseStatus::Failed,
    }
}

fn respond<R: ResultXml + Serialize>(
    operation: Operation,
    reply: Format,
    result: R,
) -> HttpResponse {
    record_outcome(
        "debitsuccess",
        operation.name(),
        result.base().error_code().unwrap_or("00"),
    );
    render(operation, reply, status_of(result.base()), &result)
}

fn render<R: ResultXml + Serialize>(
    operation: Operation,
    format: Format,
    status: StatusCode,
    result: &R,
) -> HttpResponse {
    let body = match format {
        Format::Json => serde_json::to_string(result).unwrap_or_else(|error| {
            tracing::error!(%error, "reply could not be serialised");
            String::from("{}")
        }),
        Format::Xml => document(operation, result),
    };
    HttpResponse::build(status)
        .content_type(format.content_type())
        .body(body)
}

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
#[doc(hidden)]
pub fn fuzz_decode(bytes: &[u8], format: Format) {
    if let Ok(fields) = decode(format, format, bytes, XmlLimits::default()) {
        for operation in Operation::ALL {
            let _ = Message::from_fields(operation, fields.clone());
        }
    }
}
