//! `cancel_subscriptions` (the CRM.COM *cancel_subscriptions* page) and `add_subscriptions`: the PENDING request they
//! create, every field of the seed's response table, each identifier field, XML, audit.

use billing_compat::domain::tenant::{TenantCode, TimeZone};
use chrono::Utc;
use serde_json::{json, Value};

use super::{
    assert_ok, login, login_as, post, sports_on_sub_0001, ADD, CANCEL, GLOBEX_SUB_0001, SC_000111,
    SUB_0001, TV_SPORTS,
};
use crate::helpers::spawn_app;

fn today_in_auckland() -> chrono::NaiveDate {
    TimeZone::parse("Pacific/Auckland")
        .unwrap()
        .today(Utc::now())
}

/// `YYYY-MM-DDTHH:MM:SS`.
fn is_local_date_time(text: &Value) -> bool {
    let text = text.as_str().unwrap_or("");
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").is_ok()
}

#[tokio::test]
async fn cancel_subscriptions_creates_a_pending_request_with_every_response_field() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let today = today_in_auckland();
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("X-Request-Id", "crm-call-1")
        .json(&sports_on_sub_0001(&token))
        .send()
        .await
        .unwrap();
    let data = assert_ok((response.status().as_u16(), response.json().await.unwrap()));
    let agent_id = data["log_information"]["created_by_user"]["id"].clone();
    assert!(uuid::Uuid::parse_str(data["id"].as_str().unwrap()).is_ok());
    assert!(is_local_date_time(&data["log_information"]["created_date"]));
    let request = format!(
        "<conax_sms_sas_request type=\"CANCEL_SUBSCRIPTIONS\" sequence_number=\"1\">\
         <smartcard_serial_number>SC-000111</smartcard_serial_number>\
         <product_code>TV-SPORTS</product_code><subscription_number>SUB-0001</subscription_number>\
         <start_date>{today}</start_date></conax_sms_sas_request>"
    );
    let created = data["log_information"]["created_date"].clone();
    assert_eq!(
        data,
        json!({
            "id": data["id"],
            "number": "PR000001",
            "type": "CANCEL_SUBSCRIPTIONS",
            "sequence_number": "1",
            "scheduled_date": format!("{today}T00:00:00"),
            "executed_date": null,
            "priority": "REGULAR",
            "life_cycle_state": "PENDING",
            "request": request,
            "response": null,
            "reference_number": null,
            "error_code": null,
            "error_description": null,
            "process_name": "MANUAL",
            "process_id": "crm-call-1",
            "provisioning_provider": {"name": "Conax SMS-SAS", "protocol": "CONAX_SMS_SAS"},
            "subscription": {"id": SUB_0001, "number": "SUB-0001"},
            "service": {"id": TV_SPORTS, "code": "TV-SPORTS", "alternative_code": "SPORTS", "name": "Sports channels"},
            "smartcard": {"id": SC_000111, "serial_number": "SC-000111", "alternative_code": "CARD-111"},
            "log_information": {
                "created_date": created,
                "updated_date": created,
                "created_by_user": {"id": agent_id, "username": "crm-agent"},
                "updated_by_user": {"id": agent_id, "username": "crm-agent"},
                "created_by_unit": {"name": "HQ"},
                "updated_by_unit": {"name": "HQ"},
            },
            "parameters_set": [
                {"name": "smartcard_serial_number", "value": "SC-000111"},
                {"name": "product_code", "value": "TV-SPORTS"},
                {"name": "subscription_number", "value": "SUB-0001"},
                {"name": "start_date", "value": today.to_string()},
            ],
        })
    );
}

#[tokio::test]
async fn add_subscriptions_creates_an_add_request_and_numbers_keep_counting() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let first = assert_ok(post(&app, CANCEL, &sports_on_sub_0001(&token)).await);
    let second = assert_ok(post(&app, ADD, &sports_on_sub_0001(&token)).await);
    assert_eq!(first["number"], "PR000001");
    assert_eq!(second["number"], "PR000002");
    assert_eq!(second["sequence_number"], "2");
    assert_eq!(second["type"], "ADD_SUBSCRIPTIONS");
    assert_eq!(second["life_cycle_state"], "PENDING");
    assert!(second["request"]
        .as_str()
        .unwrap()
        .starts_with("<conax_sms_sas_request type=\"ADD_SUBSCRIPTIONS\" sequence_number=\"2\">"));
}

#[tokio::test]
async fn every_identifier_field_finds_the_same_records() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let subscriptions = [json!({"id": SUB_0001}), json!({"number": "SUB-0001"})];
    let services = [
        json!({"id": TV_SPORTS}),
        json!({"code": "TV-SPORTS"}),
        json!({"alternative_code": "SPORTS"}),
    ];
    let smartcards = [
        json!({"id": SC_000111}),
        json!({"serial_number": "SC-000111"}),
        json!({"alternative_code": "CARD-111"}),
    ];
    for (i, subscription) in subscriptions.iter().enumerate() {
        for service in &services {
            let smartcard = &smartcards[i % smartcards.len()];
            let data = assert_ok(
                post(
                    &app,
                    CANCEL,
                    &json!({
                        "token": token,
                        "subscription_identifier": subscription,
                        "service_identifier": service,
                        "smartcard_identifier": smartcard,
                    }),
                )
                .await,
            );
            assert_eq!(data["subscription"]["id"], SUB_0001);
            assert_eq!(data["service"]["id"], TV_SPORTS);
            assert_eq!(data["smartcard"]["id"], SC_000111);
        }
    }
    // The third smartcard form too.
    let mut body = sports_on_sub_0001(&token);
    body["smartcard_identifier"] = smartcards[2].clone();
    assert_ok(post(&app, CANCEL, &body).await);
}

#[tokio::test]
async fn a_service_that_reaches_the_subscription_through_a_bundle_counts() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let data = assert_ok(
        post(
            &app,
            CANCEL,
            &json!({
                "token": token,
                "subscription_identifier": {"number": "SUB-0002"},
                "service_identifier": {"code": "IP-STATIC"},
                "smartcard_identifier": {"serial_number": "SC-000222"},
            }),
        )
        .await,
    );
    assert_eq!(data["service"]["code"], "IP-STATIC");
    assert_eq!(data["subscription"]["number"], "SUB-0002");
}

#[tokio::test]
async fn a_future_start_date_is_scheduled_and_today_is_allowed() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let today = today_in_auckland();
    for day in [today + chrono::Duration::days(30), today] {
        let mut body = sports_on_sub_0001(&token);
        body["start_date"] = json!(day.to_string());
        let data = assert_ok(post(&app, CANCEL, &body).await);
        assert_eq!(data["scheduled_date"], format!("{day}T00:00:00"));
        assert_eq!(data["parameters_set"][3]["value"], day.to_string());
    }
    // An empty start_date is the default.
    let mut body = sports_on_sub_0001(&token);
    body["start_date"] = json!("");
    let data = assert_ok(post(&app, CANCEL, &body).await);
    assert_eq!(data["scheduled_date"], format!("{today}T00:00:00"));
}

#[tokio::test]
async fn another_organisation_provisions_its_own_records_with_its_own_numbers() {
    let app = spawn_app().await;
    let acme = login(&app).await;
    assert_ok(post(&app, CANCEL, &sports_on_sub_0001(&acme)).await);
    let globex = login_as(&app, "gx-all", "Globex-Pass-2024", "globex").await;
    // Same subscription number, product code and serial number, other organisation.
    let data = assert_ok(post(&app, CANCEL, &sports_on_sub_0001(&globex)).await);
    assert_eq!(data["subscription"]["id"], GLOBEX_SUB_0001);
    assert_eq!(data["number"], "PR000001");
    assert_eq!(data["sequence_number"], "1");
    assert_eq!(
        data["log_information"]["created_by_user"]["username"],
        "gx-all"
    );
}

#[tokio::test]
async fn the_unit_of_the_token_is_stamped_on_the_request() {
    let app = spawn_app().await;
    let (_, reply) = post(
        &app,
        "/crmapi/rest/v2/authentication/token",
        &json!({"username": "ds-readonly", "password": "NoSoap-2024", "organisation": "acme", "unit": "Call Centre"}),
    )
    .await;
    let token = reply["data"]["token"].as_str().unwrap();
    let data = assert_ok(post(&app, ADD, &sports_on_sub_0001(token)).await);
    assert_eq!(
        data["log_information"]["created_by_unit"],
        json!({"name": "Call Centre"})
    );
    assert_eq!(
        data["log_information"]["updated_by_user"]["username"],
        "ds-readonly"
    );
}

#[tokio::test]
async fn xml_requests_get_xml_replies() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let body = format!(
        "<request><token>{token}</token>\
         <subscription_identifier><number>SUB-0001</number></subscription_identifier>\
         <service_identifier><alternative_code>MOVIES</alternative_code></service_identifier>\
         <smartcard_identifier><serial_number>SC-000111</serial_number></smartcard_identifier>\
         </request>"
    );
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Content-Type", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    #[derive(serde::Deserialize)]
    struct Reply {
        data: Data,
        status: Status,
    }
    #[derive(serde::Deserialize)]
    struct Data {
        number: String,
        #[serde(rename = "type")]
        kind: String,
        executed_date: Option<String>,
        request: String,
        service: Service,
        parameters_set: Vec<Parameter>,
    }
    #[derive(serde::Deserialize)]
    struct Service {
        code: String,
    }
    #[derive(serde::Deserialize)]
    struct Parameter {
        name: String,
        value: String,
    }
    #[derive(serde::Deserialize)]
    struct Status {
        code: String,
        message: Option<String>,
    }
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><data><id>"));
    assert!(text
        .ends_with("</data><status><code>OK</code><message/><description/></status></response>"));
    let reply: Reply = quick_xml::de::from_str(&text).unwrap();
    assert_eq!(reply.status.code, "OK");
    assert_eq!(reply.status.message.as_deref().unwrap_or(""), "");
    assert_eq!(reply.data.number, "PR000001");
    assert_eq!(reply.data.kind, "CANCEL_SUBSCRIPTIONS");
    assert_eq!(reply.data.executed_date.as_deref().unwrap_or(""), "");
    assert_eq!(reply.data.service.code, "TV-MOVIES");
    assert!(reply
        .data
        .request
        .contains("<product_code>TV-MOVIES</product_code>"));
    let names: Vec<(String, String)> = reply
        .data
        .parameters_set
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect();
    assert_eq!(names.len(), 4);
    assert_eq!(
        names[0],
        ("smartcard_serial_number".into(), "SC-000111".into())
    );
}

#[tokio::test]
async fn each_request_writes_one_audit_row_in_its_transaction() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("X-Request-Id", "audit-me")
        .json(&sports_on_sub_0001(&token))
        .send()
        .await
        .unwrap();
    let data = assert_ok((response.status().as_u16(), response.json().await.unwrap()));
    let mut tx = app.store().read().await.unwrap();
    let acme = tx
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let events = tx.recent_audit(acme.id, 20).await.unwrap();
    let rows: Vec<_> = events
        .iter()
        .filter(|e| e.entity_type == "provisioning_request")
        .collect();
    assert_eq!(rows.len(), 1, "{events:?}");
    let row = rows[0];
    assert_eq!(row.operation, "crmcom.cancel_subscriptions");
    assert_eq!(row.entity_id, data["id"].as_str().unwrap());
    assert_eq!(row.channel.as_str(), "json");
    assert_eq!(row.request_id.as_deref(), Some("audit-me"));
    assert_eq!(row.initiator.as_deref(), Some("HQ"));
    let after = row.after.as_ref().unwrap();
    assert_eq!(after["number"], "PR000001");
    assert_eq!(after["smartcard"], "SC-000111");
    // The login was audited too.
    assert!(events
        .iter()
        .any(|e| e.operation == "crmcom.authentication.token"));
}

#[tokio::test]
async fn the_fixture_samples_are_accepted_as_documented() {
    let app = spawn_app().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/crmcom");
    for (file, path, content_type) in [
        (
            "login.request.json",
            "/crmapi/rest/v2/authentication/token",
            "application/json",
        ),
        (
            "login.request.xml",
            "/crmapi/rest/v2/authentication/token",
            "application/xml",
        ),
        (
            "cancel_subscriptions.request.json",
            CANCEL,
            "application/json",
        ),
        ("add_subscriptions.request.xml", ADD, "application/xml"),
    ] {
        let token = login(&app).await;
        let body = std::fs::read_to_string(dir.join(file))
            .unwrap()
            .replace("{{token}}", &token);
        let response = app
            .client
            .post(app.url(path))
            .header("Content-Type", content_type)
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let data = assert_ok((response.status().as_u16(), response.json().await.unwrap()));
        assert!(data.is_object(), "{file}: {data}");
    }
}
