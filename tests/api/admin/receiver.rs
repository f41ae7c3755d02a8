//! A webhook receiver for the tests: a tokio TCP listener speaking just enough HTTP/1.1
//! (keep-alive, Content-Length bodies), answering each request with the next scripted
//! status (200 once the script is spent), or holding it unanswered. Also the independent
//! Standard Webhooks signature check: written here from the spec's text with `hmac` +
//! `sha2` + `base64`, not by calling the server's signing code.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the receiver does with a request.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    Status(u16),
    /// Never answers (the connection stays open until the test ends).
    Hold,
}

#[derive(Clone, Debug)]
pub struct Received {
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

impl Receiver {
    pub async fn start(script: impl IntoIterator<Item = Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let receiver = Self {
            url,
            got: Arc::default(),
            script: Arc::new(Mutex::new(script.into_iter().collect())),
        };
        let shared = receiver.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move { shared.serve(socket).await });
            }
        });
        receiver
    }

    async fn serve(&self, socket: tokio::net::TcpStream) {
        let mut reader = BufReader::new(socket);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let mut headers = HashMap::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                }
            }
            let length: usize = headers
                .get("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).await.is_err() {
                return;
            }
            self.got.lock().unwrap().push(Received { headers, body });
            let reply = self
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Reply::Status(200));
            match reply {
                Reply::Hold => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                Reply::Status(status) => {
                    let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n");
                    if reader.get_mut().write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `count` requests arrived (30 s at most).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..600 {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the receiver got {} requests, not {count}",
            self.received().len()
        );
    }
}

/// Standard Webhooks, "Verifying webhook authenticity": the signed content is
/// `{webhook-id}.{webhook-timestamp}.{body}`; the key is the base64-decoded secret after
/// the `whsec_` prefix; the `webhook-signature` header holds space-separated
/// `v1,<base64 HMAC-SHA256>` entries, any of which may match.
pub fn signature_is_valid(secret: &str, request: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("a base64 key");
    let mut signed = format!(
        "{}.{}.",
        request.header("webhook-id"),
        request.header("webhook-timestamp")
    )
    .into_bytes();
    signed.extend_from_slice(&request.body);
    request
        .header("webhook-signature")
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .any(|expected| {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            mac.update(&signed);
            mac.verify_slice(&expected).is_ok()
        })
}
