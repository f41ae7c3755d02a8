//! RFC 9457 problem details for paths that belong to no vendor (issue 14 item 5):
//! `application/problem+json`, or `application/problem+xml` (RFC 9457 Appendix B: the
//! same members as children of `<problem xmlns="urn:ietf:rfc:7807">`) when `Accept` prefers
//! XML. `type` is `about:blank` (RFC 9457 §4.2.1): the status says it all, and `title` is
//! its reason phrase.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use super::miss::Miss;
use super::negotiation::{reply_format, Format};
use super::xml_text::markup as escape;

pub const JSON: &str = "application/problem+json";
pub const XML: &str = "application/problem+xml";
/// RFC 9457 Appendix B keeps RFC 7807's namespace.
pub const XML_NS: &str = "urn:ietf:rfc:7807";

#[derive(Debug, Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
}

/// A problem reply for `status` with `detail`, in the format `Accept` prefers (JSON when it
/// names neither: an error is better sent in a format the client did not ask for than
/// replaced by a 406, RFC 9110 §15.5.7).
pub fn response(req: &HttpRequest, status: StatusCode, detail: &str) -> HttpResponse {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let format = reply_format(accept, Format::Json).unwrap_or(Format::Json);
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
    };
    let (content_type, body) = match format {
        Format::Json => (
            JSON,
            // Four plain fields always serialise; the fallback only keeps the body non-empty.
            serde_json::to_string(&problem).unwrap_or_else(|_| "{}".to_owned()),
        ),
        Format::Xml => (
            XML,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><problem xmlns=\"{XML_NS}\">\
                 <type>{}</type><title>{}</title><status>{}</status><detail>{}</detail></problem>",
                problem.kind,
                escape(problem.title),
                problem.status,
                escape(problem.detail),
            ),
        ),
    };
    let mut response = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(body);
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// A miss on a path no vendor owns.
pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    response(req, miss.status(), &miss.describe(req))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use actix_web::test::TestRequest;

    fn body(response: HttpResponse) -> String {
        let bytes = response.into_body().try_into_bytes().unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn json_by_default_and_xml_when_accept_prefers_it() {
        let req = TestRequest::get().uri("/nope").to_http_request();
        let response = unrouted(&req, &Miss::NotFound);
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), JSON);
        let json: serde_json::Value = serde_json::from_str(&body(response)).unwrap();
        assert_eq!(json["type"], "about:blank");
        assert_eq!(json["title"], "Not Found");
        assert_eq!(json["status"], 404);

        let req = TestRequest::get()
            .uri("/a%3Cb")
            .insert_header(("Accept", "application/problem+xml"))
            .to_http_request();
        let response = super::response(&req, StatusCode::NOT_FOUND, "a <b> & c");
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), XML);
        assert!(body(response)
            .ends_with("<status>404</status><detail>a &lt;b&gt; &amp; c</detail></problem>"));
    }

    #[test]
    fn accept_naming_neither_format_still_gets_json() {
        let req = TestRequest::get()
            .insert_header(("Accept", "text/html"))
            .to_http_request();
        let response = unrouted(&req, &Miss::NotFound);
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), JSON);
    }
}
