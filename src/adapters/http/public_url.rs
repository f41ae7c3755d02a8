//! Where clients reach this service, for absolute links in replies (Verizon's
//! `referenceError`, docs/verizon.md "Decisions"): `--public-base-url` when set, else
//! `X-Forwarded-Proto/Host` when the proxy is trusted (the right-most values, the ones our
//! own proxy wrote: see `client_addr`), else the request's own scheme and `Host`.
//!
//! The WSDL's `soap:address` is `base_with(..) + SERVICE_PATH` (docs/design.md §6.1):
//! one set of rules for every absolute link we write.

use actix_web::http::header;
use actix_web::{web, HttpRequest};

use super::client_addr::{forwarded_value, ProxyTrust};
use super::AppState;

/// `scheme://host[:port]` (or the configured base), without a trailing slash, under this
/// server's settings (none configured and no proxy trusted when it has none).
pub fn base(req: &HttpRequest) -> String {
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => base_with(
            req,
            state.settings.public_base_url.as_deref(),
            &state.settings.proxy,
        ),
        None => base_with(req, None, &ProxyTrust::default()),
    }
}

/// [`base`] with the settings given.
pub fn base_with(req: &HttpRequest, public_base_url: Option<&str>, trust: &ProxyTrust) -> String {
    if let Some(base) = public_base_url.filter(|b| !b.is_empty()) {
        return base.trim_end_matches('/').to_owned();
    }
    let config = req.app_config();
    let mut scheme = if config.secure() { "https" } else { "http" }.to_owned();
    let mut host = first_value(req, header::HOST.as_str())
        .filter(|h| plausible_host(h))
        .unwrap_or_else(|| config.host().to_owned());
    if let Some(proto) = forwarded_value(req, "x-forwarded-proto", trust) {
        let proto = proto.to_ascii_lowercase();
        if proto == "http" || proto == "https" {
            scheme = proto;
        }
    }
    if let Some(forwarded) =
        forwarded_value(req, "x-forwarded-host", trust).filter(|h| plausible_host(h))
    {
        host = forwarded;
    }
    format!("{scheme}://{host}")
}

/// The first of a comma-separated list of values (`Host` is never a list).
fn first_value(req: &HttpRequest, name: &str) -> Option<String> {
    let value = req.headers().get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then(|| first.to_owned())
}

/// A host name or address with an optional port: nothing that could break out of a URL.
fn plausible_host(host: &str) -> bool {
    host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn hosts_that_could_inject_markup_are_ignored() {
        assert!(plausible_host("billing.example.com:8443"));
        assert!(plausible_host("[::1]:8080"));
        assert!(!plausible_host("evil\"><x"));
        assert!(!plausible_host("a/b"));
    }

    #[test]
    fn the_host_header_names_the_base_unless_it_could_inject() {
        let req = TestRequest::default()
            .insert_header(("Host", "billing.example.com:8443"))
            .to_http_request();
        assert_eq!(base(&req), "http://billing.example.com:8443");
        let req = TestRequest::default()
            .insert_header(("Host", "evil\"><x"))
            .to_http_request();
        assert_eq!(base(&req), "http://localhost:8080");
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        // No AppState: no proxy is trusted.
        let req = TestRequest::default()
            .insert_header(("Host", "inner:8080"))
            .insert_header(("X-Forwarded-Host", "attacker.example"))
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        assert_eq!(base(&req), "http://inner:8080");
    }
}
