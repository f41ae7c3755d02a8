//! OpenAPI for the JSON form (docs/design.md §7 "OpenAPI for every REST endpoint"); the SOAP
//! service itself is described by its WSDL at `/DSWebService/DSServices.svc?wsdl`. Schema
//! names carry a `Ds` prefix so they cannot collide with other adapters' in the merged
//! document.

use utoipa::{OpenApi, ToSchema};

use super::amount::Amount;
use super::reply::{
    AccountProduct, AccountResult, AdjustResult, CustomerAccount, NoteType, ResponseNote,
    ResponseStatus, ResultBase,
};

/// `User`: the credentials Debitsuccess issued. Every request carries them in its body;
/// there is no HTTP authentication scheme. Any problem with them is error 02.
#[derive(ToSchema)]
#[schema(as = DsUserCredentials, rename_all = "PascalCase")]
#[allow(dead_code)] // a documentation type: the handler reads the body leniently (rule 100)
pub struct UserDoc {
    id: Option<String>,
    username: String,
    password: String,
}

/// The fields of `AdjustAccountTerminationDate`'s `request` (also accepted wrapped as
/// `{"request": {…}}`). At least one reference is required (error 12016).
#[derive(ToSchema)]
#[schema(as = DsAdjustAccountTerminationDateRequest, rename_all = "PascalCase")]
#[allow(dead_code)] // a documentation type, see `UserDoc`
pub struct AdjustRequestDoc {
    user: UserDoc,
    /// Optional `xs:dateTime`; `0001-01-01T00:00:00` means absent.
    date_created: Option<String>,
    /// Optional message id: repeating it with the same fields replays the first reply,
    /// with other fields fails with 09.
    id: Option<String>,
    #[schema(max_length = 100)]
    request_initiator: Option<String>,
    #[schema(max_length = 15)]
    account_reference_no: Option<String>,
    #[schema(max_length = 50)]
    external_account_reference_no: Option<String>,
    /// `yyyy-MM-dd`; a time of day other than midnight is ignored with warning 14020.
    termination_date: String,
}

/// The fields of `GetCustomerAccountByAccountId`'s `request`.
#[derive(ToSchema)]
#[schema(as = DsGetCustomerAccountByAccountIdRequest, rename_all = "PascalCase")]
#[allow(dead_code)] // a documentation type, see `UserDoc`
pub struct AccountRequestDoc {
    user: UserDoc,
    date_created: Option<String>,
    id: Option<String>,
    #[schema(max_length = 100)]
    request_initiator: Option<String>,
    #[schema(max_length = 15)]
    account_reference_no: Option<String>,
    #[schema(max_length = 50)]
    external_account_reference_no: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    paths(super::json::adjust, super::json::get_account),
    components(schemas(
        UserDoc, AdjustRequestDoc, AccountRequestDoc, ResultBase, AdjustResult, AccountResult,
        CustomerAccount, AccountProduct, ResponseNote, NoteType, ResponseStatus, Amount
    )),
    tags((name = "debitsuccess", description = "Debitsuccess Extended Web Services, JSON form of the SOAP \
        operations (the SOAP service: /DSWebService/DSServices.svc?wsdl). Credentials travel in the body's \
        `User`; business outcomes carry `Status` and `ResponseNotes` codes (README, Debitsuccess)."))
)]
struct DebitsuccessDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    DebitsuccessDoc::openapi()
}
