//! `GET /DSWebService/DSServices.svc?wsdl` (schemas imported from `?xsd=xsd0|xsd1`, as WCF
//! serves them), `?singleWsdl` (both schemas inline) and the schemas themselves, with
//! `soap:address` pointing where the client reached us (docs/design.md §6.1): the configured public
//! base URL, else `X-Forwarded-Proto/Host` when the proxy is trusted, else the request's
//! own scheme and Host. The sources live in `wsdl/` and `xsd/` and are built in.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::public_url;
use crate::adapters::http::xml_text;
use crate::adapters::http::AppState;
use crate::config::Settings;

use super::fields::CORE_NS;
use super::soap::decode::SERVICE_NS;

pub const SERVICE_PATH: &str = "/DSWebService/DSServices.svc";

const WSDL: &str = include_str!("../../../wsdl/DSServices.wsdl");
const SERVICE_XSD: &str = include_str!("../../../xsd/DSServices.xsd");
const CORE_XSD: &str = include_str!("../../../xsd/Core.xsd");
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// What a GET on the service asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Document {
    Wsdl,
    SingleWsdl,
    ServiceSchema,
    CoreSchema,
    HelpPage,
    Unknown,
}

/// WCF reads these query keys case-insensitively (`?wsdl`, `?WSDL`, `?singleWsdl`).
fn requested(query: &str) -> Document {
    let first = query.split('&').next().unwrap_or("");
    let (key, value) = first.split_once('=').unwrap_or((first, ""));
    match (key.to_ascii_lowercase().as_str(), value) {
        ("", _) => Document::HelpPage,
        ("wsdl", _) => Document::Wsdl,
        ("singlewsdl", _) => Document::SingleWsdl,
        ("xsd", "xsd0") => Document::ServiceSchema,
        ("xsd", "xsd1") => Document::CoreSchema,
        ("xsd", _) => Document::Unknown,
        _ => Document::HelpPage,
    }
}

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let address = service_address(&req, &state.settings);
    let xml = |body: String| {
        HttpResponse::Ok()
            .content_type("text/xml; charset=utf-8")
            .body(body)
    };
    match requested(req.query_string()) {
        Document::Wsdl => xml(wsdl(&address)),
        Document::SingleWsdl => xml(single_wsdl(&address)),
        Document::ServiceSchema => xml(format!(
            "{XML_DECLARATION}{}",
            service_schema(Some(&address))
        )),
        Document::CoreSchema => xml(format!("{XML_DECLARATION}{CORE_XSD}")),
        Document::HelpPage => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(help_page(&address)),
        Document::Unknown => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("No such schema: the service publishes ?xsd=xsd0 and ?xsd=xsd1.\n"),
    }
}

/// The WSDL importing its schemas from `?xsd=xsd0` and `?xsd=xsd1`, as WCF's `?wsdl`. The
/// numbers are WCF's (`xsd0` the service namespace, `xsd1` the data contracts; clients keep
/// these URLs), but the data contracts are imported first, in the order `?singleWsdl` lists
/// them: every schema after the ones it imports.
pub fn wsdl(address: &str) -> String {
    let location = xml_text::attribute(address);
    let types = format!(
        "<xsd:schema targetNamespace=\"{SERVICE_NS}/Imports\">\
         <xsd:import schemaLocation=\"{location}?xsd=xsd1\" namespace=\"{CORE_NS}\"/>\
         <xsd:import schemaLocation=\"{location}?xsd=xsd0\" namespace=\"{SERVICE_NS}\"/>\
         </xsd:schema>"
    );
    fill(&types, &location)
}

/// The WSDL with both schemas inline and no `schemaLocation`, as WCF's `?singleWsdl`. The
/// data contracts come first: the operations schema imports them, and a single-pass reader
/// (JAX-WS `wsimport`) warned `src-resolve: Cannot resolve the name
/// 'q1:AdjustAccountTerminationDateRequest'` when they followed it (issue 14, item 10).
pub fn single_wsdl(address: &str) -> String {
    let types = format!("{CORE_XSD}\n{}", service_schema(None));
    fill(&types, &xml_text::attribute(address))
}

/// `DSServices.xsd` importing Core from `?xsd=xsd1`, or (inline) with no location at all.
fn service_schema(address: Option<&str>) -> String {
    match address {
        Some(address) => SERVICE_XSD.replace(
            "{{XSD_CORE}}",
            &format!("{}?xsd=xsd1", xml_text::attribute(address)),
        ),
        None => SERVICE_XSD.replace(" schemaLocation=\"{{XSD_CORE}}\"", ""),
    }
}

fn fill(types: &str, escaped_address: &str) -> String {
    WSDL.replace("<!--{{TYPES}}-->", types)
        .replace("{{SOAP_ADDRESS}}", escaped_address)
}

/// Where clients reach the service (see the module comment for the precedence).
pub fn service_address(req: &HttpRequest, settings: &Settings) -> String {
    let base = public_url::base_with(req, settings.public_base_url.as_deref(), &settings.proxy);
    format!("{base}{SERVICE_PATH}")
}

/// What WCF shows on a plain GET: where the WSDL is.
fn help_page(address: &str) -> String {
    let address = xml_text::text(address);
    format!(
        "<!DOCTYPE html>\n<html><head><title>DSServices Service</title></head><body>\
         <h1>DSServices Service</h1><p>You have created a service.</p>\
         <p>To test this service, you will need to create a client and use it to call the service. \
         You can do this using SoapUI or svcutil.exe from the command line with the following syntax:</p>\
         <pre>svcutil.exe <a href=\"{address}?wsdl\">{address}?wsdl</a></pre>\
         <p>You can also access the service description as a single file:</p>\
         <pre><a href=\"{address}?singleWsdl\">{address}?singleWsdl</a></pre></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_pick_documents_like_wcf() {
        assert_eq!(requested("wsdl"), Document::Wsdl);
        assert_eq!(requested("WSDL"), Document::Wsdl);
        assert_eq!(requested("singleWsdl"), Document::SingleWsdl);
        assert_eq!(requested("xsd=xsd0"), Document::ServiceSchema);
        assert_eq!(requested("xsd=xsd1"), Document::CoreSchema);
        assert_eq!(requested("xsd=xsd7"), Document::Unknown);
        assert_eq!(requested(""), Document::HelpPage);
    }

    #[test]
    fn every_placeholder_is_filled() {
        for text in [
            wsdl("http://h/DSWebService/DSServices.svc"),
            single_wsdl("http://h/DSWebService/DSServices.svc"),
            service_schema(Some("http://h/x")),
            service_schema(None),
        ] {
            assert!(!text.contains("{{"), "{text}");
        }
        assert!(!single_wsdl("x").contains("schemaLocation="));
    }
}
