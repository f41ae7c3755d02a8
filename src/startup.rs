//! Building the application in one place (tests bind port 0 and use the same code).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, NormalizePath, TrailingSlash};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::adapters;
use crate::adapters::http::AppState;
use crate::config::Settings;
use crate::service::admin::reset::ResetSettings;
use crate::service::import::restore::prepare;
use crate::service::jobs::Worker;
use crate::service::{import, job_registry, journal, retention, Services};
use crate::storage;

/// The demo fixture, built in so `serve --demo` works from any directory.
pub const DEMO_FIXTURE: &str = include_str!("../fixtures/demo.yaml");

pub struct Application {
    port: u16,
    server: Server,
    services: Arc<Services>,
    worker: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    /// The request journal's writer (docs/operations.md "Request journal").
    journal: (watch::Sender<bool>, JoinHandle<()>),
}

impl Application {
    /// Connects, migrates, loads the demo data when asked, binds, and starts the worker.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // With resets allowed, every PostgreSQL transaction begins under the lock a reset
        // takes exclusive (src/storage/sql/dialect.rs `GUARDED_BEGIN`).
        let pool = storage::PoolSettings {
            reset_guard: settings.allow_reset,
            ..settings.pool
        };
        let store = storage::connect(&settings.database_url, pool)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database {}",
                    redact(&settings.database_url)
                )
            })?;
        storage::migrate(&settings.database_url)
            .await
            .context("migrations failed")?;
        // The durable choice is stated where an operator looks (docs/operations.md "Durability").
        match store.synchronous() {
            Some(mode) => tracing::info!(
                backend = store.backend(),
                synchronous = mode,
                "storage open: SQLite, one writer thread, synchronous = {mode}"
            ),
            None => tracing::info!(backend = store.backend(), "storage open"),
        }
        let loaded = loaded_fixture(&settings)?;
        let mut service_settings = settings.service.clone();
        service_settings.reset = reset_settings(&settings, loaded.as_ref()).await?;
        let services = Arc::new(Services::new(store, service_settings));
        if settings.demo {
            load_demo(&services).await?;
        } else if let Some((name, text)) = &loaded {
            load_fixture(&services, name, text).await?;
        }
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot bind {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let worker = settings.run_worker.then(|| {
            let (stop, stopped) = watch::channel(false);
            let worker = Worker::new(services.clone(), job_registry(), settings.worker.clone());
            // The purge (issue 13) runs beside the jobs, not between them, so purging a
            // large backlog never delays a tenant's job by more than a batch's commit.
            let purge = retention::run(services.clone(), settings.worker.clone(), stopped.clone());
            let both = async move {
                tokio::join!(worker.run(stopped), purge);
            };
            (stop, tokio::spawn(both))
        });
        // Always started (it returns at once when the journal is off), independently of
        // the job worker: an instance that serves requests journals them.
        let journal = {
            let (stop, stopped) = watch::channel(false);
            let writer = journal::writer::run(services.clone(), stopped);
            (stop, tokio::spawn(writer))
        };
        adapters::http::observability::prometheus();
        crate::telemetry::LogLimiter::global().set_rate(settings.log_lines_per_client);
        let workers = settings.http_workers;
        let connections = settings.connections.clone();
        let state = web::Data::new(AppState {
            services: services.clone(),
            settings,
        });
        let mut server = HttpServer::new(move || {
            App::new()
                // Innermost: metrics and logs see the filled body (issue 14 item 5).
                .wrap(from_fn(adapters::unrouted::fill_empty))
                // Inside `observe`, which sets the request id it journals.
                .wrap(from_fn(adapters::http::journal::record))
                .wrap(from_fn(adapters::http::observability::observe))
                .wrap(NormalizePath::new(TrailingSlash::Trim))
                .app_data(state.clone())
                .configure(adapters::configure)
                .default_service(web::to(adapters::unrouted::not_found))
        })
        .shutdown_timeout(10)
        .keep_alive(connections.idle_timeout)
        .client_request_timeout(connections.head_timeout)
        .on_connect(move |conn, _| set_send_timeout(conn, connections.send_timeout));
        if workers > 0 {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        tracing::info!(port, "billing-compat listening");
        Ok(Self {
            port,
            server,
            services,
            worker,
            journal,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn services(&self) -> Arc<Services> {
        self.services.clone()
    }

    /// Stops the server gracefully (tests; SIGTERM does the same in production).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (actix stops gracefully), then stops the worker and,
    /// nothing using it any more, closes the store (SQLite: its writer's final checkpoint).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some((stop, handle)) = self.worker {
            let _ = stop.send(true);
            let _ = handle.await;
        }
        // After the server: what it queued is written before the store closes.
        let (stop, writer) = self.journal;
        let _ = stop.send(true);
        let _ = writer.await;
        self.services.store.close().await;
        tracing::info!("billing-compat stopped");
        result
    }
}

/// A client that stops reading holds its connection and our unsent reply for ever unless
/// the kernel gives up on it: TCP_USER_TIMEOUT bounds how long sent data may stay
/// unacknowledged, or unsent behind a zero window (tcp(7)), before the connection is
/// reset (issue 13 row 5; docs/operations.md "Connections and time-outs").
fn set_send_timeout(conn: &dyn std::any::Any, timeout: std::time::Duration) {
    if timeout.is_zero() {
        return;
    }
    if let Some(stream) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
        if let Err(error) = socket2::SockRef::from(stream).set_tcp_user_timeout(Some(timeout)) {
            tracing::warn!(%error, "cannot set the send time-out on a connection");
        }
    }
}

/// The name `reset` reports for the demo fixture.
pub const DEMO_FIXTURE_NAME: &str = "demo";

/// The fixture this server loads, by name and text: the demo data (`--demo`) or the file
/// `--fixture` names; it is also what a reset restores (docs/operations.md "Reset").
fn loaded_fixture(settings: &Settings) -> anyhow::Result<Option<(String, String)>> {
    if settings.demo {
        return Ok(Some((
            DEMO_FIXTURE_NAME.to_owned(),
            DEMO_FIXTURE.to_owned(),
        )));
    }
    let Some(path) = &settings.fixture else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the fixture {}", path.display()))?;
    Ok(Some((path.display().to_string(), text)))
}

/// `--allow-reset`: the loaded fixture, parsed and its passwords hashed now, off the
/// async threads, so that no reset hashes inside its transaction.
async fn reset_settings(
    settings: &Settings,
    loaded: Option<&(String, String)>,
) -> anyhow::Result<ResetSettings> {
    if !settings.allow_reset {
        return Ok(ResetSettings::default());
    }
    let fixture = match loaded {
        Some((name, text)) => {
            let (name, text) = (name.clone(), text.clone());
            let prepared = tokio::task::spawn_blocking(move || prepare(&name, &text))
                .await
                .context("preparing the fixture for reset")?
                .map_err(|e| anyhow::anyhow!("fixture: {e}"))?;
            tracing::warn!(
                fixture = %prepared.name,
                "reset enabled: operators may put the database back to the fixture (test systems only)"
            );
            Some(Arc::new(prepared))
        }
        None => {
            tracing::warn!(
                "--allow-reset without --demo or --fixture: there is no fixture to reset to, and a reset is refused"
            );
            None
        }
    };
    Ok(ResetSettings {
        allowed: true,
        fixture,
    })
}

/// `--fixture FILE`: imported at every start, as `import` does (atomic, insert-if-absent).
async fn load_fixture(services: &Services, name: &str, text: &str) -> anyhow::Result<()> {
    let report = import::import_yaml(services.store.as_ref(), services.clock.as_ref(), text)
        .await
        .map_err(|e| anyhow::anyhow!("fixture {name}: {e}"))?;
    tracing::info!(
        fixture = name,
        inserted = report.inserted,
        already_present = report.already_present,
        "fixture loaded"
    );
    Ok(())
}

async fn load_demo(services: &Services) -> anyhow::Result<()> {
    if import::is_empty(services.store.as_ref(), DEMO_FIXTURE).await? {
        let report = import::import_yaml(
            services.store.as_ref(),
            services.clock.as_ref(),
            DEMO_FIXTURE,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo fixture: {e}"))?;
        tracing::info!(inserted = report.inserted, "demo data loaded");
    } else {
        tracing::info!("database already holds data; demo data not loaded");
    }
    // The demo operator (README "Demo credentials"), unless it exists already.
    crate::service::admin::operators::ensure_demo_operator(
        services.store.as_ref(),
        services.clock.now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo operator: {e}"))?;
    Ok(())
}

/// Database URLs may carry passwords: never log them.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_credentials_in_urls() {
        assert_eq!(super::redact("postgres://u:p@h/db"), "postgres://***@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
