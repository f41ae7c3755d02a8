//! Who the client is, for throttling and logs, and which `X-Forwarded-*` values to believe
//! (issue 13 rows 1 and 8; docs/operations.md "Credential checks under attack").
//!
//! Without `--trust-proxy` the client is the TCP peer and forwarding headers are ignored.
//! With it, the peer is a proxy we trust, and so is any address in `--trusted-proxies`.
//! Proxies *append* to `X-Forwarded-For`, so everything left of the last trusted hop was
//! written by whoever the client is: we walk the list from the right and stop at the first
//! address that is not a trusted proxy — the right-most untrusted hop. A client that sends
//! `X-Forwarded-For: 1.2.3.4` of its own cannot become 1.2.3.4. `X-Forwarded-Host` and
//! `X-Forwarded-Proto` are read the same way: the right-most value, the one our own proxy
//! wrote (the first is the client's, as an attacker's `soap:address` showed).

use std::net::{IpAddr, Ipv4Addr};

use actix_web::HttpRequest;
use ipnet::IpNet;

use super::AppState;

/// Which hops report the client truthfully.
#[derive(Clone, Debug, Default)]
pub struct ProxyTrust {
    /// The TCP peer is a proxy we trust (`--trust-proxy`).
    pub enabled: bool,
    /// Further proxies of a chain (`--trusted-proxies`), trusted only with `enabled`.
    pub networks: Vec<IpNet>,
}

impl ProxyTrust {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|net| net.contains(&ip))
    }
}

/// Parses a `--trusted-proxies` entry: a network (`10.0.0.0/8`) or one address.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an address nor a network (a.b.c.d/n)"))
}

/// The client's address (see the module documentation).
pub fn client_ip(req: &HttpRequest, trust: &ProxyTrust) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip());
    if !trust.enabled {
        return peer;
    }
    let mut client = peer;
    for hop in values(req, "x-forwarded-for").rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip;
                if !trust.trusts(ip) {
                    break;
                }
            }
            // A hop we cannot read was written by someone we do not trust: the last
            // address we could vouch for stands.
            None => break,
        }
    }
    client
}

/// The client's address under this server's proxy settings.
pub fn client_of(req: &HttpRequest) -> IpAddr {
    match req.app_data::<actix_web::web::Data<AppState>>() {
        Some(state) => client_ip(req, &state.settings.proxy),
        None => client_ip(req, &ProxyTrust::default()),
    }
}

/// The right-most value of a forwarding header, when proxies are trusted.
pub fn forwarded_value(req: &HttpRequest, name: &str, trust: &ProxyTrust) -> Option<String> {
    if !trust.enabled {
        return None;
    }
    values(req, name)
        .next_back()
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Every comma-separated value of every line of header `name`, in order.
fn values<'a>(req: &'a HttpRequest, name: &str) -> impl DoubleEndedIterator<Item = &'a str> {
    req.headers()
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<std::net::SocketAddr>() {
        return Some(addr.ip());
    }
    let (host, _port) = hop.rsplit_once(':')?;
    host.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn request(xff: &[&str]) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr("10.0.0.2:5000".parse().unwrap());
        for line in xff {
            req = req.append_header(("X-Forwarded-For", *line));
        }
        req.to_http_request()
    }

    fn trust(networks: &[&str]) -> ProxyTrust {
        ProxyTrust {
            enabled: true,
            networks: networks.iter().map(|n| parse_network(n).unwrap()).collect(),
        }
    }

    #[test]
    fn without_trust_the_peer_is_the_client() {
        let req = request(&["1.2.3.4"]);
        assert_eq!(
            client_ip(&req, &ProxyTrust::default()),
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        // The client claims 1.2.3.4; our proxy appended the address it saw, 198.51.100.7.
        let req = request(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(
            client_ip(&req, &trust(&[])),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Two proxies of ours (10.0.0.0/8): the hop before them is the client.
        let req = request(&["1.2.3.4, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(
            client_ip(&req, &trust(&["10.0.0.0/8"])),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Ports and brackets are tolerated.
        let req = request(&["[2001:db8::1]:4711"]);
        assert_eq!(
            client_ip(&req, &trust(&[])),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn garbage_or_no_header_leaves_the_last_trusted_address() {
        assert_eq!(
            client_ip(&request(&[]), &trust(&[])),
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(&request(&["1.2.3.4, not-an-ip"]), &trust(&[])),
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_host_is_the_right_most_value() {
        let req = TestRequest::default()
            .append_header(("X-Forwarded-Host", "attacker.example, billing.example.com"))
            .to_http_request();
        assert_eq!(
            forwarded_value(&req, "x-forwarded-host", &trust(&[])).as_deref(),
            Some("billing.example.com")
        );
        assert_eq!(
            forwarded_value(&req, "x-forwarded-host", &ProxyTrust::default()),
            None
        );
    }

    #[test]
    fn networks_parse_with_or_without_a_prefix() {
        assert!(parse_network("10.0.0.0/8").is_ok());
        assert!(parse_network("192.0.2.1").is_ok());
        assert!(parse_network("::1").is_ok());
        assert!(parse_network("nope").is_err());
    }
}
