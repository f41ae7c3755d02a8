//! `--log-format` (issue 14, item 9; docs/operations.md "Logs"): text lines for people, or
//! one JSON object per line for log collectors. Both carry the request span's fields
//! (`request_id`, `client`…) and both pass through the per-client line limit.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::EnvFilter;

use super::limit_layer::LimitLayer;
use super::log_limit::LogLimiter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `tracing`'s text lines; colour codes only on a terminal.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `message` and the event's fields at
    /// the top, the innermost span under `span` and every enclosing span under `spans`.
    Json,
}

/// The JSON-lines subscriber. `spans` lists every span the event is in, outermost first,
/// so the request's `request_id` is there even when a use-case's own span is the
/// innermost one (`span`).
pub fn json_subscriber<W>(filter: EnvFilter, sink: W) -> impl Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(true)
        .with_env_filter(filter)
        .with_writer(sink)
        .with_target(false)
        .finish()
        .with(LimitLayer::new(LogLimiter::global()))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::{middleware::from_fn, test, web, App, HttpResponse};
    use serde_json::Value;

    use super::*;
    use crate::adapters::http::observability::observe;

    /// A log sink the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Every line of `log`, each of which must be one JSON object.
    fn objects(log: &[u8]) -> Vec<serde_json::Map<String, Value>> {
        let log = std::str::from_utf8(log).unwrap();
        assert!(log.ends_with('\n'), "{log}");
        log.lines()
            .map(|line| match serde_json::from_str(line) {
                Ok(Value::Object(object)) => object,
                other => panic!("not one JSON object: {line} ({other:?})"),
            })
            .collect()
    }

    /// The `request_id` of the request span an object was logged in.
    fn request_id(object: &serde_json::Map<String, Value>) -> Option<&str> {
        object["spans"]
            .as_array()?
            .iter()
            .find(|span| span["name"] == "request")?["request_id"]
            .as_str()
    }

    #[actix_web::test]
    async fn json_lines_are_one_object_each_and_carry_the_request_id_and_client() {
        let sink = Captured::default();
        let writer = sink.clone();
        let subscriber = json_subscriber(EnvFilter::new("info"), move || writer.clone());
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(App::new().wrap(from_fn(observe)).default_service(web::to(
            || async {
                // A use-case's own span inside the request's: the id must still be there.
                let span = tracing::info_span!("use_case", step = 1);
                let _entered = span.enter();
                // A message with a line break and a quote stays on its line.
                tracing::info!(tenant = "acme", "credentials \"refused\"\nsecond line");
                HttpResponse::Unauthorized().finish()
            },
        )))
        .await;
        let request = test::TestRequest::get()
            .uri("/api/v2/customer")
            .insert_header(("X-Request-Id", "req-json-1"))
            .peer_addr("198.51.100.7:4000".parse().unwrap())
            .to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 401);

        let log = sink.0.lock().unwrap().clone();
        let objects = objects(&log);
        let refused: Vec<_> = objects
            .iter()
            .filter(|o| o["message"] == "credentials \"refused\"\nsecond line")
            .collect();
        assert_eq!(refused.len(), 1, "{}", String::from_utf8_lossy(&log));
        let line = refused[0];
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["tenant"], "acme");
        assert_eq!(request_id(line), Some("req-json-1"));
        assert_eq!(line["span"]["name"], "use_case");
        let request = &line["spans"][0];
        assert_eq!(request["client"], "198.51.100.7");
        assert_eq!(request["path"], "/api/v2/customer");
        assert!(!String::from_utf8_lossy(&log).contains('\u{1b}'));
    }

    #[actix_web::test]
    async fn the_per_client_line_limit_holds_in_json_too() {
        let sink = Captured::default();
        let writer = sink.clone();
        let subscriber = json_subscriber(EnvFilter::new("info"), move || writer.clone());
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(App::new().wrap(from_fn(observe)).default_service(web::to(
            || async {
                tracing::info!("json refusal");
                HttpResponse::Unauthorized().finish()
            },
        )))
        .await;
        let started = std::time::Instant::now();
        for _ in 0..50 {
            let request = test::TestRequest::get()
                .uri("/x")
                .peer_addr("203.0.113.77:4000".parse().unwrap())
                .to_request();
            test::call_service(&app, request).await;
        }
        let elapsed = started.elapsed();
        let objects = objects(&sink.0.lock().unwrap());
        let refused = objects
            .iter()
            .filter(|o| o["message"] == "json refusal")
            .count();
        // 5 a second: the burst, plus what the bucket refilled while the test ran.
        let allowed = 5 + (elapsed.as_secs_f64() * 5.0).ceil() as usize;
        assert!((5..=allowed).contains(&refused), "{refused} lines");
        assert!(objects.iter().any(|o| o["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("similar log lines suppressed from 203.0.113.77"))));
    }
}
