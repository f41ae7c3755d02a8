//! Webhook endpoints and their deliveries (issue 18 item 3; docs/events.md "Webhooks").
//! Requests are signed as the Standard Webhooks specification says
//! (<https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>):
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the
//! base64-decoded part of a `whsec_` secret.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use regex::Regex;
use sha2::Sha256;
use std::sync::LazyLock;

use super::event::{EventType, FeedCursor};
use super::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EndpointId(pub uuid::Uuid);

impl EndpointId {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        uuid::Uuid::parse_str(text)
            .map(EndpointId)
            .map_err(|_| DomainError::NotFound("webhook"))
    }
}

impl std::fmt::Display for EndpointId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Longest URL accepted as given (the OpenAPI `maxLength`); a receiver needs no more.
pub const MAX_URL_LEN: usize = 2000;
/// Longest URL stored, once normalised (browsers' and proxies' common limit): normalising
/// may lengthen what was given (a trailing `/`, percent-encoding, IDNA).
pub const MAX_STORED_URL_LEN: usize = 2048;

/// What a receiver's URL may be, as given: the OpenAPI `pattern` and the server's own
/// check are this one expression, so the contract and the answer cannot disagree
/// (docs/events.md "Registering a webhook"). `http` or `https`; a lower-case host name
/// whose last label starts with a letter (a numeric one would be read as an IPv4
/// address), labels without `--` (punycode is not taken) or a dotted-decimal IPv4
/// address; a port from 1 to 65535; a path and a query of URL characters; no
/// credentials and no fragment. Every URL matching it parses, and within
/// [`MAX_URL_LEN`] normalises within [`MAX_STORED_URL_LEN`] (no character here is
/// percent-encoded by normalising).
pub const URL_PATTERN: &str = concat!(
    "^https?://",
    "(([a-z0-9]+(-[a-z0-9]+)*\\.)*[a-z][a-z0-9]*(-[a-z0-9]+)*",
    "|(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})",
    "(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9][0-9]|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?",
    "(/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*",
    "(\\?[A-Za-z0-9._~!$&()*+,;=:@/?%-]*)?$",
);

/// A receiver's URL: absolute http(s), with a host, no credentials, bounded length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// A URL as an operator gives it: it must match [`URL_PATTERN`].
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.len() > MAX_URL_LEN {
            let reason = format!("longer than {MAX_URL_LEN} characters");
            return Err(DomainError::invalid("url", reason));
        }
        static PATTERN: LazyLock<Regex> = LazyLock::new(|| compiled(URL_PATTERN));
        if !PATTERN.is_match(text) {
            return Err(DomainError::invalid(
                "url",
                "must be http(s)://, a lower-case host name or an IPv4 address, an optional \
                 port, then a path and query of URL characters (no credentials, no fragment)"
                    .to_owned(),
            ));
        }
        Self::parse_stored(text)
    }

    /// A URL as stored (already normalised by [`WebhookUrl::parse`]).
    pub fn parse_stored(text: &str) -> Result<Self, DomainError> {
        let bad = |why: &str| DomainError::invalid("url", why.to_owned());
        let url = url::Url::parse(text).map_err(|_| bad("not an absolute URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must be http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("has no host"));
        }
        // Credentials in a URL would be shown by every GET: the secret signs instead.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not carry credentials"));
        }
        // The bound holds for the form stored too (normalising can lengthen it: IDNA,
        // percent-encoding), so what is stored always parses again.
        let normalised = url.to_string();
        if normalised.len() > MAX_STORED_URL_LEN {
            return Err(bad("too long once normalised (percent-encoded)"));
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The prefix of a secret (Standard Webhooks "Signature scheme": `whsec_` + base64).
pub const SECRET_PREFIX: &str = "whsec_";
/// Key sizes accepted: the spec suggests 24–64 random bytes.
const KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

/// What a secret may be: `whsec_` and the canonical padded base64 of 24 to 64 bytes
/// (the last quad's unused bits zero, as the decoder demands). Shown as the OpenAPI
/// `pattern` and checked by the server, so both say the same.
pub const SECRET_PATTERN: &str = concat!(
    "^whsec_(",
    "([A-Za-z0-9+/]{4}){8,20}([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?",
    "|([A-Za-z0-9+/]{4}){21}([A-Za-z0-9+/][AQgw]==)?",
    ")$",
);

/// A signing secret, `whsec_<base64 key>`. Its `Debug` hides it (never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    text: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    /// A new secret: `whsec_` + base64 of 24 random bytes, as Standard Webhooks' libraries make.
    pub fn generate() -> Self {
        let mut key = vec![0u8; 24];
        OsRng.fill_bytes(&mut key);
        Self {
            text: format!("{SECRET_PREFIX}{}", STANDARD.encode(&key)),
            key,
        }
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::invalid(
                "secret",
                "must be whsec_ followed by the base64 of 24 to 64 bytes",
            )
        };
        static PATTERN: LazyLock<Regex> = LazyLock::new(|| compiled(SECRET_PATTERN));
        if !PATTERN.is_match(text) {
            return Err(bad());
        }
        let encoded = text.strip_prefix(SECRET_PREFIX).ok_or_else(bad)?;
        let key = STANDARD.decode(encoded).map_err(|_| bad())?;
        if !KEY_BYTES.contains(&key.len()) {
            return Err(bad());
        }
        Ok(Self {
            text: text.to_owned(),
            key,
        })
    }

    /// The secret as given to the operator and stored.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>` (Standard Webhooks
    /// "Signature scheme").
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The patterns are constants checked by the tests below: compiling cannot fail.
fn compiled(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a constant, valid pattern")
}

/// A registered receiver.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub id: EndpointId,
    pub url: WebhookUrl,
    /// Empty: every type.
    pub event_types: Vec<EventType>,
    /// Tenant codes; empty: every tenant.
    pub tenants: Vec<String>,
    pub secret: WebhookSecret,
    pub created_at: DateTime<Utc>,
    /// Delivered (or given up) up to here.
    pub cursor: FeedCursor,
    /// Attempts made at the event after the cursor.
    pub attempt: i64,
    /// When the first of those attempts failed (none failed: `None`).
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled: Option<Disabled>,
}

impl Endpoint {
    /// Whether an event of `event_type` from `tenant` goes to this endpoint.
    pub fn wants(&self, event_type: EventType, tenant: &str) -> bool {
        (self.event_types.is_empty() || self.event_types.contains(&event_type))
            && (self.tenants.is_empty() || self.tenants.iter().any(|t| t == tenant))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disabled {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What became of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx: the cursor moved past the event.
    Delivered,
    /// Failed; another attempt is scheduled.
    Retrying,
    /// Failed, and the retry window is spent: the event is given up.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Retrying => "retrying",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "delivered" => Ok(Outcome::Delivered),
            "retrying" => Ok(Outcome::Retrying),
            "failed" => Ok(Outcome::Failed),
            _ => Err(DomainError::internal("unknown delivery outcome")),
        }
    }
}

/// One recorded attempt.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub endpoint: EndpointId,
    /// The endpoint's attempt number, 1, 2…: its deliveries' page order.
    pub n: i64,
    pub event_id: String,
    /// Attempt at this event, from 1.
    pub attempt: i64,
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub http_status: Option<u16>,
    /// Why there was no answer (`timeout`, `connect`, `redirect`…) or why a status failed.
    pub error: Option<String>,
    pub latency_ms: i64,
    pub outcome: Outcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_bounded_http() {
        for good in [
            "https://example.com/hook",
            "http://127.0.0.1:9/x?y=1",
            "http://localhost:65535",
            "https://a-b.c9.example/p/q;r=s/%41?x=1&y=/z",
        ] {
            assert!(WebhookUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com/",
            "example.com",
            "",
            "https://u:p@example.com/",
            "HTTPS://Example.COM/",
            " https://example.com/",
            "https://example.com/#frag",
            "https://example.com/a b",
            "https://example.com:65536/",
            "https://example.com:0/",
            "https://256.1.1.1/",
            "https://a.123/",
            "https://xn--nxasmq6b.example/",
            "https://example.com/\n",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(WebhookUrl::parse(&long).is_err());
        // The longest URL the pattern takes, with every character a path may hold, stays
        // within the stored bound once normalised and parses again as stored.
        let prefix = "https://example.com/";
        let chars = "._~!$&'()*+,;=:@%-";
        let path: String = chars
            .chars()
            .cycle()
            .take(MAX_URL_LEN - prefix.len())
            .collect();
        let longest = format!("{prefix}{path}");
        let stored = WebhookUrl::parse(&longest).unwrap();
        assert!(stored.as_str().len() <= MAX_STORED_URL_LEN);
        assert_eq!(WebhookUrl::parse_stored(stored.as_str()).unwrap(), stored);
        let query: String = "?/%=&".chars().cycle().take(MAX_URL_LEN - 19).collect();
        let stored = WebhookUrl::parse(&format!("https://example.com{query}")).unwrap();
        assert!(stored.as_str().len() <= MAX_STORED_URL_LEN);
        // Rows stored before the pattern existed still load.
        assert!(WebhookUrl::parse_stored("https://example.com/a%20b").is_ok());
    }

    #[test]
    fn secrets_are_whsec_base64_of_enough_bytes() {
        let generated = WebhookSecret::generate();
        assert!(generated.expose().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(generated.expose()).unwrap(), generated);
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert_eq!(format!("{generated:?}"), "WebhookSecret(…)");
    }

    /// The pattern shown in the contract takes exactly the secrets the decoder takes: every
    /// key length from 0 to 70 bytes, and every last character of a padded quad.
    #[test]
    fn the_secret_pattern_is_exactly_what_decodes() {
        let pattern = compiled(SECRET_PATTERN);
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for len in 0..=70usize {
            let key: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = format!("{SECRET_PREFIX}{}", STANDARD.encode(&key));
            let decodes = KEY_BYTES.contains(&len);
            assert_eq!(pattern.is_match(&text), decodes, "{len} bytes");
            assert_eq!(WebhookSecret::parse(&text).is_ok(), decodes, "{len} bytes");
            let Some(stem) = text.strip_suffix('=') else {
                continue;
            };
            // Vary the last data character: only canonical ones (unused bits zero) decode.
            let (head, _) = stem
                .trim_end_matches('=')
                .split_at(stem.trim_end_matches('=').len() - 1);
            let pad = &text[head.len() + 1..];
            for c in alphabet.chars() {
                let variant = format!("{head}{c}{pad}");
                let decodes = STANDARD
                    .decode(&variant[SECRET_PREFIX.len()..])
                    .is_ok_and(|k| KEY_BYTES.contains(&k.len()));
                assert_eq!(pattern.is_match(&variant), decodes, "{variant}");
            }
        }
    }

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The Standard Webhooks reference libraries' test vector.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
