//! `billing-compat backup` (issue 19 item 5; docs/operations.md "Backups"): a consistent copy
//! of a live SQLite database taken while writers go on. Every write acknowledged before the
//! backup started is in the copy, the copy passes `PRAGMA integrity_check`, and a server
//! started on it serves it. SQLite only, whatever `TEST_DATABASE_URL` says: PostgreSQL's
//! route is `pg_dump`, and the command refuses its URLs (checked here too).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

use crate::helpers::{spawn_on, TestApp, TestDb};

const ATTACH: &str = "/api/v2/customer/c0000000-0000-4000-8000-000000000003/attach-product";
const BODY: &str = r#"{"customerId":"c0000000-0000-4000-8000-000000000003","productId":"b0000000-0000-4000-8000-000000000001"}"#;
const KEY: &str = "acme-flolive-key";
const WRITERS: usize = 4;

/// A fresh SQLite database in its own directory, with room to spare: `MiB` of ballast in a
/// table of its own, so that the copy takes long enough for writes to land while it runs.
async fn sqlite_database(ballast_mib: u32) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    billing_compat::storage::migrate(&url)
        .await
        .expect("migrate");
    let path = dir.path().join("live.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE ballast (b BLOB NOT NULL)")
        .unwrap();
    for _ in 0..ballast_mib {
        conn.execute("INSERT INTO ballast (b) VALUES (randomblob(1048576))", [])
            .unwrap();
    }
    drop(conn);
    TestDb::Sqlite {
        dir: Arc::new(dir),
        url,
    }
}

/// `serve --demo` on `db`, with no queue cap: the writers enqueue as fast as they can.
async fn serve(db: TestDb) -> TestApp {
    spawn_on(db, |settings| {
        settings.demo = true;
        settings.service.max_queued_jobs_per_tenant = 0;
    })
    .await
}

fn file_of(db: &TestDb) -> PathBuf {
    PathBuf::from(db.url().trim_start_matches("sqlite://"))
}

/// One floLIVE attach; its requestId once acknowledged (200).
async fn attach(app: &TestApp) -> Option<String> {
    let response = app
        .client
        .post(app.url(ATTACH))
        .bearer_auth(KEY)
        .header("Content-Type", "application/json")
        .body(BODY)
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    let reply: Value = response.json().await.ok()?;
    reply["content"][0]["requestId"].as_str().map(str::to_owned)
}

fn backup(url: &str, target: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_billing-compat"))
        .args(["backup", "--database", url])
        .arg(target)
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn a_backup_taken_under_writes_holds_every_write_acknowledged_before_it() {
    let db = sqlite_database(64).await;
    let app = Arc::new(serve(db.clone()).await);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let (stop, stopped) = watch::channel(false);
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (app, acknowledged, stopped) = (app.clone(), acknowledged.clone(), stopped.clone());
            tokio::spawn(async move {
                while !*stopped.borrow() {
                    if let Some(id) = attach(&app).await {
                        acknowledged.lock().unwrap().push(id);
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Everything acknowledged up to this instant must be in the copy.
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let target = db.url().replace("live.db", "backup.db");
    let target = PathBuf::from(target.trim_start_matches("sqlite://"));
    let (url, into) = (db.url().to_owned(), target.clone());
    let output = tokio::task::spawn_blocking(move || backup(&url, &into))
        .await
        .unwrap();
    let during = acknowledged.lock().unwrap().len() - before.len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let after = acknowledged.lock().unwrap().len() - before.len() - during;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("backed up"));
    assert!(during > 0, "no write was acknowledged while the backup ran");
    assert!(after > 0, "the writers stopped after the backup");
    let copy = rusqlite::Connection::open(&target).unwrap();
    let integrity: String = copy
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut in_copy = copy
        .prepare("SELECT COUNT(*) FROM operation_requests WHERE id = ?1")
        .unwrap();
    for id in &before {
        let found: i64 = in_copy.query_row([id], |row| row.get(0)).unwrap();
        assert_eq!(
            found, 1,
            "request {id}, acknowledged before the backup, is missing"
        );
    }
    drop(in_copy);
    drop(copy);
    eprintln!(
        "backup: {} writes acknowledged before, {during} during, {after} after; copy {} bytes",
        before.len(),
        std::fs::metadata(&target).unwrap().len()
    );

    // A server started on (a copy of) the backup serves what it holds.
    let served = tempfile::tempdir().unwrap();
    let restored = served.path().join("restored.db");
    std::fs::copy(&target, &restored).unwrap();
    let restored = TestDb::Sqlite {
        url: format!("sqlite://{}", restored.display()),
        dir: Arc::new(served),
    };
    let app = serve(restored).await;
    let last = before.last().unwrap();
    let status: Value = app
        .client
        .get(app.url(&format!("/api/v2/request/{last}")))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["content"][0]["requestId"], last.as_str(), "{status}");
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file_and_sends_postgresql_to_pg_dump() {
    let db = sqlite_database(0).await;
    let taken = file_of(&db).with_file_name("taken.db");
    std::fs::write(&taken, b"an earlier backup").unwrap();

    let refused = backup(db.url(), &taken);

    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("exists"), "{stderr}");
    assert_eq!(std::fs::read(&taken).unwrap(), b"an earlier backup");

    let target = file_of(&db).with_file_name("pg.db");
    let refused = backup("postgres://postgres@127.0.0.1:5432/billing", &target);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!target.exists());
}
