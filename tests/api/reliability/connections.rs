//! Issue 13 row 5: a client that stops reading loses its connection after the send
//! time-out; an idle connection after the idle time-out; a request head that never
//! finishes after the head time-out. Raw sockets: an HTTP client library would read.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

use crate::helpers::{spawn_app_with, TestApp};

/// `/openapi.json` is tens of kilobytes: more than a 4 KiB receive window takes.
const REQUEST: &[u8] = b"GET /openapi.json HTTP/1.1\r\nHost: test\r\n\r\n";

fn connect(app: &TestApp, receive_buffer: Option<usize>) -> TcpStream {
    let address: SocketAddr = format!("127.0.0.1:{}", app.port).parse().unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    socket.connect(&address.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Reads until the server closes; the bytes read and whether it ended in an error.
fn drain(stream: &mut TcpStream) -> (usize, bool) {
    let mut buffer = [0u8; 65536];
    let mut total = 0;
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (total, false),
            Ok(n) => total += n,
            Err(_) => return (total, true),
        }
    }
}

async fn app(send_timeout: Duration) -> TestApp {
    spawn_app_with(|s| {
        s.connections.send_timeout = send_timeout;
        s.connections.idle_timeout = Duration::from_secs(1);
        s.connections.head_timeout = Duration::from_secs(1);
    })
    .await
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_after_the_send_timeout() {
    let app = app(Duration::from_secs(1)).await;
    let full = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    tokio::task::spawn_blocking(move || {
        // A prompt reader gets everything, then the idle time-out closes the connection.
        let mut prompt = connect(&app, Some(4096));
        prompt.write_all(REQUEST).unwrap();
        let started = std::time::Instant::now();
        let (read, reset) = drain(&mut prompt);
        assert!(read > full, "headers and the whole body: {read} of {full}");
        assert!(!reset, "closed, not reset");
        // The read time-out is 20 s: closing sooner is the 1 s idle time-out's doing.
        assert!(started.elapsed() < Duration::from_secs(10));

        let mut stalled = connect(&app, Some(4096));
        stalled.write_all(REQUEST).unwrap();
        // Not reading for well past the send time-out (the kernel probes the zero window
        // with back-off, so allow it a few rounds).
        std::thread::sleep(Duration::from_secs(5));
        let (read, reset) = drain(&mut stalled);
        assert!(
            read < full,
            "the stalled reply was cut off ({read} of {full} bytes, reset: {reset})"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_unfinished_request_head_is_dropped_after_the_head_timeout() {
    let app = app(Duration::from_secs(10)).await;
    tokio::task::spawn_blocking(move || {
        let mut stream = connect(&app, None);
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: te")
            .unwrap();
        let started = std::time::Instant::now();
        let (read, _) = drain(&mut stream);
        // actix answers 408 (or just closes) once the head time-out passes.
        assert!(started.elapsed() < Duration::from_secs(10));
        let _ = read;
    })
    .await
    .unwrap();
}
