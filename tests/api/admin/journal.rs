//! The request journal (issue 19 item 1; docs/operations.md "Request journal"): each API's
//! request is journaled with its tenant, user, operation, status, outcome and request id,
//! its secrets masked and the rest kept; a request that authenticated no one is journaled
//! without a tenant; vendor users cannot read the journal.

use std::time::Duration;

use serde_json::Value;

use super::support::{answer, operator_app, OPERATOR};
use crate::helpers::TestApp;

pub const REQUESTS: &str = "/admin/v1/requests";

/// `GET <path>` as the demo operator, as JSON (200 expected).
pub async fn admin_get(app: &TestApp, path: &str) -> Value {
    let reply = app
        .client
        .get(app.url(path))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    let reply = answer(reply).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.json);
    reply.json
}

/// The journal entry (with bodies) of the request sent with `X-Request-Id: request_id`,
/// once the writer has stored it.
pub async fn journaled(app: &TestApp, request_id: &str) -> Value {
    for _ in 0..200 {
        let page = admin_get(app, &format!("{REQUESTS}?request_id={request_id}")).await;
        if let Some(found) = page["requests"].as_array().and_then(|r| r.first()) {
            let id = found["id"].as_str().unwrap();
            return admin_get(app, &format!("{REQUESTS}/{id}")).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("request {request_id} was not journaled within 10 s");
}

fn header<'a>(entry: &'a Value, name: &str) -> Option<&'a str> {
    entry["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name)
        .and_then(|h| h["value"].as_str())
}

/// The fields every entry has, as the test expects them.
fn assert_entry(
    entry: &Value,
    (tenant, user): (Option<&str>, Option<&str>),
    (api, operation, status, outcome): (&str, &str, u16, &str),
) {
    assert_eq!(entry["tenant"].as_str(), tenant, "{entry}");
    assert_eq!(entry["user"].as_str(), user, "{entry}");
    assert_eq!(entry["api"], api, "{entry}");
    assert_eq!(entry["operation"], operation, "{entry}");
    assert_eq!(entry["status"], status, "{entry}");
    assert_eq!(entry["outcome"], outcome, "{entry}");
    assert!(entry["latency_ms"].as_f64().unwrap() > 0.0, "{entry}");
    let at = entry["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
}

/// Neither the request nor the reply (nor the path or headers) holds `secret`.
fn assert_absent(entry: &Value, secret: &str) {
    assert!(!entry.to_string().contains(secret), "{secret} in {entry}");
}

#[tokio::test]
async fn a_debitsuccess_request_is_journaled_with_its_passwords_masked() {
    let app = operator_app(|_| {}).await;
    let body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
  <AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
  <a:RequestInitiator>front desk</a:RequestInitiator><a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
  <a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>
  </request></AdjustAccountTerminationDate></s:Body></s:Envelope>"#;
    let reply = app
        .client
        .post(app.url("/DSWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate\"",
        )
        .header("X-Request-Id", "journal-ds-1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let entry = journaled(&app, "journal-ds-1").await;
    assert_entry(
        &entry,
        (Some("acme"), Some("ds-gym")),
        ("debitsuccess", "AdjustAccountTerminationDate", 200, "00"),
    );
    assert_eq!(entry["request_id"], "journal-ds-1");
    assert_eq!(entry["channel"], "soap11");
    assert_eq!(entry["method"], "POST");
    assert_absent(&entry, "Gym-Pass-2024");
    let request = entry["request"]["text"].as_str().unwrap();
    assert!(
        request.contains("<a:Password>***</a:Password>"),
        "{request}"
    );
    assert!(request.contains("DS1000001") && request.contains("front desk"));
    assert_eq!(entry["request"]["truncated"], false);
    assert!(entry["reply"]["text"].as_str().unwrap().contains("Succeed"));
    assert!(header(&entry, "soapaction")
        .unwrap()
        .contains("AdjustAccountTerminationDate"));
    assert!(header(&entry, "reply-content-type")
        .unwrap()
        .contains("text/xml"));
}

#[tokio::test]
async fn a_flolive_request_is_journaled_with_its_api_key_masked() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .post(app.url("/api/v2/customer/c0000000-0000-4000-8000-000000000003/attach-product"))
        .bearer_auth("acme-flolive-key")
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "journal-flo-1")
        .body(r#"{"productId":"b0000000-0000-4000-8000-000000000001"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let entry = journaled(&app, "journal-flo-1").await;
    assert_entry(
        &entry,
        (Some("acme"), Some("flo-parent")),
        (
            "flolive",
            "/api/v2/customer/{customerId}/attach-product",
            200,
            "ok",
        ),
    );
    assert_eq!(entry["channel"], "json");
    assert_absent(&entry, "acme-flolive-key");
    assert_eq!(header(&entry, "authorization"), Some("Bearer ***"));
    let request = entry["request"]["text"].as_str().unwrap();
    assert!(
        request.contains("b0000000-0000-4000-8000-000000000001"),
        "{request}"
    );
}

#[tokio::test]
async fn crmcom_logins_and_calls_are_journaled_with_passwords_and_tokens_masked() {
    let app = operator_app(|_| {}).await;
    let base = "/crmapi/rest/v2";
    let login: Value = app
        .client
        .post(app.url(&format!("{base}/authentication/token")))
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "journal-crm-login")
        .body(r#"{"username":"crm-agent","password":"Crm-Pass-2024","organisation":"acme"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["token"].as_str().unwrap().to_owned();
    let body = format!(
        r#"{{"token":"{token}","subscription_identifier":{{"number":"SUB-0001"}},"service_identifier":{{"code":"TV-SPORTS"}},"smartcard_identifier":{{"serial_number":"SC-000111"}}}}"#
    );
    let reply: Value = app
        .client
        .post(app.url(&format!(
            "{base}/conax_sms_sas/provisioning_requests/cancel_subscriptions"
        )))
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "journal-crm-cancel")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["status"]["code"], "OK", "{reply}");

    let login = journaled(&app, "journal-crm-login").await;
    assert_eq!(login["tenant"], "acme", "{login}");
    assert_eq!(login["user"], "crm-agent", "{login}");
    assert_eq!(login["outcome"], "OK", "{login}");
    assert_absent(&login, "Crm-Pass-2024");
    assert_absent(&login, &token);
    assert!(login["request"]["text"]
        .as_str()
        .unwrap()
        .contains("crm-agent"));
    assert!(login["reply"]["text"]
        .as_str()
        .unwrap()
        .contains(r#""token":"***""#));

    let cancel = journaled(&app, "journal-crm-cancel").await;
    assert_eq!(cancel["tenant"], "acme", "{cancel}");
    assert_eq!(cancel["user"], "crm-agent", "{cancel}");
    assert_eq!(cancel["api"], "crmcom");
    assert_eq!(cancel["status"], 200);
    assert_eq!(cancel["outcome"], "OK");
    assert_absent(&cancel, &token);
    assert!(cancel["request"]["text"]
        .as_str()
        .unwrap()
        .contains("SC-000111"));
}

#[tokio::test]
async fn billing_care_token_and_cancel_are_journaled_with_credentials_masked() {
    let app = operator_app(|_| {}).await;
    let base = "/bcws/webresources/v1.0";
    let token: Value = app
        .client
        .get(app.url(&format!("{base}/authentication/queryAccessToken")))
        .basic_auth("bc-client", Some("Bc-Secret-2024"))
        .header("X-Request-Id", "journal-bc-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let reply = app
        .client
        .post(app.url(&format!("{base}/subscriptions/cancel/bundle")))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "journal-bc-cancel")
        .body(r#"{"dealRef":{"id":"0.0.0.1+-deal+41056","uri":null},"serviceRef":{"id":"0.0.0.1+-service-email+175025","uri":null},"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"description":"Charges monthly for 1 email account.","packageId":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);

    let minted = journaled(&app, "journal-bc-token").await;
    assert_entry(
        &minted,
        (Some("acme"), Some("bc-client")),
        (
            "billing_care",
            "/bcws/webresources/v1.0/authentication/queryAccessToken",
            200,
            "ok",
        ),
    );
    assert_absent(&minted, &token);
    assert_absent(&minted, "Bc-Secret-2024");
    assert_eq!(header(&minted, "authorization"), Some("Basic ***"));
    assert!(minted["reply"]["text"]
        .as_str()
        .unwrap()
        .contains("expires_in"));

    let cancel = journaled(&app, "journal-bc-cancel").await;
    assert_eq!(cancel["user"], "bc-client", "{cancel}");
    assert_eq!(cancel["status"], 200);
    assert_absent(&cancel, &token);
    assert!(cancel["request"]["text"]
        .as_str()
        .unwrap()
        .contains("0.0.0.1+-account+174257"));
}

#[tokio::test]
async fn a_verizon_request_is_journaled_with_its_vendor_error_code_and_key_masked() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .post(app.url("/proquest/disconnectCustomerConfirmation"))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "journal-vz-1")
        .body(r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let entry = journaled(&app, "journal-vz-1").await;
    assert_eq!(entry["tenant"], "acme", "{entry}");
    assert_eq!(entry["user"], "vz-partner", "{entry}");
    assert_eq!(entry["api"], "verizon");
    assert_eq!(entry["status"], 400);
    assert_eq!(entry["outcome"], "missingQueryParameter", "{entry}");
    assert_absent(&entry, "acme-verizon-key");
    assert!(entry["reply"]["text"]
        .as_str()
        .unwrap()
        .contains("missingQueryParameter"));
}

#[tokio::test]
async fn a_request_that_authenticates_no_one_is_journaled_without_a_tenant() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .delete(app.url(
            "/api/v2/customer/c0000000-0000-4000-8000-000000000003/detach-product/f0000000-0000-4000-8000-000000000002",
        ))
        .bearer_auth("not-a-key")
        .header("X-Request-Id", "journal-anon-1")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 401);
    let entry = journaled(&app, "journal-anon-1").await;
    assert_entry(
        &entry,
        (None, None),
        (
            "flolive",
            "/api/v2/customer/{customerId}/detach-product/{productInstanceId}",
            401,
            "AUTH_1001",
        ),
    );
    assert_absent(&entry, "not-a-key");
    let none = admin_get(&app, &format!("{REQUESTS}?tenant=")).await;
    let ids: Vec<&Value> = none["requests"].as_array().unwrap().iter().collect();
    assert_eq!(ids.len(), 1, "{none}");
    assert_eq!(ids[0]["request_id"], "journal-anon-1");
    let acme = admin_get(&app, &format!("{REQUESTS}?tenant=acme")).await;
    assert_eq!(acme["requests"], serde_json::json!([]), "{acme}");
}

#[tokio::test]
async fn vendor_users_and_strangers_cannot_read_the_journal() {
    let app = operator_app(|_| {}).await;
    let id = uuid::Uuid::new_v4();
    for path in [
        REQUESTS.to_owned(),
        format!("{REQUESTS}/{id}"),
        "/admin/v1/traffic".to_owned(),
    ] {
        for (user, password) in [("ds-gym", "Gym-Pass-2024"), ("gx-all", "Globex-Pass-2024")] {
            let reply = app
                .client
                .get(app.url(&path))
                .basic_auth(user, Some(password))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 401, "{path} as {user}");
        }
        let reply = app
            .client
            .get(app.url(&path))
            .bearer_auth("globex-all-key")
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 401, "{path} with an API key");
        let reply = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(reply.status(), 401, "{path} without credentials");
    }
    // The operator gets a 404 for an id that names nothing.
    let reply = app
        .client
        .get(app.url(&format!("{REQUESTS}/{id}")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 404);
}
