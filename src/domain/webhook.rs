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
use sha2::Sha256;

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

/// A receiver's URL: absolute http(s), with a host, no credentials, bounded length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.len() > MAX_URL_LEN {
            let reason = format!("longer than {MAX_URL_LEN} characters");
            return Err(DomainError::invalid("url", reason));
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
        assert!(WebhookUrl::parse("https://example.com/hook").is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:9/x?y=1").is_ok());
        for bad in [
            "ftp://example.com/",
            "example.com",
            "",
            "https://u:p@example.com/",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(WebhookUrl::parse(&long).is_err());
        // Short enough as given, too long once percent-encoded: refused, never stored.
        let grows = format!("https://example.com/{}", "é".repeat(700));
        assert!(WebhookUrl::parse(&grows).is_err());
        let stored = WebhookUrl::parse("HTTPS://Example.COM/a b").unwrap();
        assert_eq!(WebhookUrl::parse_stored(stored.as_str()).unwrap(), stored);
        let longest = format!("https://example.com{}", "a".repeat(MAX_URL_LEN - 19));
        let stored = WebhookUrl::parse(&longest).unwrap();
        assert_eq!(WebhookUrl::parse_stored(stored.as_str()).unwrap(), stored);
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
