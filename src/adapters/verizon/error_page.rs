//! `GET /docs/verizon/errors`: the "Error codes" section of docs/verizon.md, built into the
//! binary and rendered as HTML, each code's heading carrying the code as its `id` — the page
//! `referenceError` points at (issue 14 item 7). One text serves GitHub readers and API
//! clients, so the two cannot drift; a test holds the headings equal to [`Code::ALL`].

use std::sync::OnceLock;

use actix_web::{HttpRequest, HttpResponse};
use pulldown_cmark::{html::push_html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::adapters::http::{html, public_url};

use super::code::Code;

/// Where the page is served.
pub const PATH: &str = "/docs/verizon/errors";

const DOC: &str = include_str!("../../../docs/verizon.md");
const SECTION: &str = "## Error codes";

/// `referenceError` for `code`: absolute (its schema says `format: uri`), from
/// `--public-base-url` or the request's own address (`public_url`).
pub(super) fn url(req: &HttpRequest, code: Code) -> String {
    format!("{}{PATH}#{}", public_url::base(req), code.as_str())
}

/// The error codes of the Verizon API, one anchor per code.
#[utoipa::path(get, path = "/docs/verizon/errors", tag = "verizon", operation_id = "verizonErrorCodes",
    responses((status = 200, description = "The Verizon error codes; each code's heading has the code as its id \
        (the fragment of referenceError)", content_type = "text/html")))]
pub(super) async fn get() -> HttpResponse {
    html::ok(page().to_owned())
}

fn page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let body = render(section(DOC));
        html::page("Verizon Digital Connect: error codes", &body)
    })
}

/// From the section's heading to the next heading of its level (or the end).
fn section(doc: &str) -> &str {
    let Some(start) = doc.find(&format!("\n{SECTION}\n")) else {
        return "";
    };
    let rest = &doc[start + 1..];
    let end = rest[SECTION.len()..]
        .find("\n## ")
        .map_or(rest.len(), |at| at + SECTION.len());
    &rest[..end]
}

/// Markdown to HTML with GitHub's habits where this page needs them: a `###` heading's id is
/// its text (the code, case kept, so `#notFound` works), the `##` one `error-codes`. Links
/// to other pages of docs/ are not served here, so they become their text; raw HTML is
/// escaped.
fn render(markdown: &str) -> String {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'_>>)> = None;
    let mut kept_links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        let event = match event {
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = dest_url.starts_with("http") || dest_url.starts_with('#');
                kept_links.push(keep);
                if !keep {
                    continue;
                }
                event
            }
            Event::End(TagEnd::Link) => {
                if !kept_links.pop().unwrap_or(true) {
                    continue;
                }
                event
            }
            // Raw HTML in the Markdown is shown, not obeyed.
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            other => other,
        };
        match (&mut heading, event) {
            (None, Event::Start(Tag::Heading { level, .. })) => heading = Some((level, Vec::new())),
            (Some((level, inner)), Event::End(TagEnd::Heading(_))) => {
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let id = match level {
                    HeadingLevel::H3 => text.trim().to_owned(),
                    _ => text.trim().to_ascii_lowercase().replace(' ', "-"),
                };
                events.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                events.append(inner);
                events.push(Event::End(TagEnd::Heading(*level)));
                heading = None;
            }
            (Some((_, inner)), event) => inner.push(event),
            (None, event) => events.push(event),
        }
    }
    let mut out = String::new();
    push_html(&mut out, events.into_iter());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `id="…"` of the page, in order.
    fn ids(html: &str) -> Vec<&str> {
        html.split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    #[test]
    fn every_code_has_an_anchor_and_every_anchor_is_a_code() {
        let page = page();
        let mut anchors: Vec<&str> = ids(page)
            .into_iter()
            .filter(|id| *id != "error-codes")
            .collect();
        let mut codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        anchors.sort_unstable();
        codes.sort_unstable();
        assert_eq!(anchors, codes);
        assert!(ids(page).contains(&"error-codes"));
    }

    #[test]
    fn each_code_s_status_is_the_one_its_entry_names() {
        let section = section(DOC);
        for code in Code::ALL {
            let heading = format!("### {}\n\n", code.as_str());
            let at = section
                .find(&heading)
                .unwrap_or_else(|| panic!("{code:?} undocumented"))
                + heading.len();
            let status = code.status().as_u16().to_string();
            assert!(section[at..].starts_with(&status), "{code:?}");
        }
    }

    #[test]
    fn the_section_ends_where_the_next_begins() {
        let doc = "# T\n\n## Error codes\n\n### a\n\nx\n\n## Try it\n\nno";
        assert_eq!(section(doc), "## Error codes\n\n### a\n\nx\n");
        assert_eq!(section("nothing"), "");
    }

    #[test]
    fn links_into_docs_become_text_and_markup_is_escaped() {
        let html = render(
            "### code\n\nSee [operations](operations.md#x) or [MEF](https://mef.net) <b>.\n",
        );
        assert!(html.contains("<h3 id=\"code\">code</h3>"), "{html}");
        assert!(
            html.contains("See operations or <a href=\"https://mef.net\">MEF</a> &lt;b&gt;."),
            "{html}"
        );
    }
}
