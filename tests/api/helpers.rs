//! `spawn_app()` and friends: each test gets its own database (a copy of a per-process
//! template holding the migrated demo data) and its own server on a free port. Each test's
//! PostgreSQL database is dropped when the last handle to it goes, and the template when
//! the process exits (issue 14, item 11): a run leaves nothing behind on the server.

// Helpers serve every vendor's tests; not every test binary build uses each one.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use billing_compat::config::Settings;
use billing_compat::domain::clock::SystemClock;
use billing_compat::domain::store::{self, Kept, Store, Tx, UnitFuture};
use billing_compat::domain::DomainError;
use billing_compat::service::{import, Services};
use billing_compat::startup::{Application, DEMO_FIXTURE};
use billing_compat::storage::{self, PoolSettings};
use tokio::sync::OnceCell;

/// The reason PostgreSQL-only tests give: `#[ignore = …]` needs a literal, so they repeat it.
pub const POSTGRES_ONLY: &str =
    "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored";

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
        /// Drops the database when the last clone of this handle goes.
        dropper: Arc<DropDatabase>,
    },
}

/// A test database on the PostgreSQL server, dropped with this value.
#[derive(Debug)]
pub struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        drop_database(&self.admin_url, &self.name);
    }
}

/// `DROP DATABASE … WITH (FORCE)` (ends the server's and the test's own connections still
/// open) on a fresh connection. On a thread with a runtime of its own: a `Drop` runs inside
/// a test's runtime, which cannot wait on a future, and at exit there is no runtime at all.
fn drop_database(admin_url: &str, name: &str) {
    use sqlx::{Connection, Executor};
    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    let admin_url = admin_url.to_owned();
    let dropped = std::thread::spawn(move || -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin_url)
                .await
                .map_err(|e| e.to_string())?;
            conn.execute(sql.as_str())
                .await
                .map_err(|e| e.to_string())?;
            conn.close().await.map_err(|e| e.to_string())
        })
    })
    .join();
    match dropped {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("test database {name} was not dropped: {error}"),
        Err(_) => eprintln!("test database {name} was not dropped: the dropping thread panicked"),
    }
}

/// Fails a PostgreSQL-only test run on SQLite (with `--include-ignored`) instead of letting
/// it pass without testing anything.
pub fn require_postgres(db: &TestDb) {
    assert!(db.is_postgres(), "{POSTGRES_ONLY}");
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
    import::import_yaml(store.as_ref(), &SystemClock, DEMO_FIXTURE)
        .await
        .expect("demo fixture imports");
    // Closed, not dropped: a dropped SQLite store's writer thread may still be closing (and
    // checkpointing) while the template is checkpointed and copied, and a copy made then
    // lacked the demo data (seen under load: tests found no tenant 'acme').
    store.close().await;
}

/// The per-process template: migrated, demo data loaded, built once.
static TEMPLATE: OnceCell<TestDb> = OnceCell::const_new();

async fn template() -> &'static TestDb {
    TEMPLATE
        .get_or_init(|| async {
            let db = empty_database().await;
            load_demo(db.url()).await;
            if let TestDb::Sqlite { url, .. } = &db {
                // Fold the WAL into the main file so a plain copy is complete.
                let store = storage::connect(url, PoolSettings::single()).await.unwrap();
                store.close().await;
                checkpoint(url).await;
            }
            // A static is never dropped: the template goes when the process exits.
            // SAFETY: `atexit` only stores the address of a function that lives as long as
            // the program; it is called once, after `main` (libtest's) returns or exits.
            unsafe { libc::atexit(remove_template) };
            db
        })
        .await
}

/// Drops the PostgreSQL template, or deletes the SQLite one's directory, at exit. Never
/// unwinds: a panic cannot cross into C.
extern "C" fn remove_template() {
    let _ = std::panic::catch_unwind(|| match TEMPLATE.get() {
        Some(TestDb::Postgres {
            admin_url, name, ..
        }) => drop_database(admin_url, name),
        Some(TestDb::Sqlite { dir, .. }) => {
            let _ = std::fs::remove_dir_all(dir.path());
        }
        None => {}
    });
}

async fn checkpoint(url: &str) {
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    // The pragma reports a blocked checkpoint in its first column instead of failing; a
    // copy taken then would miss what is still in the WAL.
    for _ in 0..50 {
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if sqlx::Row::get::<i64, _>(&row, 0) == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the template's WAL could not be checkpointed");
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
                dropper: Arc::new(DropDatabase {
                    admin_url: admin_url.clone(),
                    name: name.clone(),
                }),
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
                dropper: Arc::new(DropDatabase {
                    admin_url: admin_url.clone(),
                    name: name.clone(),
                }),
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
    // Dozens of servers share this machine's cores during a test run, each hashing argon2
    // passwords: a login that waits longer than the production default (0.5 s) for a
    // verification slot is the test run's load, not what a test checks (none tests the wait).
    settings.service.auth.verify_wait = std::time::Duration::from_secs(5);
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

/// Runs `work` as one unit of work on `store` (docs/architecture.md "The write path") and
/// commits its effects when it returns `Ok`; an `Err` rolls them back and comes out.
pub async fn try_write<T, F>(store: &dyn Store, work: F) -> Result<T, DomainError>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, T> + Send + 'static,
{
    store::run(store, move |tx| {
        let done = work(tx);
        Box::pin(async move { done.await.map(Kept::commit) })
    })
    .await
    .map(|(value, _enqueued)| value)
}

/// [`try_write`] that must succeed: the committed unit's value.
pub async fn write<T, F>(store: &dyn Store, work: F) -> T
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, T> + Send + 'static,
{
    try_write(store, work)
        .await
        .expect("the unit of work commits")
}

/// Runs `work` as one unit of work and rolls its effects back (what dropping an uncommitted
/// transaction did before units of work): its value, from inside the transaction.
pub async fn discard<T, F>(store: &dyn Store, work: F) -> T
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> UnitFuture<'t, T> + Send + 'static,
{
    let (value, enqueued) = store::run(store, move |tx| {
        let done = work(tx);
        Box::pin(async move { done.await.map(Kept::discard) })
    })
    .await
    .expect("the unit of work runs");
    assert!(!enqueued, "a discarded unit reports no enqueued work");
    value
}

/// The store kept from writing (the "store unavailable" tests) until [`WritesHeld::release`].
pub enum WritesHeld {
    /// PostgreSQL: every pooled connection, each held by a read snapshot.
    Pool(Vec<Box<dyn Tx>>),
    /// SQLite: the database's write lock, taken by a connection of the test's own, so the
    /// store's writer cannot begin a transaction (it gets SQLITE_BUSY after its busy timeout).
    Lock(sqlx::AnyConnection),
}

/// Keeps `app`'s store from writing. PostgreSQL's writes need a pooled connection: all of
/// them are taken. SQLite's single writer keeps its own connection: the write lock on the
/// file is taken from outside, as another process would.
pub async fn hold_writes(app: &TestApp) -> WritesHeld {
    match &app.db {
        TestDb::Postgres { .. } => {
            let store = app.store();
            let mut held = Vec::new();
            while held.len() < 64 {
                match store.read().await {
                    Ok(tx) => held.push(tx),
                    Err(DomainError::Unavailable { .. }) => break,
                    Err(other) => panic!("holding the pool: {other:?}"),
                }
            }
            assert!(
                !held.is_empty() && held.len() < 64,
                "held {} connections: the pool was not exhausted",
                held.len()
            );
            WritesHeld::Pool(held)
        }
        TestDb::Sqlite { url, .. } => {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
                .await
                .expect("connect to the SQLite file");
            conn.execute("BEGIN IMMEDIATE")
                .await
                .expect("take the SQLite write lock");
            WritesHeld::Lock(conn)
        }
    }
}

impl WritesHeld {
    /// Lets the store write again.
    pub async fn release(self) {
        match self {
            WritesHeld::Pool(held) => drop(held),
            WritesHeld::Lock(mut conn) => {
                use sqlx::Executor;
                conn.execute("ROLLBACK")
                    .await
                    .expect("release the SQLite write lock");
                sqlx::Connection::close(conn)
                    .await
                    .expect("close the lock's connection");
            }
        }
    }
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
