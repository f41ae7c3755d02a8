//! `POST /bcws/webresources/v1.0/subscriptions/cancel/bundle` (the Billing Care *Cancel a Bundle* page, docs/design.md §6.4):
//! "Cancels the bundle associated with account/service that is passed in the request
//! payload." JSON or XML in, `true` / `<boolean>true</boolean>` out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::ToSchema;

use crate::adapters::http::negotiation::{render, to_response, Format, WireError};
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::AppState;
use crate::domain::DomainError;
use crate::service::billing_care::cancel_bundle::{
    self, Caller, CancelBundle, Description, Effective,
};
use crate::service::billing_care::refs::RefKind;
use crate::service::idempotency::{self, IdempotentRequest};

use super::access_token::caller;
use super::body::WireBody;
use super::error::{ApiError, OracleError};
use super::wire::Wire;

pub const PATH: &str = "/bcws/webresources/v1.0/subscriptions/cancel/bundle";

macro_rules! resource_ref {
    ($(#[$doc:meta])* $name:ident, $schema:path, $pattern:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Default, ToSchema)]
        #[schema(as = $schema)]
        pub(super) struct $name {
            /// The POID (`<db>+-<type>+<id>`).
            #[schema(value_type = String, required = true, pattern = $pattern, example = $example)]
            id: Option<String>,
            /// The Uniform Resource Identifier (URI) associated with the resource (ignored).
            // Type-checked on the way in but never used: the POID alone names the resource.
            #[allow(dead_code)]
            #[schema(value_type = Option<String>, required = false)]
            uri: Option<String>,
        }
    };
}

resource_ref!(
    /// ResourceRef to the account: an `/account` POID.
    AccountRef, billing_care::AccountRef,
    "^[0-9]+(\\.[0-9]+)*\\+-account(-[a-z0-9_]+)*\\+[0-9]{1,18}$", "0.0.0.1+-account+174257"
);
resource_ref!(
    /// ResourceRef to the service: a `/service…` POID.
    ServiceRef, billing_care::ServiceRef,
    "^[0-9]+(\\.[0-9]+)*\\+-service(-[a-z0-9_]+)*\\+[0-9]{1,18}$", "0.0.0.1+-service-email+175025"
);
resource_ref!(
    /// ResourceRef to the deal: a `/deal` POID.
    DealRef, billing_care::DealRef,
    "^[0-9]+(\\.[0-9]+)*\\+-deal(-[a-z0-9_]+)*\\+[0-9]{1,18}$", "0.0.0.1+-deal+41056"
);

/// The cancel-bundle body (the Billing Care *Cancel a Bundle* page). In XML any root element works (`<cancelBundle>` by
/// convention) with children named as these fields.
#[derive(Debug, Default, ToSchema)]
#[schema(as = billing_care::CancelBundle, xml(name = "cancelBundle"))]
pub(super) struct CancelBundleRequest {
    #[schema(rename = "accountRef", required = true, value_type = AccountRef)]
    account_ref: Option<AccountRef>,
    #[schema(rename = "serviceRef", required = true, value_type = ServiceRef)]
    service_ref: Option<ServiceRef>,
    #[schema(rename = "dealRef", required = true, value_type = DealRef)]
    deal_ref: Option<DealRef>,
    /// The ID of the package; when given it must be the bundle's.
    #[schema(rename = "packageId", required = false, value_type = i32, format = Int32, minimum = -2147483648, maximum = 2147483647)]
    package_id: Option<i32>,
    /// When the cancel takes effect (default: now; later: a scheduled cancel; earlier: now).
    /// RFC 3339; without an offset it is read in the tenant's time zone.
    #[schema(required = false, value_type = String, format = DateTime)]
    effective: Option<String>,
    /// Stored with the cancellation and in the audit event.
    #[schema(required = false, value_type = Option<String>, max_length = 255)]
    description: Option<String>,
    /// Stored with the cancellation and in the audit event.
    #[schema(required = false, value_type = i32, format = Int32, minimum = -2147483648, maximum = 2147483647)]
    flag: Option<i32>,
    /// The extended attributes, any JSON object, stored as sent. In XML its child elements
    /// map to members (see docs/billing-care.md), so member names must be XML names.
    #[schema(required = false, value_type = Object, additional_properties = true)]
    extension: Option<String>,
}

/// A reference's `id` and `uri` as sent (either may be absent).
type IdAndUri = (Option<String>, Option<String>);

/// Type errors name the field and what arrived; XML leaves are text, so numbers are read
/// from text there (and only there).
struct Fields<'a> {
    body: &'a Wire,
    xml: bool,
}

impl Fields<'_> {
    fn text(&self, value: Option<&Wire>, field: &str) -> Result<Option<String>, DomainError> {
        match value {
            None | Some(Wire::Null) => Ok(None),
            Some(Wire::Text(text)) => Ok(Some(text.clone())),
            Some(other) => Err(DomainError::invalid(
                field,
                format!("must be a string, not {}", other.kind()),
            )),
        }
    }

    fn int32(&self, field: &str) -> Result<Option<i32>, DomainError> {
        let bad = |what: String| DomainError::invalid(field, what);
        match self.body.get(field) {
            None | Some(Wire::Null) => Ok(None),
            Some(Wire::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .and_then(|i| i32::try_from(i).ok())
                .map(Some)
                .ok_or_else(|| bad(format!("{n} is not a 32-bit integer"))),
            Some(Wire::Text(text)) if self.xml => text
                .parse::<i32>()
                .map(Some)
                .map_err(|_| bad(format!("'{text}' is not a 32-bit integer"))),
            Some(other) => Err(bad(format!("must be an integer, not {}", other.kind()))),
        }
    }

    fn reference(&self, kind: RefKind) -> Result<Option<IdAndUri>, DomainError> {
        let field = kind.field().trim_end_matches(".id");
        match self.body.get(field) {
            None | Some(Wire::Null) => Ok(None),
            Some(object @ Wire::Object(_)) => {
                let id = match object.get("id") {
                    None | Some(Wire::Null) => None,
                    Some(Wire::Text(id)) => Some(id.clone()),
                    Some(_) => return Err(kind.not_a_string()),
                };
                let uri = self.text(object.get("uri"), &format!("{field}.uri"))?;
                Ok(Some((id, uri)))
            }
            Some(other) => Err(DomainError::invalid(
                field,
                format!("must be an object {{id, uri}}, not {}", other.kind()),
            )),
        }
    }
}

impl CancelBundleRequest {
    fn from_wire(body: &Wire, request: Format) -> Result<Self, DomainError> {
        if !matches!(body, Wire::Object(_)) {
            return Err(DomainError::invalid(
                "body",
                format!(
                    "must be an object of the request's fields, not {}",
                    body.kind()
                ),
            ));
        }
        let f = Fields {
            body,
            xml: request == Format::Xml,
        };
        let account_ref = f.reference(RefKind::Account)?;
        let service_ref = f.reference(RefKind::Service)?;
        let deal_ref = f.reference(RefKind::Deal)?;
        let extension = match body.get("extension") {
            None | Some(Wire::Null) => None,
            Some(object @ Wire::Object(_)) => Some(object.to_json()),
            Some(other) => {
                return Err(DomainError::invalid(
                    "extension",
                    format!("must be an object, not {}", other.kind()),
                ))
            }
        };
        Ok(Self {
            account_ref: account_ref.map(|(id, uri)| AccountRef { id, uri }),
            service_ref: service_ref.map(|(id, uri)| ServiceRef { id, uri }),
            deal_ref: deal_ref.map(|(id, uri)| DealRef { id, uri }),
            package_id: f.int32("packageId")?,
            effective: f.text(body.get("effective"), "effective")?,
            description: f.text(body.get("description"), "description")?,
            flag: f.int32("flag")?,
            extension,
        })
    }
}

impl TryFrom<CancelBundleRequest> for CancelBundle {
    type Error = DomainError;

    fn try_from(dto: CancelBundleRequest) -> Result<Self, DomainError> {
        Ok(CancelBundle {
            account: RefKind::Account.parse(dto.account_ref.and_then(|r| r.id).as_deref())?,
            service: RefKind::Service.parse(dto.service_ref.and_then(|r| r.id).as_deref())?,
            deal: RefKind::Deal.parse(dto.deal_ref.and_then(|r| r.id).as_deref())?,
            package_id: dto.package_id.map(i64::from),
            effective: dto.effective.as_deref().map(Effective::parse).transpose()?,
            description: dto
                .description
                .as_deref()
                .map(Description::parse)
                .transpose()?,
            flag: dto.flag,
            extension: dto.extension,
        })
    }
}

/// Cancels the bundle the account, service and deal name (the Billing Care *Cancel a Bundle* page).
#[utoipa::path(
    post,
    path = "/bcws/webresources/v1.0/subscriptions/cancel/bundle",
    tag = "billing_care",
    operation_id = "billingCareCancelBundle",
    security(("billing_care_bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 255,
            pattern = "^[!-~]+$",
            description = "Replays the first reply for 24 h; reuse with another body is 409")),
    request_body(
        description = "The bundle to cancel. XML: any root element, children named as the JSON fields.",
        content(
            (CancelBundleRequest = "application/json", example = json!({
                "dealRef": {"id": "0.0.0.1+-deal+41056", "uri": null},
                "serviceRef": {"id": "0.0.0.1+-service-email+175025", "uri": null},
                "accountRef": {"id": "0.0.0.1+-account+174257", "uri": null},
                "description": "Charges monthly for 1 email account.",
                "packageId": 1
            })),
            (CancelBundleRequest = "application/xml"),
        )
    ),
    responses(
        (status = 200, description = "The bundle was canceled successfully (or the cancel is scheduled)",
         body = bool, content((bool = "application/json", example = json!(true)), (bool = "application/xml"))),
        (status = 400, description = "BAD REQUEST (400) on null Account Id/Service Id/Deal Id; a malformed or mistyped id, an invalid field or body", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 401, description = "Missing, invalid or expired bearer token", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml")),
         headers(("WWW-Authenticate" = String, description = "Bearer challenge"))),
        (status = 404, description = "No such account, or the account and service hold no such bundle", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 406, description = "Accept names neither JSON nor XML", body = OracleError,
         content((OracleError = "application/json"))),
        (status = 408, description = "The body did not arrive in time", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 409, description = "The bundle is already cancelled (or has a cancel scheduled), or the Idempotency-Key was used with another request", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 413, description = "The body is too large", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 415, description = "The body is neither JSON nor XML", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 500, description = "An internal server error occurred", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 503, description = "The store is unavailable", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
    )
)]
pub async fn cancel_bundle(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<WireBody, WireError>,
) -> HttpResponse {
    let format = match &body {
        Ok(body) => body.reply,
        Err(wire) => wire.reply_format(),
    };
    match handle(&req, &state, body).await {
        Ok(response) => response,
        Err(error) => error.respond(format),
    }
}

async fn handle(
    req: &HttpRequest,
    state: &AppState,
    body: Result<WireBody, WireError>,
) -> Result<HttpResponse, ApiError> {
    // Credentials first: an anonymous caller learns nothing about the body's validity.
    let principal = caller(req, state).await?;
    let body = body.map_err(ApiError::Wire)?;
    let value = body.decode(req).map_err(ApiError::Wire)?;
    let command = CancelBundle::try_from(CancelBundleRequest::from_wire(&value, body.request)?)?;
    let idempotency = match req.headers().get("Idempotency-Key") {
        None => None,
        Some(value) => Some(IdempotentRequest::new(
            value.to_str().unwrap_or("\u{0}"),
            "POST",
            PATH,
            &body.raw,
        )?),
    };
    let services = &state.services;
    let (now, origin) = (services.clock.now(), origin_of(req, body.request.channel()));
    let who = principal.clone();
    let reply_format = body.reply;
    let reply = idempotency::execute(
        services,
        &principal,
        idempotency.as_ref(),
        move |tx| {
            Box::pin(async move {
                let call = Caller {
                    principal: &who,
                    now,
                    origin: &origin,
                };
                cancel_bundle::run(tx, &call, &command).await
            })
        },
        move |_| render(reply_format, StatusCode::OK, "boolean", &true),
    )
    .await?;
    Ok(to_response(reply))
}

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
#[doc(hidden)]
pub fn fuzz_decode(bytes: &[u8], format: Format) {
    let req = actix_web::test::TestRequest::default().to_http_request();
    if let Ok(wire) = super::body::decode(&req, bytes, format, format) {
        let _ = wire.to_json();
        if let Ok(request) = CancelBundleRequest::from_wire(&wire, format) {
            let _ = CancelBundle::try_from(request);
        }
    }
}
