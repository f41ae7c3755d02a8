//! The console (issue 19 item 3; docs/console.md): signing in with operator credentials,
//! the session cookie's flags, CSRF refusals, signing out revokes the session, pages
//! escape what they show and carry the security headers; the journal, traffic and account
//! pages show what the admin API shows, redacted and escaped.

use crate::helpers::TestApp;

use super::jobs::failed_job;
use super::support::{operator_app, OPERATOR};

/// A browser's state, by hand: the cookies it holds.
#[derive(Default)]
struct Browser {
    login: Option<String>,
    session: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        let mut parts = Vec::new();
        if let Some(login) = &self.login {
            parts.push(format!("bc_console_login={login}"));
        }
        if let Some(session) = &self.session {
            parts.push(format!("bc_console={session}"));
        }
        parts.join("; ")
    }
}

/// The `Set-Cookie` line for `name`, if the response set it.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(line: &str) -> String {
    line.split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned()
}

/// The hidden CSRF field's value in `html`.
fn csrf_in(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

async fn get(app: &TestApp, browser: &Browser, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Cookie", browser.cookie_header())
        .send()
        .await
        .unwrap()
}

async fn post(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    origin: Option<&str>,
) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = app
        .client
        .post(app.url(path))
        .header("Cookie", browser.cookie_header())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.unwrap()
}

/// Loads the sign-in form: the nonce cookie and the form's token.
async fn login_form(app: &TestApp) -> (Browser, String) {
    let response = get(app, &Browser::default(), "/console/login").await;
    assert_eq!(response.status(), 200);
    let line = set_cookie(&response, "bc_console_login").expect("a nonce cookie");
    let browser = Browser {
        login: Some(cookie_value(&line)),
        session: None,
    };
    let csrf = csrf_in(&response.text().await.unwrap());
    (browser, csrf)
}

/// Signs in as the demo operator; returns the browser and the session cookie's line.
async fn sign_in(app: &TestApp) -> (Browser, String) {
    let (mut browser, csrf) = login_form(app).await;
    let response = post(
        app,
        &browser,
        "/console/login",
        &[
            ("username", OPERATOR.0),
            ("password", OPERATOR.1),
            ("csrf", &csrf),
        ],
        Some(&app.address),
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/console");
    let line = set_cookie(&response, "bc_console").expect("a session cookie");
    browser.session = Some(cookie_value(&line));
    browser.login = None;
    (browser, line)
}

/// The CSRF token of the signed-in pages.
async fn page_csrf(app: &TestApp, browser: &Browser) -> String {
    let response = get(app, browser, "/console").await;
    assert_eq!(response.status(), 200);
    csrf_in(&response.text().await.unwrap())
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_cookie_for_the_console_only() {
    let app = operator_app(|_| {}).await;

    let (browser, line) = sign_in(&app).await;

    let attributes: Vec<String> = line
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.contains(&"httponly".to_owned()), "{line}");
    assert!(attributes.contains(&"samesite=strict".to_owned()), "{line}");
    assert!(attributes.contains(&"path=/console".to_owned()), "{line}");
    assert!(attributes.contains(&"max-age=3600".to_owned()), "{line}");
    assert!(
        !attributes.contains(&"secure".to_owned()),
        "plain http: {line}"
    );
    let dashboard = get(&app, &browser, "/console").await;
    assert_eq!(dashboard.status(), 200);
    let html = dashboard.text().await.unwrap();
    assert!(html.contains("Signed in as operator"), "{html}");
    assert!(html.contains("<svg"), "the jobs chart: {html}");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_console_is_reached_over_https() {
    let app =
        operator_app(|s| s.public_base_url = Some("https://billing.example.com".into())).await;

    let (_, line) = sign_in_from(&app, "https://billing.example.com").await;

    assert!(line.to_ascii_lowercase().contains("; secure"), "{line}");
}

async fn sign_in_from(app: &TestApp, origin: &str) -> (Browser, String) {
    let (browser, csrf) = login_form(app).await;
    let response = post(
        app,
        &browser,
        "/console/login",
        &[
            ("username", OPERATOR.0),
            ("password", OPERATOR.1),
            ("csrf", &csrf),
        ],
        Some(origin),
    )
    .await;
    assert_eq!(response.status(), 303);
    (
        browser,
        set_cookie(&response, "bc_console").expect("a session cookie"),
    )
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_no_session_is_made() {
    let app = operator_app(|_| {}).await;
    let (browser, csrf) = login_form(&app).await;

    let response = post(
        &app,
        &browser,
        "/console/login",
        &[
            ("username", OPERATOR.0),
            ("password", "wrong"),
            ("csrf", &csrf),
        ],
        None,
    )
    .await;

    assert_eq!(response.status(), 401);
    assert!(set_cookie(&response, "bc_console").is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("Wrong operator name or password."), "{html}");
}

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_sign_in() {
    let app = operator_app(|_| {}).await;
    let forged = Browser {
        login: None,
        session: Some("bcop_not-a-token".into()),
    };

    for path in [
        "/console",
        "/console/",
        "/console/jobs",
        "/console/webhooks",
    ] {
        let response = get(&app, &forged, path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/console/login", "{path}");
    }
}

#[tokio::test]
async fn forms_without_their_csrf_token_or_from_another_site_are_refused() {
    let app = operator_app(|_| {}).await;
    let job = failed_job(&app, "acme", "test.csrf").await;
    let (browser, _) = sign_in(&app).await;
    let csrf = page_csrf(&app, &browser).await;
    let retry = format!("/console/jobs/{}/retry", job.0);

    let missing = post(&app, &browser, &retry, &[], None).await;
    let wrong = post(&app, &browser, &retry, &[("csrf", &"0".repeat(64))], None).await;
    let cross_site = post(
        &app,
        &browser,
        &retry,
        &[("csrf", &csrf)],
        Some("http://evil.example"),
    )
    .await;
    let no_nonce = post(
        &app,
        &Browser::default(),
        "/console/login",
        &[
            ("username", OPERATOR.0),
            ("password", OPERATOR.1),
            ("csrf", &csrf),
        ],
        None,
    )
    .await;

    for (what, response) in [
        ("missing", missing),
        ("wrong", wrong),
        ("cross-site", cross_site),
        ("sign-in without nonce", no_nonce),
    ] {
        assert_eq!(response.status(), 403, "{what}");
        assert!(set_cookie(&response, "bc_console").is_none(), "{what}");
    }
    let untouched = app.services.job(job).await.unwrap();
    assert_eq!(untouched.status.as_str(), "failed");

    let accepted = post(
        &app,
        &browser,
        &retry,
        &[("csrf", &csrf)],
        Some(&app.address),
    )
    .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(
        accepted.headers()["location"],
        format!("/console/jobs/{}?retried=1", job.0).as_str()
    );
    // Queued again (the worker may have run it, and failed it, since).
    assert!(app.services.job(job).await.unwrap().updated_at > untouched.updated_at);
}

#[tokio::test]
async fn signing_out_revokes_the_session_for_the_console_and_the_admin_api() {
    let app = operator_app(|_| {}).await;
    let (browser, _) = sign_in(&app).await;
    let token = browser.session.clone().unwrap();
    let csrf = page_csrf(&app, &browser).await;
    let bearer_before = app
        .client
        .get(app.url("/admin/v1/jobs"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer_before.status(), 200);

    let out = post(&app, &browser, "/console/logout", &[("csrf", &csrf)], None).await;

    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/console/login");
    let cleared = set_cookie(&out, "bc_console").expect("the cookie is cleared");
    assert!(
        cleared.to_ascii_lowercase().contains("max-age=0"),
        "{cleared}"
    );
    let after = get(&app, &browser, "/console").await;
    assert_eq!(after.status(), 303, "the old cookie no longer signs in");
    let bearer_after = app
        .client
        .get(app.url("/admin/v1/jobs"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer_after.status(), 401);
}

#[tokio::test]
async fn pages_escape_hostile_data() {
    let app = operator_app(|_| {}).await;
    let hostile = "<script>alert(\"x\")</script>";
    let job = failed_job(&app, "acme", hostile).await;
    let (browser, _) = sign_in(&app).await;

    for path in [
        "/console/jobs?status=failed".to_owned(),
        format!("/console/jobs/{}", job.0),
        "/console/jobs?status=failed&kind=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E".to_owned(),
    ] {
        let response = get(&app, &browser, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{path}: {html}");
        assert!(
            html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
            "{path}: the kind is shown, escaped: {html}"
        );
    }
}

#[tokio::test]
async fn console_pages_carry_the_security_headers() {
    let app = operator_app(|_| {}).await;
    let (browser, _) = sign_in(&app).await;

    for (path, browser) in [
        ("/console/login", &Browser::default()),
        ("/console/jobs", &browser),
    ] {
        let response = get(&app, browser, path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_with_the_admin_api_s_counters() {
    let app = operator_app(|s| {
        s.service.auth.throttle.per_user_threshold = 3;
        s.service.auth.throttle.base_window = std::time::Duration::from_secs(30);
    })
    .await;
    let (browser, csrf) = login_form(&app).await;
    let guess = |password: &'static str| {
        let (app, browser, csrf) = (&app, &browser, csrf.clone());
        async move {
            post(
                app,
                browser,
                "/console/login",
                &[
                    ("username", OPERATOR.0),
                    ("password", password),
                    ("csrf", &csrf),
                ],
                None,
            )
            .await
        }
    };
    // Two wrong guesses in the console, one at the admin API: the same record.
    assert_eq!(guess("a").await.status(), 401);
    assert_eq!(guess("b").await.status(), 401);
    let admin = app
        .client
        .get(app.url("/admin/v1/jobs"))
        .basic_auth(OPERATOR.0, Some("c"))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 401);

    // The right password is now refused for the window, with when to retry.
    let throttled = guess(OPERATOR.1).await;

    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    assert!(set_cookie(&throttled, "bc_console").is_none());
    let html = throttled.text().await.unwrap();
    assert!(html.contains("Too many failed sign-ins"), "{html}");
}

/// The first `href` in `html` that starts with `prefix` and goes further.
fn link_in(html: &str, prefix: &str) -> String {
    let start = html
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("a link to {prefix}… in {html}"))
        + 6;
    html[start..].split('"').next().unwrap().to_owned()
}

/// Debitsuccess `AdjustAccountTerminationDate` as ds-gym, with `X-Request-Id: request_id`
/// and `initiator` (XML text, already escaped for XML).
async fn adjust_as(app: &TestApp, request_id: &str, initiator: &str) {
    let body = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
  <AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
  <a:RequestInitiator>{initiator}</a:RequestInitiator><a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
  <a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>
  </request></AdjustAccountTerminationDate></s:Body></s:Envelope>"#
    );
    let reply = app
        .client
        .post(app.url("/DSWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate\"",
        )
        .header("X-Request-Id", request_id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
}

#[tokio::test]
async fn a_request_made_by_the_test_is_found_on_the_requests_page_and_shown_redacted() {
    let app = operator_app(|_| {}).await;
    adjust_as(&app, "console-journal-1", "front desk").await;
    // Written off the request path: wait until the writer has stored it.
    super::journal::journaled(&app, "console-journal-1").await;
    let (browser, _) = sign_in(&app).await;

    let response = get(&app, &browser, "/console/requests?tenant=acme&api=debitsuccess&operation=&user=&outcome=&from=&to=&request_id=console-journal-1").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("AdjustAccountTerminationDate"), "{html}");
    assert_eq!(
        html.matches("console-journal-1").count(),
        2,
        "the filter field and the one row: {html}"
    );
    let one = link_in(&html, "/console/requests/");

    let response = get(&app, &browser, &one).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("Gym-Pass-2024"),
        "the password is redacted: {html}"
    );
    assert!(
        html.contains("&#60;a:Password&#62;***&#60;/a:Password&#62;")
            || html.contains("&lt;a:Password&gt;***&lt;/a:Password&gt;"),
        "the request body is shown, redacted and escaped: {html}"
    );
    assert!(
        html.contains("DS1000001") && html.contains("Succeed"),
        "request and reply: {html}"
    );
    for shown in [
        "ds-gym",
        "acme",
        "soapaction",
        "soap11",
        "console-journal-1",
        " ms",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }

    // Another request id lists nothing; a filter the admin API refuses is a 400 page.
    let html = get(
        &app,
        &browser,
        "/console/requests?request_id=console-journal-2",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        html.contains("No requests here.") && !html.contains("/console/requests/"),
        "{html}"
    );
    let response = get(&app, &browser, "/console/requests?api=soap").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("api"));
    let response = get(&app, &browser, "/console/requests/not-an-id").await;
    assert_eq!(response.status(), 404);

    // The traffic page counts it, and links to the journal's matching requests.
    let response = get(&app, &browser, "/console/traffic").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<svg"), "the chart: {html}");
    assert!(
        html.contains("/console/requests?api=debitsuccess&amp;operation=AdjustAccountTerminationDate&amp;outcome=00")
            || html.contains("/console/requests?api=debitsuccess&#38;operation=AdjustAccountTerminationDate&#38;outcome=00"),
        "{html}"
    );
}

#[tokio::test]
async fn the_account_page_shows_the_account_across_vendors_with_a_vendor_change_in_its_history() {
    let app = operator_app(|_| {}).await;
    adjust_as(&app, "console-account-1", "front desk").await;
    let (browser, _) = sign_in(&app).await;

    let response = get(&app, &browser, "/console/accounts").await;
    assert_eq!(response.status(), 200, "the empty search form");
    let response = get(&app, &browser, "/console/accounts?tenant=acme&q=DS1000001").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("reference_no"),
        "matched by its reference: {html}"
    );
    let account = link_in(&html, "/console/accounts/");

    let response = get(&app, &browser, &account).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let history = &html[html.find("id=\"history\"").expect("a history section")..];
    for shown in [
        "AdjustAccountTerminationDate",
        "ds-gym",
        "front desk",
        "soap11",
        "2031-12-31",
        "console-account-1",
    ] {
        assert!(history.contains(shown), "{shown} in the history: {history}");
    }
    for section in [
        "Customer",
        "Product instances",
        "Bundles",
        "Disconnect orders",
    ] {
        assert!(
            html.contains(&format!("<h2>{section}</h2>")),
            "{section}: {html}"
        );
    }

    // A tenant that does not exist, and an account that does not.
    let response = get(
        &app,
        &browser,
        "/console/accounts?tenant=nobody&q=DS1000001",
    )
    .await;
    assert_eq!(response.status(), 404);
    let response = get(
        &app,
        &browser,
        "/console/accounts/00000000-0000-4000-8000-000000000000",
    )
    .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn journal_and_account_pages_escape_hostile_data() {
    let app = operator_app(|_| {}).await;
    // A request id is taken as sent when it is printable ASCII; the initiator is free text
    // that ends up in the account's history.
    let hostile_id = "<script>alert(1)</script>";
    adjust_as(&app, hostile_id, "&lt;script&gt;alert(2)&lt;/script&gt;").await;
    super::journal::journaled(&app, "%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    let (browser, _) = sign_in(&app).await;

    let listing = get(
        &app,
        &browser,
        "/console/requests?request_id=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    )
    .await;
    let listing = listing.text().await.unwrap();
    let one = link_in(&listing, "/console/requests/");
    let found = get(&app, &browser, "/console/accounts?tenant=acme&q=DS1000001").await;
    let account = link_in(&found.text().await.unwrap(), "/console/accounts/");
    for path in [
        "/console/requests?request_id=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_owned(),
        one,
        "/console/traffic".to_owned(),
        "/console/accounts?tenant=acme&q=%3Cscript%3Ealert(3)%3C%2Fscript%3E".to_owned(),
        account,
    ] {
        let response = get(&app, &browser, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{path}: {html}");
        if path != "/console/traffic" {
            assert!(
                html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
                "{path}: the hostile text is shown, escaped: {html}"
            );
        }
    }
}
