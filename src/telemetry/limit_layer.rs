//! Applies [`LogLimiter`] to log lines: a line written inside a request span counts against
//! the budget of that request's client address (the span's `client` field). ERROR lines are
//! never held back: they are the server's faults, not a client's refusals.

use std::net::IpAddr;
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::log_limit::LogLimiter;

/// The name of the field that carries the client address.
pub const CLIENT_FIELD: &str = "client";

/// The client address of a span, kept in its extensions.
struct Client(IpAddr);

pub struct LimitLayer {
    limiter: &'static LogLimiter,
}

impl LimitLayer {
    pub fn new(limiter: &'static LogLimiter) -> Self {
        Self { limiter }
    }
}

/// Reads the `client` field (recorded with `%addr`) back as an address.
#[derive(Default)]
struct ClientVisitor(Option<IpAddr>);

impl Visit for ClientVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == CLIENT_FIELD {
            self.0 = format!("{value:?}").parse().ok();
        }
    }
}

impl<S> Layer<S> for LimitLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().fields().field(CLIENT_FIELD).is_none() {
            return;
        }
        let mut visitor = ClientVisitor::default();
        attrs.record(&mut visitor);
        if let (Some(addr), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().insert(Client(addr));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut visitor = ClientVisitor::default();
        values.record(&mut visitor);
        if let (Some(addr), Some(span)) = (visitor.0, ctx.span(id)) {
            span.extensions_mut().replace(Client(addr));
        }
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        if *event.metadata().level() == Level::ERROR {
            return true;
        }
        let Some(span) = ctx.event_span(event) else {
            return true;
        };
        let client = span
            .scope()
            .find_map(|s| s.extensions().get::<Client>().map(|c| c.0));
        match client {
            Some(addr) => self.limiter.admit(addr, Instant::now()),
            None => true,
        }
    }
}
