//! Hostile input against a running server (issue 8, docs/design.md §7): every attack is refused
//! quickly in the vendor's own error format, changes nothing, memory stays bounded, and the
//! next ordinary request is served. Figures are printed (`--nocapture`) for RELIABILITY.md.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::hostile::{self, Kind};
use super::measures::{fingerprint, memory_kib, reset_peak};
use super::targets::{Target, ALL};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

/// One test at a time: each measures the whole process's peak memory, which another test's
/// logins or bodies would raise.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Generous for a loaded CI machine; a refusal here takes milliseconds.
const QUICK: Duration = Duration::from_secs(5);
/// Peak memory (`VmHWM` of the whole test process, server and client, reset before each
/// request) may grow by less than this while any one attack is refused: less than the 50 MB
/// body, so buffering it would fail. Logins (argon2, 19 MiB each) are kept outside the
/// measure, and no other test runs in this binary at the same time.
const MEMORY_BOUND_KIB: u64 = 48 * 1024;

#[tokio::test]
async fn hostile_bodies_are_refused_quickly_in_each_vendors_format_and_change_nothing() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app().await;
    let mut growth = 0;
    let mut slowest = Duration::ZERO;
    let mut sent = 0usize;
    for vendor in ALL {
        let target = Target::new(&app, vendor).await;
        let before = fingerprint(&app).await;
        for attack in hostile::all() {
            let content_type = match attack.kind {
                Kind::Xml => target.xml_type(),
                Kind::Json if target.accepts_json() => "application/json",
                Kind::Json => continue,
            };
            sent += attack.body.len();
            reset_peak();
            let (_, hwm_before) = memory_kib();
            let started = Instant::now();
            let (status, body) = target.send(&app, content_type, attack.body).await;
            let took = started.elapsed();
            growth = growth.max(memory_kib().1.saturating_sub(hwm_before));
            slowest = slowest.max(took);
            assert!(took < QUICK, "{vendor:?} {}: took {took:?}", attack.name);
            assert!(
                target.is_vendor_error(status, &body),
                "{vendor:?} {}: {status} {body}",
                attack.name
            );
            assert!(
                !body.contains("root:"),
                "{vendor:?} {}: leaked a file",
                attack.name
            );
        }
        assert_eq!(
            fingerprint(&app).await,
            before,
            "{vendor:?}: something changed"
        );
        served(&app, &target).await;
    }
    let (rss, hwm) = memory_kib();
    eprintln!(
        "attacks: {sent} bytes sent, slowest refusal {slowest:?}, largest VmHWM growth \
         while refusing one {growth} KiB (VmHWM {hwm} KiB, VmRSS {rss} KiB at the end)"
    );
    assert!(
        growth < MEMORY_BOUND_KIB,
        "peak memory grew by {growth} KiB"
    );
}

async fn served(app: &TestApp, target: &Target) {
    let (content_type, body) = target.ordinary();
    let (status, reply) = target.send(app, content_type, body.into_bytes()).await;
    assert!(
        target.is_success(status, &reply),
        "{:?}: the next ordinary request got {status} {reply}",
        target.vendor
    );
}

/// Sends `head` then `body` over a raw connection (no client buffering), reading the reply
/// until the server closes or `QUICK` passes. Write errors are expected: the server may
/// answer and close before the body is done.
fn raw_exchange(
    port: u16,
    head: String,
    body: impl Iterator<Item = Vec<u8>>,
) -> (Duration, String) {
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    stream.set_read_timeout(Some(QUICK)).unwrap();
    let _ = stream.write_all(head.as_bytes());
    for chunk in body {
        if stream.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut reply = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                reply.extend_from_slice(&buf[..n]);
                // One reply is all we wait for: stop at the end of its body.
                if complete(&reply) {
                    break;
                }
            }
        }
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&reply).into_owned(),
    )
}

fn complete(reply: &[u8]) -> bool {
    let text = String::from_utf8_lossy(reply);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        })
        .is_some_and(|len| body.len() >= len)
}

fn status_and_body(reply: &str) -> (u16, String) {
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn head(target: &Target, content_type: &str, length: Option<usize>) -> String {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n",
        target.path
    );
    match length {
        Some(len) => head.push_str(&format!("Content-Length: {len}\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (name, value) in &target.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

#[tokio::test]
async fn a_50_mb_body_is_refused_without_being_read_whether_declared_or_chunked() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app().await;
    let mut growth = 0;
    let fifty_mb = 50 * 1024 * 1024;
    for vendor in ALL {
        let target = Target::new(&app, vendor).await;
        let before = fingerprint(&app).await;
        for declared in [Some(fifty_mb), None] {
            let head = head(&target, target.xml_type(), declared);
            let chunk = vec![b' '; 64 * 1024];
            let chunks = (0..fifty_mb / chunk.len()).map(move |_| match declared {
                Some(_) => chunk.clone(),
                None => [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk.clone(),
                    b"\r\n".to_vec(),
                ]
                .concat(),
            });
            let port = app.port;
            reset_peak();
            let (_, hwm_before) = memory_kib();
            let (took, reply) =
                tokio::task::spawn_blocking(move || raw_exchange(port, head, chunks))
                    .await
                    .unwrap();
            growth = growth.max(memory_kib().1.saturating_sub(hwm_before));
            let (status, body) = status_and_body(&reply);
            assert!(took < QUICK, "{vendor:?} {declared:?}: took {took:?}");
            assert_eq!(status, 413, "{vendor:?} {declared:?}: {reply}");
            assert!(
                target.is_vendor_error(status, &body),
                "{vendor:?} {declared:?}: {body}"
            );
        }
        assert_eq!(fingerprint(&app).await, before);
        served(&app, &target).await;
    }
    eprintln!("50 MB bodies: largest VmHWM growth while refusing one {growth} KiB");
    assert!(
        growth < MEMORY_BOUND_KIB,
        "peak memory grew by {growth} KiB"
    );
}

#[tokio::test]
async fn a_body_that_never_finishes_is_cut_off_by_the_body_timeout() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app_with(|s| s.body_timeout = Duration::from_secs(1)).await;
    for vendor in ALL {
        let target = Target::new(&app, vendor).await;
        let head = head(&target, target.xml_type(), Some(1000));
        let port = app.port;
        let (took, reply) = tokio::task::spawn_blocking(move || {
            raw_exchange(port, head, std::iter::once(b"<r>".to_vec()))
        })
        .await
        .unwrap();
        let (status, body) = status_and_body(&reply);
        assert!(
            took >= Duration::from_millis(900) && took < QUICK,
            "{vendor:?}: took {took:?}"
        );
        assert!(status >= 400, "{vendor:?}: {reply}");
        assert!(target.is_vendor_error(status, &body), "{vendor:?}: {reply}");
        served(&app, &target).await;
    }
}
