//! Logging: `tracing` to a sink of the caller's choice, filtered by `RUST_LOG`, as text or
//! JSON lines ([`LogFormat`]). Lines are bounded (issue 13, item 5): client-controlled text
//! goes through [`LogText`], lines inside a request count against its client address's
//! budget ([`LogLimiter`]), and colour codes are written only to a terminal.

mod limit_layer;
mod log_format;
mod log_limit;
mod log_text;

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

pub use limit_layer::CLIENT_FIELD;
pub use log_format::{json_subscriber, LogFormat};
pub use log_limit::{LogLimiter, Suppressed, DEFAULT_PER_CLIENT};
pub use log_text::{LogText, PATH_BYTES};

/// Installs the global subscriber once, without colour codes; later calls (tests) are
/// ignored.
pub fn init<W>(default_filter: &str, sink: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    install(default_filter, sink, false);
}

/// Logs to stderr in `format`. Text has colour codes only when stderr is a terminal: in a
/// file or a pipe they are bytes a reader has to strip (and a log shipper stores).
pub fn init_stderr(default_filter: &str, format: LogFormat) {
    match format {
        LogFormat::Text => install(
            default_filter,
            std::io::stderr,
            std::io::stderr().is_terminal(),
        ),
        LogFormat::Json => {
            let _ = json_subscriber(filter(default_filter), std::io::stderr).try_init();
        }
    }
}

fn install<W>(default_filter: &str, sink: W, ansi: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let _ = subscriber(filter(default_filter), sink, ansi).try_init();
}

/// `RUST_LOG`, else `default_filter`.
fn filter(default_filter: &str) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter))
}

/// The subscriber [`init`] installs, for tests that capture what it writes.
pub fn subscriber<W>(filter: EnvFilter, sink: W, ansi: bool) -> impl Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(sink)
        .with_target(false)
        .with_ansi(ansi)
        .finish()
        .with(limit_layer::LimitLayer::new(LogLimiter::global()))
}
