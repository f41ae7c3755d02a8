//! What the admin API's handlers for tenants, users, accounts and audit share: the operator
//! check, query parsing (each parameter at most once, none unknown) and JSON replies that
//! are never cached (they may carry a secret shown once).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::adapters::http::AppState;
use crate::domain::operator::Operator;
use crate::domain::DomainError;

use super::auth::{self, Accepts};
use super::error;

/// The calling operator (Basic or bearer), or the 401 that refuses the request.
pub async fn operator(req: &HttpRequest, state: &AppState) -> Result<Operator, HttpResponse> {
    auth::operator(req, state, Accepts::BasicOrBearer).await
}

/// `body` as JSON with `status`, `Cache-Control: no-store`.
pub fn json(status: StatusCode, body: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// `Ok` as JSON 200, an error as its problem.
pub fn ok_or_problem<T>(
    req: &HttpRequest,
    result: Result<T, DomainError>,
    body: impl FnOnce(T) -> HttpResponse,
) -> HttpResponse {
    match result {
        Ok(value) => body(value),
        Err(e) => error::respond(req, &e),
    }
}

/// The query's values for `NAMES`, in that order: each at most once, none unknown.
pub fn query<const N: usize>(
    query: &str,
    names: [&'static str; N],
) -> Result<[Option<String>; N], DomainError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| DomainError::invalid("query", "not a valid query string"))?
        .into_inner();
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    for (name, value) in pairs {
        let Some(slot) = names.iter().position(|n| *n == name) else {
            return Err(DomainError::invalid(
                "query",
                format!("unknown parameter (expected {})", names.join(", ")),
            ));
        };
        if values[slot].replace(value).is_some() {
            return Err(DomainError::invalid(names[slot], "given more than once"));
        }
    }
    Ok(values)
}

/// A JSON body as `T`; serde's message names the field and the problem, never internals.
pub fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, DomainError> {
    serde_json::from_slice(bytes).map_err(|e| DomainError::invalid("body", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let [a, b] = query("a=1", ["a", "b"]).unwrap();
        assert_eq!((a.as_deref(), b), (Some("1"), None));
        assert!(query("a=1&a=2", ["a", "b"]).is_err());
        assert!(query("c=1", ["a", "b"]).is_err());
    }
}
