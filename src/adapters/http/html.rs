//! The shell of the few HTML pages this service serves (the index at `/`, Verizon's error
//! codes at `/docs/verizon/errors`). No template crate: each page is a heading and a list,
//! or Markdown rendered by pulldown-cmark, so one function with escaping is all a template
//! would do here; text that goes into markup goes through [`escape`].

use std::borrow::Cow;

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;

/// `&`, `<`, `>`, `'` and `"` escaped: safe in text and in quoted attributes.
pub fn escape(text: &str) -> Cow<'_, str> {
    super::xml_text::markup(text)
}

/// A complete HTML5 document around `body` (already markup).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title></head>\n<body>\n{body}</body></html>\n",
        escape(title)
    )
}

/// A 200 with `html`.
pub fn ok(html: String) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html);
    // Pages that also answer JSON say so to caches; harmless on the others.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_are_escaped() {
        let html = super::page("a <b> & \"c\"", "<p>x</p>\n");
        assert!(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
}
