//! `spawn_app()` and friends: each test gets its own database (a copy of a per-process
//! template holding the migrated demo data) and its own server on a free port.

// Helpers serve every vendor's tests; not every test binary build uses each one.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use billing_compat::config::Settings;
use billing_compat::domain::store::Store;
use billing_compat::service::{import, Services};
use billing_compat::startup::{Application, DEMO_FIXTURE};
use billing_compat::storage::{self, PoolSettings};
use tokio::sync::OnceCell;

/// Where the tests' databases live.
#[derive(Clone, Debug)]
pub enum TestDb {
    Sqlite {
        dir: Arc<tempfile::TempDir>,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

async fn admin(admin_url: &str, sql: &str) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
        .await
        .expect("connect as admin");
    // CREATE DATABASE … TEMPLATE fails while another copy of the template is being made.
    for attempt in 0..50 {
        match conn.execute(sql).await {
            Ok(_) => return,
            Err(e) if attempt < 49 && e.to_string().contains("being accessed by other users") => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}

async fn load_demo(url: &str) {
    storage::migrate(url).await.expect("migrate");
    let store = storage::connect(url, PoolSettings::single())
        .await
        .expect("connect");
    import::import_yaml(store.as_ref(), DEMO_FIXTURE)
        .await
        .expect("demo fixture imports");
}

/// The per-process template: migrated, demo data loaded, built once.
async fn template() -> &'static TestDb {
    static TEMPLATE: OnceCell<TestDb> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let db = empty_database().await;
            load_demo(db.url()).await;
            if let TestDb::Sqlite { url, .. } = &db {
                // Fold the WAL into the main file so a plain copy is complete.
                let store = storage::connect(url, PoolSettings::single()).await.unwrap();
                drop(store);
                checkpoint(url).await;
            }
            db
        })
        .await
}

async fn checkpoint(url: &str) {
    use sqlx::Executor;
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .unwrap();
}

/// Test databases are named `<prefix><uuid>`; CI sets its own prefix so it can drop exactly
/// what its run created.
fn database_name() -> String {
    let prefix = std::env::var("BC_TEST_DB_PREFIX").unwrap_or_else(|_| "bc_test_".to_owned());
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// A new, empty database (not migrated).
pub async fn empty_database() -> TestDb {
    let name = database_name();
    match postgres_admin_url() {
        Some(admin_url) => {
            admin(&admin_url, &format!("CREATE DATABASE {name}")).await;
            let url = with_database(&admin_url, &name);
            TestDb::Postgres {
                admin_url,
                name,
                url,
            }
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}",
                dir.path().join(format!("{name}.db")).display()
            );
            TestDb::Sqlite {
                dir: Arc::new(dir),
                url,
            }
        }
    }
}

/// A new database holding the migrated demo data.
pub async fn demo_database() -> TestDb {
    let template = template().await;
    let name = database_name();
    match template {
        TestDb::Postgres {
            admin_url,
            name: template_name,
            ..
        } => {
            admin(
                admin_url,
                &format!("CREATE DATABASE {name} TEMPLATE {template_name}"),
            )
            .await;
            let url = with_database(admin_url, &name);
            TestDb::Postgres {
                admin_url: admin_url.clone(),
                name,
                url,
            }
        }
        TestDb::Sqlite {
            url: template_url, ..
        } => {
            let source = PathBuf::from(template_url.trim_start_matches("sqlite://"));
            let dir = tempfile::tempdir().expect("temp dir");
            let target = dir.path().join(format!("{name}.db"));
            std::fs::copy(&source, &target).expect("copy template");
            TestDb::Sqlite {
                dir: Arc::new(dir),
                url: format!("sqlite://{}", target.display()),
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: TestDb,
    pub services: Arc<Services>,
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.services.store.clone()
    }

    /// Stops the server gracefully and waits for it (worker included).
    pub async fn stop(mut self) -> TestDb {
        self.handle.stop(true).await;
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.db.clone()
    }
}

pub fn test_settings(db: &TestDb) -> Settings {
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        database_url: db.url().to_owned(),
        http_workers: 2,
        ..Settings::default()
    };
    settings.pool.max_connections = 4;
    settings.worker.poll_interval = std::time::Duration::from_millis(50);
    settings
}

/// A server over a fresh copy of the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = demo_database().await;
    spawn_on(db, adjust).await
}

/// A server over an existing database (restart tests).
pub async fn spawn_on(db: TestDb, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    billing_compat::telemetry::init("warn", std::io::sink);
    let mut settings = test_settings(&db);
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let port = app.port();
    let services = app.services();
    let handle = app.handle();
    let task = tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        services,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        handle,
        task: Some(task),
    }
}

/// A store over a fresh, migrated, *empty* database (storage contract tests).
pub async fn empty_store() -> (TestDb, Arc<dyn Store>) {
    let db = empty_database().await;
    storage::migrate(db.url()).await.expect("migrate");
    let store = storage::connect(db.url(), PoolSettings::default())
        .await
        .expect("connect");
    (db, store)
}

/// A store over a fresh copy of the demo data.
pub async fn demo_store() -> (TestDb, Arc<dyn Store>) {
    let db = demo_database().await;
    let store = storage::connect(db.url(), PoolSettings::default())
        .await
        .expect("connect");
    (db, store)
}

/// Polls `check` until it returns true or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
