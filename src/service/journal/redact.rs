//! Secrets out of journaled requests (docs/operations.md "Request journal", "Redaction").
//!
//! One rule for every API, applied by shape, because a body may be cut at the cap (so it
//! need not parse) and a client may send any shape: the value of every XML element, JSON
//! member, form field or query parameter whose name, without namespace prefix, case, `-`
//! and `_`, is one of [`SECRET_NAMES`] becomes `***`; so do the credentials of an
//! `Authorization` header (its scheme is kept). What each API carries:
//! - Debitsuccess: `User/Password` in the body, WS-Security `UsernameToken` `Password` and
//!   `Nonce`, HTTP Basic;
//! - floLIVE, Verizon: HTTP Basic or `Authorization: Bearer <API key>`;
//! - CRM.COM: `password` at login, the `token` in its reply and in every later call's
//!   body or query string;
//! - Billing Care: HTTP Basic client credentials, the `access_token` of
//!   `queryAccessToken`'s reply, then `Authorization: Bearer`.

/// What a secret's value is replaced with.
pub const MASK: &str = "***";

/// Names whose values are secrets, lower case without `-` and `_`.
pub const SECRET_NAMES: [&str; 12] = [
    "password",
    "passwd",
    "passworddigest",
    "nonce",
    "token",
    "accesstoken",
    "refreshtoken",
    "authtoken",
    "apikey",
    "secret",
    "clientsecret",
    "authorization",
];

/// Whether `name` (an element, member, field or header name) holds a secret.
pub fn is_secret(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name);
    let folded: String = local
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_NAMES.contains(&folded.as_str())
}

/// A body, by its shape: XML, JSON, or a form; anything else as it is.
pub fn body(text: &str) -> String {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    match start.as_bytes().first() {
        Some(b'<') => xml(text),
        Some(b'{' | b'[') => json(text),
        Some(_) if looks_like_form(start) => form(text),
        _ => text.to_owned(),
    }
}

/// A header's value: credentials of `Authorization` (and of any header named like a
/// secret, `X-` prefix or not) masked, the scheme kept so the reader sees Basic from Bearer.
pub fn header(name: &str, value: &str) -> String {
    let unprefixed = name
        .get(..2)
        .filter(|head| head.eq_ignore_ascii_case("x-"))
        .map_or(name, |_| &name[2..]);
    if !is_secret(unprefixed) && !name.eq_ignore_ascii_case("proxy-authorization") {
        return value.to_owned();
    }
    match value.trim().split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {MASK}"),
        None => MASK.to_owned(),
    }
}

/// A path with its query string's secret parameters masked.
pub fn path(path_and_query: &str) -> String {
    match path_and_query.split_once('?') {
        Some((path, query)) => format!("{path}?{}", form(query)),
        None => path_and_query.to_owned(),
    }
}

fn looks_like_form(text: &str) -> bool {
    let head = text.split('&').next().unwrap_or("");
    head.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && !name.contains([' ', '\n', '<', '"']))
}

/// `name=value&…` with secret values masked.
fn form(text: &str) -> String {
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if is_secret(&decoded(name)) && !value.is_empty() => {
                format!("{name}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn decoded(name: &str) -> String {
    url::form_urlencoded::parse(name.as_bytes())
        .next()
        .map_or_else(|| name.to_owned(), |(key, _)| key.into_owned())
}

/// XML text with the content of every secret-named element masked. A scan, not a parse:
/// it works on a body cut at the cap, where a secret's value may run to the end.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(end) = tag_end(rest) else {
            out.push_str(rest);
            return out;
        };
        let tag = &rest[..=end];
        out.push_str(tag);
        rest = &rest[end + 1..];
        if !opens_secret(tag) {
            continue;
        }
        let stop = if rest.starts_with("<![CDATA[") {
            rest.find("]]>").map_or(rest.len(), |i| i + 3)
        } else {
            rest.find('<').unwrap_or(rest.len())
        };
        if stop > 0 {
            out.push_str(MASK);
        }
        rest = &rest[stop..];
    }
    out.push_str(rest);
    out
}

/// The index of the `>` closing the tag `tag` starts (quotes in attributes respected).
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn opens_secret(tag: &str) -> bool {
    let inner = &tag[1..tag.len() - 1];
    if inner.starts_with(['/', '?', '!']) || inner.ends_with('/') {
        return false;
    }
    let name = inner
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    is_secret(name)
}

/// JSON text with the value of every secret-named member masked: strings keep their
/// quotes, other scalars become the string `"***"`. Also a scan, for cut bodies.
fn json(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let end = string_end(bytes, i);
        let name = &text[i + 1..end];
        let mut j = skip_space(bytes, end + 1);
        if end >= bytes.len() || bytes.get(j) != Some(&b':') || !is_secret(name) {
            i = end + 1;
            continue;
        }
        j = skip_space(bytes, j + 1);
        match bytes.get(j) {
            Some(b'"') => {
                let value_end = string_end(bytes, j);
                out.push_str(&text[copied..=j]);
                out.push_str(MASK);
                copied = value_end.min(bytes.len());
                i = value_end + 1;
            }
            Some(b'{' | b'[') | None => i = j,
            Some(_) => {
                let value_end = bytes[j..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                    .map_or(bytes.len(), |n| j + n);
                if &text[j..value_end] != "null" {
                    out.push_str(&text[copied..j]);
                    out.push('"');
                    out.push_str(MASK);
                    out.push('"');
                    copied = value_end;
                }
                i = value_end;
            }
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// The index of the quote closing the string opened at `start` (or the text's length).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absent_and_kept(redacted: &str, secrets: &[&str], kept: &[&str]) {
        for secret in secrets {
            assert!(!redacted.contains(secret), "{secret} left in {redacted}");
        }
        for text in kept {
            assert!(redacted.contains(text), "{text} lost from {redacted}");
        }
    }

    #[test]
    fn debitsuccess_body_and_ws_security_passwords_and_nonces_are_masked() {
        let body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><o:Security><o:UsernameToken><o:Username>ds-gym</o:Username><o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">c2VjcmV0RGlnZXN0</o:Password><o:Nonce EncodingType="x">bm9uY2VWYWx1ZQ==</o:Nonce></o:UsernameToken></o:Security></s:Header><s:Body><a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User><a:AccountReferenceNo>DS1000001</a:AccountReferenceNo></s:Body></s:Envelope>"#;
        let redacted = body_of(body);
        absent_and_kept(
            &redacted,
            &["Gym-Pass-2024", "c2VjcmV0RGlnZXN0", "bm9uY2VWYWx1ZQ=="],
            &[
                "ds-gym",
                "DS1000001",
                "<a:Password>***</a:Password>",
                "PasswordDigest",
            ],
        );
        let json = r#"{"User":{"Username":"ds-gym","Password":"Gym-Pass-2024"},"AccountReferenceNo":"DS1000001"}"#;
        absent_and_kept(&body_of(json), &["Gym-Pass-2024"], &["ds-gym", "DS1000001"]);
    }

    fn body_of(text: &str) -> String {
        body(text)
    }

    #[test]
    fn crmcom_passwords_and_tokens_are_masked_in_bodies_replies_and_query_strings() {
        let login =
            r#"{"username": "crm-agent", "password": "Crm-Pass-2024", "organisation": "acme"}"#;
        absent_and_kept(&body(login), &["Crm-Pass-2024"], &["crm-agent", "acme"]);
        let xml =
            "<request><username>crm-agent</username><password>Crm-Pass-2024</password></request>";
        absent_and_kept(&body(xml), &["Crm-Pass-2024"], &["crm-agent"]);
        let reply = r#"{"data":{"token":"8579145FD808FEBF"},"status":{"code":"OK"}}"#;
        absent_and_kept(&body(reply), &["8579145FD808FEBF"], &[r#""code":"OK""#]);
        let query = "/crmapi/rest/v2/x/show?token=8579145FD808FEBF&number=PR-1";
        absent_and_kept(
            &path(query),
            &["8579145FD808FEBF"],
            &["number=PR-1", "token=***"],
        );
        let form = "token=8579145FD808FEBF&number=PR-1";
        absent_and_kept(&body(form), &["8579145FD808FEBF"], &["number=PR-1"]);
    }

    #[test]
    fn billing_care_access_tokens_and_client_credentials_are_masked() {
        let reply = r#"{"access_token":"bc.tok.123","token_type":"Bearer","expires_in":3600}"#;
        absent_and_kept(&body(reply), &["bc.tok.123"], &["Bearer", "3600"]);
        let xml =
            "<token><access_token>bc.tok.123</access_token><expires_in>3600</expires_in></token>";
        absent_and_kept(&body(xml), &["bc.tok.123"], &["3600"]);
        assert_eq!(
            header("Authorization", "Basic YmMtY2xpZW50OnNlY3JldA=="),
            "Basic ***"
        );
    }

    #[test]
    fn flolive_and_verizon_api_keys_in_headers_are_masked() {
        assert_eq!(
            header("authorization", "Bearer acme-flolive-key"),
            "Bearer ***"
        );
        assert_eq!(header("Authorization", "acme-verizon-key"), "***");
        assert_eq!(header("X-Api-Key", "acme-verizon-key"), "***");
        assert_eq!(
            header("Content-Type", "application/json"),
            "application/json"
        );
        let body = r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}],"apiKey":12345}"#;
        absent_and_kept(&body_of(body), &["12345"], &["CI-1", "accepted"]);
    }

    #[test]
    fn cut_bodies_are_still_masked_to_their_end() {
        absent_and_kept(
            &body("<a><Password>Gym-Pa"),
            &["Gym-Pa"],
            &["<Password>***"],
        );
        absent_and_kept(&body(r#"{"password":"Crm-Pa"#), &["Crm-Pa"], &["password"]);
        absent_and_kept(
            &body(r#"{"a":"x\"password\":\"y"}"#),
            &[],
            &["x\\\"password"],
        );
    }

    #[test]
    fn cdata_and_self_closing_and_unrelated_elements_are_handled() {
        let text = "<r><Password><![CDATA[se<cr>et]]></Password><Token/><Tokens>keep</Tokens></r>";
        absent_and_kept(&body(text), &["se<cr>et"], &["<Token/>", "keep"]);
    }
}
