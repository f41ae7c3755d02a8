//! Per-request tracing span with `X-Request-Id` (accepted when sane, generated otherwise,
//! always echoed) and Prometheus metrics: requests by API, operation and outcome, and a
//! latency histogram (docs/design.md §7).

use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use futures_util::FutureExt;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

use crate::telemetry::{LogLimiter, LogText, CLIENT_FIELD, PATH_BYTES};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Methods are tokens a client may make up (RFC 9110 §9.1); the standard ones are short.
const METHOD_BYTES: usize = 16;

/// The request's id, for handlers (audit rows carry it).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The API a path belongs to, for metric labels (`service` for none).
pub fn api_of(path: &str) -> &'static str {
    super::miss::api_at(path).map_or("service", |api| api.as_str())
}

fn accepted_id(value: Option<&HeaderValue>) -> Option<String> {
    let text = value?.to_str().ok()?;
    let sane = !text.is_empty() && text.len() <= 128 && text.bytes().all(|b| b.is_ascii_graphic());
    sane.then(|| text.to_owned())
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = accepted_id(req.headers().get(&REQUEST_ID))
        // Time-ordered: the request journal indexes request ids (`domain::journal::ordered_id`).
        .unwrap_or_else(|| crate::domain::journal::ordered_id(chrono::Utc::now()).to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let api = api_of(req.path());
    // The client as the sign-in throttle sees it: behind a trusted proxy, the right-most
    // untrusted X-Forwarded-For hop (see `client_addr`).
    let client = Some(super::client_addr::client_of(req.request()));
    let span = request_span(&request_id, req.method().as_str(), req.path(), api, client);
    // A panic is a bug, never an answer: it must not cost the connection or the worker
    // thread. It becomes a plain 500 (actix renders the error; the request itself is gone,
    // so no X-Request-Id header — the log line carries it).
    let mut response = match AssertUnwindSafe(next.call(req).instrument(span.clone()))
        .catch_unwind()
        .await
    {
        Ok(response) => response?,
        Err(_) => {
            tracing::error!(parent: &span, "handler panicked");
            let labels = [
                ("api", api.to_owned()),
                ("operation", "panic".to_owned()),
                ("outcome", "server_error".to_owned()),
            ];
            metrics::counter!("billing_compat_http_requests_total", &labels).increment(1);
            return Err(actix_web::error::ErrorInternalServerError("internal error"));
        }
    };
    let status = response.status();
    span.record("status", status.as_u16());
    let operation = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let outcome = if status.is_server_error() {
        "server_error"
    } else if status.is_client_error() {
        "client_error"
    } else {
        "ok"
    };
    let labels = [
        ("api", api.to_owned()),
        ("operation", operation),
        ("outcome", outcome.to_owned()),
    ];
    metrics::counter!("billing_compat_http_requests_total", &labels).increment(1);
    metrics::histogram!("billing_compat_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if let Some(client) = client {
        report_suppressed(client);
    }
    Ok(response)
}

/// The per-request span. Everything in it that a client chose is cut and escaped
/// ([`LogText`]): the span's fields are repeated on every line logged inside it. `client`
/// is the address the line budget is kept by ([`LogLimiter`]).
fn request_span(
    request_id: &str,
    method: &str,
    path: &str,
    api: &'static str,
    client: Option<IpAddr>,
) -> tracing::Span {
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %LogText::new(method, METHOD_BYTES),
        path = %LogText::new(path, PATH_BYTES),
        api,
        client = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    if let Some(client) = client {
        span.record(CLIENT_FIELD, tracing::field::display(client));
    }
    span
}

/// Emits the summary of the lines `client` had held back, when one is due. Outside the
/// request span, so it is not itself counted against the client.
fn report_suppressed(client: IpAddr) {
    let Some(suppressed) = LogLimiter::global().summary(client, Instant::now()) else {
        return;
    };
    match suppressed.from {
        Some(from) => tracing::warn!(
            parent: None,
            "{} similar log lines suppressed from {from}",
            suppressed.lines
        ),
        None => tracing::warn!(
            parent: None,
            "{} similar log lines suppressed from other addresses",
            suppressed.lines
        ),
    }
}

/// Business outcomes that travel inside a 200 (a SOAP `Status=Failed`, a CRM.COM error
/// code): adapters record them here so dashboards see them, and the request journal
/// (docs/operations.md "Request journal") stores them with the operation's name.
pub fn record_outcome(api: &'static str, operation: &'static str, outcome: &str) {
    crate::service::journal::note::outcome(
        (operation != "unmatched").then_some(operation),
        outcome,
    );
    metrics::counter!(
        "billing_compat_operations_total",
        "api" => api, "operation" => operation, "outcome" => outcome.to_owned()
    )
    .increment(1);
}

/// The process-wide Prometheus recorder (installed once, even with several servers in
/// one test process).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("duration_seconds".into()),
                &[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            )
            .expect("static bucket list is not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_accepted_only_when_sane() {
        assert_eq!(
            accepted_id(Some(&HeaderValue::from_static("abc-123"))),
            Some("abc-123".into())
        );
        assert_eq!(
            accepted_id(Some(&HeaderValue::from_static("has space"))),
            None
        );
        assert_eq!(
            accepted_id(Some(&HeaderValue::from_str(&"x".repeat(129)).unwrap())),
            None
        );
        assert_eq!(accepted_id(None), None);
    }

    #[actix_web::test]
    async fn a_panicking_handler_becomes_a_500_and_the_next_request_is_served() {
        use actix_web::{middleware::from_fn, test, web, App};
        let app = test::init_service(App::new().wrap(from_fn(observe)).route(
            "/boom",
            web::get().to(|| async {
                if true {
                    panic!("boom")
                }
                "unreachable"
            }),
        ))
        .await;
        for _ in 0..2 {
            let request = test::TestRequest::get().uri("/boom").to_request();
            // The error reaches actix's dispatcher, which answers with its status.
            let error = test::try_call_service(&app, request)
                .await
                .err()
                .expect("an error, not a response");
            assert_eq!(error.as_response_error().status_code(), 500);
        }
    }

    /// A log sink the test can read back.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn refusal_lines_are_short_and_limited_per_client_address() {
        use actix_web::{middleware::from_fn, test, web, App, HttpResponse};
        let sink = Captured::default();
        let writer = sink.clone();
        let subscriber = crate::telemetry::subscriber(
            tracing_subscriber::EnvFilter::new("info"),
            move || writer.clone(),
            false,
        );
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(App::new().wrap(from_fn(observe)).default_service(web::to(
            || async {
                tracing::info!("credentials refused");
                HttpResponse::Unauthorized().finish()
            },
        )))
        .await;
        let path = format!("/api/v2/{}", "a".repeat(7_000));
        let (noisy, quiet) = ("203.0.113.5:4000", "203.0.113.6:4000");
        let started = Instant::now();
        for _ in 0..50 {
            let request = test::TestRequest::get()
                .uri(&path)
                .peer_addr(noisy.parse().unwrap())
                .to_request();
            assert_eq!(test::call_service(&app, request).await.status(), 401);
        }
        let elapsed = started.elapsed();
        let request = test::TestRequest::get()
            .uri(&path)
            .peer_addr(quiet.parse().unwrap())
            .to_request();
        test::call_service(&app, request).await;

        let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let refused: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("credentials refused"))
            .collect();
        let from = |addr: &str| refused.iter().filter(|l| l.contains(addr)).count();
        // 5 a second: the burst, plus what the bucket refilled while the test ran.
        let allowed = 5 + (elapsed.as_secs_f64() * 5.0).ceil() as usize;
        assert!(
            (5..=allowed).contains(&from("client=203.0.113.5")),
            "{}",
            refused.len()
        );
        assert_eq!(from("client=203.0.113.6"), 1, "{log}");
        assert!(
            log.contains("similar log lines suppressed from 203.0.113.5"),
            "{log}"
        );
        for line in log.lines() {
            assert!(line.len() < 400, "a long line: {line}");
            assert!(!line.contains('\u{1b}'), "a colour code: {line}");
        }
        assert!(
            refused[0].contains(&format!("{}…(+", &path[..128])),
            "{log}"
        );
    }

    #[test]
    fn paths_map_to_apis() {
        assert_eq!(api_of("/DSWebService/DSServices.svc"), "debitsuccess");
        assert_eq!(api_of("/api/v2/request/x"), "flolive");
        assert_eq!(api_of("/healthz"), "service");
    }
}
