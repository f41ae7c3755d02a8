//! The request journal's middleware (issue 19 item 1; docs/operations.md "Request
//! journal"): for a request to one of the five vendor APIs, keeps the first bytes of its
//! body as the handler reads it and of its reply, opens the request's [`Note`] (who the
//! caller is, the vendor's operation and outcome), and hands the lot to the journal's
//! queue without waiting. Redaction and the database write happen on the journal's writer,
//! off the request path (`service::journal`).

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpMessage;
use futures_util::Stream;

use crate::domain::user::Api;
use crate::service::journal::{Note, Observed};

use super::observability::RequestId;
use super::AppState;

/// Request headers worth seeing again (credentials among them are masked by the writer).
const REQUEST_HEADERS: [&str; 6] = [
    "content-type",
    "accept",
    "soapaction",
    "user-agent",
    "authorization",
    "idempotency-key",
];
const REPLY_HEADERS: [&str; 4] = [
    "content-type",
    "www-authenticate",
    "retry-after",
    "location",
];
/// Header values and paths are cut at this many bytes.
const TEXT_CAP: usize = 2048;

/// The first `cap` bytes of a body, and whether there were more.
#[derive(Default)]
struct Kept {
    bytes: Vec<u8>,
    truncated: bool,
}

impl Kept {
    fn add(&mut self, chunk: &[u8], cap: usize) {
        let room = cap.saturating_sub(self.bytes.len());
        self.bytes
            .extend_from_slice(&chunk[..chunk.len().min(room)]);
        self.truncated |= chunk.len() > room;
    }
}

/// The request's payload, passed through unchanged, its first bytes kept on the way.
struct Tee {
    inner: Payload,
    kept: Rc<RefCell<Kept>>,
    cap: usize,
}

impl Stream for Tee {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.kept.borrow_mut().add(chunk, self.cap);
        }
        polled
    }
}

pub async fn record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let services = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.services.clone());
    let (Some(services), Some(api)) = (services, super::miss::api_at(req.path())) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if !services.journal.has_room() {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let started = Instant::now();
    let at = services.clock.now();
    let cap = services.journal.settings().body_cap;
    let kept = Rc::new(RefCell::new(Kept::default()));
    let payload = req.take_payload();
    req.set_payload(Payload::Stream {
        payload: Box::pin(Tee {
            inner: payload,
            kept: kept.clone(),
            cap,
        }),
    });
    let method = req.method().as_str().to_owned();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let request_headers = interesting(req.headers(), &REQUEST_HEADERS);
    let request_type = content_type(req.headers());
    let note = Note::default();
    let answered = note.scope(next.call(req)).await;

    let (status, route, reply_headers, reply, result) = match answered {
        Ok(response) => {
            let response = response.map_into_boxed_body();
            let status = response.status().as_u16();
            let route = response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".to_owned());
            let reply_headers = interesting(response.headers(), &REPLY_HEADERS);
            let (http_req, res) = response.into_parts();
            let (res, body) = res.into_parts();
            let mut reply = Kept::default();
            let body = match body.try_into_bytes() {
                Ok(bytes) => {
                    reply.add(&bytes, cap);
                    BoxBody::new(bytes)
                }
                // No vendor reply streams; were one to, the journal says so.
                Err(body) => {
                    reply.add(b"[streamed reply: not kept]", cap);
                    reply.truncated = true;
                    body
                }
            };
            let response = ServiceResponse::new(http_req, res.set_body(body));
            (status, route, reply_headers, reply, Ok(response))
        }
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            (
                status,
                "unmatched".to_owned(),
                Vec::new(),
                Kept::default(),
                Err(error),
            )
        }
    };
    let reply_type = reply_headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .map(|(_, value)| value.to_ascii_lowercase());
    let request = std::mem::take(&mut *kept.borrow_mut());
    let channel = channel(
        api,
        request_type
            .as_deref()
            .filter(|_| !request.bytes.is_empty()),
        reply_type.as_deref(),
    );
    services.journal.submit(Observed {
        at,
        api,
        route,
        channel,
        method,
        path: cut(path),
        status,
        noted: note.taken(),
        latency_us: i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX),
        request_id,
        request_headers,
        reply_headers,
        request_body: request.bytes,
        request_truncated: request.truncated,
        reply_body: reply.bytes,
        reply_truncated: reply.truncated,
    });
    result
}

fn cut(mut text: String) -> String {
    if text.len() > TEXT_CAP {
        let mut end = TEXT_CAP;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn interesting(headers: &HeaderMap, names: &[&'static str]) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?;
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            Some(((*name).to_owned(), cut(text)))
        })
        .collect()
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
}

/// The wire format: the request's `Content-Type` when it had a body, else the reply's.
/// SOAP 1.2 is `application/soap+xml`; XML to Debitsuccess otherwise is SOAP 1.1.
fn channel(api: Api, request: Option<&str>, reply: Option<&str>) -> &'static str {
    let Some(media) = request.or(reply) else {
        return "none";
    };
    if media.starts_with("application/soap+xml") {
        "soap12"
    } else if media.contains("json") {
        "json"
    } else if media.starts_with("application/x-www-form-urlencoded") {
        "form"
    } else if media.contains("xml") && api == Api::Debitsuccess {
        "soap11"
    } else if media.contains("xml") {
        "xml"
    } else {
        "none"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_kept_to_the_cap_and_marked_cut() {
        let mut kept = Kept::default();
        kept.add(b"abc", 5);
        kept.add(b"defg", 5);
        assert_eq!(kept.bytes, b"abcde");
        assert!(kept.truncated);
        let mut exact = Kept::default();
        exact.add(b"abcde", 5);
        assert!(!exact.truncated);
    }

    #[test]
    fn channels_follow_the_media_types() {
        let d = Api::Debitsuccess;
        assert_eq!(channel(d, Some("text/xml; charset=utf-8"), None), "soap11");
        assert_eq!(channel(d, Some("application/soap+xml"), None), "soap12");
        assert_eq!(channel(d, None, Some("text/xml")), "soap11");
        assert_eq!(channel(Api::Crmcom, Some("application/json"), None), "json");
        assert_eq!(channel(Api::Crmcom, None, Some("application/xml")), "xml");
        assert_eq!(channel(Api::Verizon, None, None), "none");
    }
}
