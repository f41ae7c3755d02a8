//! The `Authorization` header, parsed once: HTTP Basic (RFC 7617) or Bearer (RFC 6750).
//! Which scheme means what is each vendor adapter's business.

use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::client_addr::client_of;
use crate::service::auth::Attempt;

#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
    /// No `Authorization` header at all.
    Missing,
    /// A header we cannot read: unknown scheme, bad base64, no colon, not UTF-8.
    Malformed,
}

/// Secrets stay out of logs.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
            Credentials::Missing => f.write_str("Missing"),
            Credentials::Malformed => f.write_str("Malformed"),
        }
    }
}

/// A password sign-in from this request's client (see `client_addr`).
pub fn attempt<'a>(req: &HttpRequest, username: &'a str, password: &'a str) -> Attempt<'a> {
    Attempt {
        username,
        password,
        source: client_of(req),
    }
}

pub fn credentials(req: &HttpRequest) -> Credentials {
    match req.headers().get(header::AUTHORIZATION) {
        None => Credentials::Missing,
        Some(value) => value.to_str().map(parse).unwrap_or(Credentials::Malformed),
    }
}

pub fn parse(value: &str) -> Credentials {
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let Ok(decoded) = STANDARD.decode(rest) else {
            return Credentials::Malformed;
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return Credentials::Malformed;
        };
        match text.split_once(':') {
            Some((username, password)) => Credentials::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            },
            None => Credentials::Malformed,
        }
    } else if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        Credentials::Bearer(rest.to_owned())
    } else {
        Credentials::Malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_basic_and_bearer() {
        // "ds-gym:Gym:Pass" — the password may contain colons (RFC 7617 §2).
        let encoded = STANDARD.encode("ds-gym:Gym:Pass");
        assert_eq!(
            parse(&format!("Basic {encoded}")),
            Credentials::Basic {
                username: "ds-gym".into(),
                password: "Gym:Pass".into()
            }
        );
        assert_eq!(
            parse("bearer abc.def"),
            Credentials::Bearer("abc.def".into())
        );
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "Basic !!!",
            "Basic ",
            "Digest x",
            "Bearer",
            "Bearer   ",
            "garbage",
        ] {
            assert_eq!(parse(bad), Credentials::Malformed, "{bad}");
        }
        let no_colon = STANDARD.encode("nocolon");
        assert_eq!(parse(&format!("Basic {no_colon}")), Credentials::Malformed);
    }

    #[test]
    fn debug_hides_secrets() {
        let creds = Credentials::Basic {
            username: "u".into(),
            password: "p4ss".into(),
        };
        assert!(!format!("{creds:?}").contains("p4ss"));
    }
}
