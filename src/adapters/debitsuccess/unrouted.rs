//! A request under `/DSWebService` that no route takes (issue 14 item 5): a SOAP fault,
//! since a SOAP toolkit reads nothing else — `Client` (1.1) / `Sender` (1.2), the message's
//! own fault, with HTTP 404 or 405 in place of the version's usual status, as the 413 and
//! 415 faults do (docs/debitsuccess.md "Faults"). SOAP 1.2 when the `Content-Type` says
//! `application/soap+xml`, SOAP 1.1 otherwise (a GET has no body to tell).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::adapters::http::miss::Miss;

use super::soap::envelope::{Fault, SoapVersion};
use super::soap::media_type;

pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let version = match SoapVersion::of_media_type(&media_type(content_type).0) {
        Some(SoapVersion::V12) => SoapVersion::V12,
        _ => SoapVersion::V11,
    };
    let reason = match miss {
        Miss::NotFound => format!(
            "{} The service is at {}.",
            miss.describe(req),
            super::SERVICE_PATH
        ),
        Miss::MethodNotAllowed { .. } => miss.describe(req),
    };
    Fault::sender(reason)
        .with_status(miss.status())
        .response(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use actix_web::test::TestRequest;

    fn text(response: HttpResponse) -> String {
        String::from_utf8(response.into_body().try_into_bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn soap_12_only_when_the_content_type_says_so() {
        let req = TestRequest::post()
            .uri("/DSWebService/Nope.svc")
            .insert_header(("Content-Type", "application/soap+xml; charset=utf-8"))
            .to_http_request();
        let response = unrouted(&req, &Miss::NotFound);
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            SoapVersion::V12.content_type()
        );
        assert!(text(response).contains("<s:Value>s:Sender</s:Value>"));

        let req = TestRequest::put()
            .uri("/DSWebService/DSServices.svc")
            .to_http_request();
        let miss = Miss::MethodNotAllowed {
            allow: "POST, GET".into(),
        };
        let response = unrouted(&req, &miss);
        assert_eq!(response.status(), 405);
        assert!(text(response).contains("<faultcode>s:Client</faultcode>"));
    }
}
