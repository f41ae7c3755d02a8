//! `GET /` (and HEAD): what this service serves (issue 14 item 5) — the five APIs' base
//! paths, the WSDL, the OpenAPI document, the operational endpoints and the documentation
//! pages. HTML when `Accept` prefers `text/html` (browsers), JSON otherwise. One list feeds
//! both forms. Links are paths, so they hold behind any proxy.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::http::html;
use super::{billing_care, crmcom, debitsuccess, flolive, verizon};

/// One link of the index.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct Link {
    /// What is there.
    title: &'static str,
    /// The path, relative to this server.
    href: &'static str,
}

/// The index, as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct Index {
    /// `billing-compat`.
    name: &'static str,
    /// The service's version.
    version: &'static str,
    /// The five vendor APIs, by base path.
    apis: Vec<Link>,
    /// Machine-readable descriptions: the WSDL and the OpenAPI document.
    descriptions: Vec<Link>,
    /// Health, readiness and metrics.
    operations: Vec<Link>,
    /// Documentation pages this service serves.
    docs: Vec<Link>,
}

const fn link(title: &'static str, href: &'static str) -> Link {
    Link { title, href }
}

fn index() -> Index {
    Index {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        apis: vec![
            link(
                "Debitsuccess SOAP 1.1 and 1.2 (and its JSON form)",
                debitsuccess::SERVICE_PATH,
            ),
            link("floLIVE REST", flolive::BASE),
            link("CRM.COM Web API", crmcom::BASE),
            link("Oracle Billing Care REST", billing_care::BASE),
            link("Verizon Digital Connect", verizon::BASE),
        ],
        descriptions: vec![
            link(
                "Debitsuccess WSDL (schemas imported)",
                "/DSWebService/DSServices.svc?wsdl",
            ),
            link(
                "Debitsuccess WSDL (one file)",
                "/DSWebService/DSServices.svc?singleWsdl",
            ),
            link("OpenAPI 3.1 of every REST operation", "/openapi.json"),
        ],
        operations: vec![
            link("Liveness", "/healthz"),
            link("Readiness (the database answers)", "/readyz"),
            link("Prometheus metrics", "/metrics"),
            link("Operator console (docs/console.md)", "/console/"),
        ],
        docs: vec![link("Verizon error codes", verizon::ERROR_PAGE)],
    }
}

/// The index of this service: its APIs, descriptions, operational endpoints and docs.
#[utoipa::path(get, path = "/", tag = "service", operation_id = "index", responses(
    (status = 200, description = "HTML when Accept prefers text/html, JSON otherwise",
     content((Index = "application/json"), (String = "text/html")))
))]
pub async fn get(req: HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    if prefers_html(accept) {
        html::ok(as_html(&index()))
    } else {
        let mut response = HttpResponse::Ok().json(index());
        response
            .headers_mut()
            .insert(header::VARY, header::HeaderValue::from_static("Accept"));
        response
    }
}

fn as_html(index: &Index) -> String {
    let mut body = format!(
        "<h1>{} {}</h1>\n<p>Five legacy billing vendors' APIs over one domain core.</p>\n",
        html::escape(index.name),
        html::escape(index.version)
    );
    for (heading, links) in [
        ("APIs", &index.apis),
        ("Descriptions", &index.descriptions),
        ("Operations", &index.operations),
        ("Documentation", &index.docs),
    ] {
        body.push_str(&format!("<h2>{heading}</h2>\n<ul>\n"));
        for link in links {
            body.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <code>{}</code></li>\n",
                html::escape(link.href),
                html::escape(link.title),
                html::escape(link.href)
            ));
        }
        body.push_str("</ul>\n");
    }
    html::page("billing-compat", &body)
}

/// HTML only when `Accept` names `text/html` (or XHTML) with a higher quality than any
/// explicit JSON: a browser's `text/html,…,*/*;q=0.8` gets the page, `*/*` (curl) and
/// `application/json` get JSON.
fn prefers_html(accept: Option<&str>) -> bool {
    let (mut html, mut json) = (0u16, 0u16);
    for range in accept.unwrap_or("").split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .filter_map(|v| v.trim().parse::<f32>().ok())
            .next_back()
            .unwrap_or(1.0);
        let q = (q.clamp(0.0, 1.0) * 1000.0).round() as u16;
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "application/json" => json = json.max(q),
            _ => {}
        }
    }
    html > json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_html_and_everyone_else_json() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(prefers_html(Some(firefox)));
        assert!(prefers_html(Some("text/html")));
        assert!(!prefers_html(None));
        assert!(!prefers_html(Some("*/*")));
        assert!(!prefers_html(Some("application/json")));
        assert!(!prefers_html(Some("application/json, text/html;q=0.5")));
        assert!(!prefers_html(Some("text/html;q=0")));
    }

    #[test]
    fn the_page_links_every_entry() {
        let index = index();
        let page = as_html(&index);
        for link in index
            .apis
            .iter()
            .chain(&index.descriptions)
            .chain(&index.operations)
            .chain(&index.docs)
        {
            let href = format!("href=\"{}\"", html::escape(link.href));
            assert!(page.contains(&href), "{href}");
        }
        assert_eq!(index.apis.len(), 5);
    }
}
