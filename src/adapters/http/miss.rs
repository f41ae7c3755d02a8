//! A request no route answers (issue 14 item 5): no resource at its path (404), or the
//! resource does not take its method (405, with actix's `Allow`). Each vendor adapter turns
//! a miss into its own error shape; other paths get RFC 9457 problem details
//! (`super::problem`). Which API a path belongs to is [`api_at`].

use actix_web::http::StatusCode;
use actix_web::HttpRequest;

use crate::domain::user::Api;

/// The API whose base path `path` is under, if any: its error shape answers a miss there,
/// and its name labels the request's metrics. Debitsuccess's is matched without regard to
/// case, as IIS matches it (`DsWebService` is a known client spelling; see
/// src/adapters/debitsuccess/mod.rs).
pub fn api_at(path: &str) -> Option<Api> {
    let under = |base: &str| {
        path.get(..base.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(base))
            && matches!(path.as_bytes().get(base.len()), None | Some(b'/'))
    };
    if under("/DSWebService") {
        return Some(Api::Debitsuccess);
    }
    let exact = |base: &str| {
        path.strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    [
        ("/api/v2", Api::Flolive),
        ("/crmapi", Api::Crmcom),
        ("/bcws", Api::BillingCare),
        ("/proquest", Api::Verizon),
    ]
    .into_iter()
    .find_map(|(base, api)| exact(base).then_some(api))
}

/// Paths are echoed in error texts; a client may send long ones.
const PATH_CHARS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Miss {
    NotFound,
    /// `allow`: the methods the resource takes, as actix's `Allow` header lists them.
    MethodNotAllowed {
        allow: String,
    },
}

impl Miss {
    pub fn status(&self) -> StatusCode {
        match self {
            Miss::NotFound => StatusCode::NOT_FOUND,
            Miss::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// What went wrong, for people, naming the path (cut to 200 characters).
    pub fn describe(&self, req: &HttpRequest) -> String {
        let path = shortened(req.path());
        match self {
            Miss::NotFound => {
                format!("There is no resource at {path}. GET / lists what this service serves.")
            }
            Miss::MethodNotAllowed { allow } if allow.is_empty() => {
                format!("{path} does not take {}.", shortened(req.method().as_str()))
            }
            Miss::MethodNotAllowed { allow } => format!(
                "{path} does not take {}; it takes {allow}.",
                shortened(req.method().as_str())
            ),
        }
    }
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(PATH_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn paths_belong_to_the_api_whose_base_they_are_under() {
        let cases = [
            ("/DSWebService/DSServices.svc", Some(Api::Debitsuccess)),
            ("/DsWebService/DSServices.svc", Some(Api::Debitsuccess)),
            ("/dswebservice", Some(Api::Debitsuccess)),
            ("/api/v2", Some(Api::Flolive)),
            ("/api/v2/customer/x", Some(Api::Flolive)),
            ("/api/v20", None),
            ("/crmapi/rest/v2/x", Some(Api::Crmcom)),
            ("/bcws/webresources/v1.0/x", Some(Api::BillingCare)),
            ("/proquest/x", Some(Api::Verizon)),
            ("/proquestx", None),
            ("/", None),
            ("/docs/verizon/errors", None),
            ("/é", None),
        ];
        for (path, api) in cases {
            assert_eq!(api_at(path), api, "{path}");
        }
    }

    #[test]
    fn descriptions_name_the_path_and_the_methods() {
        let req = TestRequest::put().uri("/healthz").to_http_request();
        let miss = Miss::MethodNotAllowed {
            allow: "GET".into(),
        };
        assert_eq!(miss.status(), 405);
        assert_eq!(
            miss.describe(&req),
            "/healthz does not take PUT; it takes GET."
        );
        let long = format!("/{}", "a".repeat(500));
        let req = TestRequest::get().uri(&long).to_http_request();
        let text = Miss::NotFound.describe(&req);
        assert!(text.chars().count() < 300, "{text}");
    }
}
