//! The JSON form (docs/design.md §6.1, last point): `POST …/DSServices.svc/json/<Operation>` with
//! the request's fields as JSON (or XML), replying the Result's fields as JSON or XML per
//! `Accept`; protocol problems answer in the same shape with code 100.

use serde_json::json;

use super::support::client::{account, audit, json_call, Request, ADJUST, CORE, GET_ACCOUNT, PATH};
use crate::helpers::spawn_app;

#[tokio::test]
async fn xml_requests_and_xml_replies_work_by_content_negotiation() {
    let app = spawn_app().await;
    let bodies = [
        "<request><User><Username>ds-gym</Username><Password>Gym-Pass-2024</Password></User>\
         <AccountReferenceNo>DS1000001</AccountReferenceNo><TerminationDate>2031-12-30</TerminationDate></request>"
            .to_owned(),
        format!(
            "<?xml version=\"1.0\"?><AdjustAccountTerminationDateRequest xmlns=\"{CORE}\"><User><Password>Gym-Pass-2024</Password>\
             <Username>ds-gym</Username></User><AccountReferenceNo>DS1000001</AccountReferenceNo>\
             <TerminationDate>2031-12-31</TerminationDate></AdjustAccountTerminationDateRequest>"
        ),
    ];
    for (body, date) in bodies.iter().zip(["2031-12-30", "2031-12-31"]) {
        // No Accept: the reply comes in the request's format, validated against the XSD.
        let outcome = json_call(&app, ADJUST, body, "application/xml", None).await;
        assert_eq!(
            (outcome.http, outcome.codes()),
            (200, vec!["00"]),
            "{}",
            outcome.body
        );
        assert_eq!(outcome.content_type, "application/xml; charset=utf-8");
        let stored = account(&app, "acme", "DS1000001").await;
        assert_eq!(stored.termination_date.unwrap().to_string(), date);
    }
    assert_eq!(audit(&app, "acme").await[0].channel.as_str(), "xml");
    let request = Request::get_account("DS1000001");
    let outcome = json_call(
        &app,
        GET_ACCOUNT,
        &request.json().to_string(),
        "application/json",
        Some("application/xml"),
    )
    .await;
    assert_eq!(outcome.http, 200);
    assert!(outcome.result.is_some(), "an XML reply");
    let outcome = json_call(
        &app,
        GET_ACCOUNT,
        &bodies[0],
        "text/xml",
        Some("application/json"),
    )
    .await;
    assert!(outcome.json.is_some(), "a JSON reply");
}

#[tokio::test]
async fn the_request_object_may_come_wrapped_and_fields_must_be_text() {
    let app = spawn_app().await;
    let wrapped = json!({"request": Request::adjust("DS1000001", "2031-12-31").json()});
    let outcome = json_call(&app, ADJUST, &wrapped.to_string(), "application/json", None).await;
    assert_eq!(outcome.codes(), ["00"]);
    let mut typed = Request::adjust("DS1000001", "2031-12-31").json();
    typed["TerminationDate"] = json!(20311231);
    let outcome = json_call(&app, ADJUST, &typed.to_string(), "application/json", None).await;
    assert_eq!(outcome.http, 400);
    assert_eq!(
        outcome.only_note(),
        ("100", "SOAP message validation error: The element 'TerminationDate' must be a string or null.", "Error")
    );
}

/// A NUL in the username (schemathesis found it): PostgreSQL refuses the character as a
/// query parameter, which was answered 06 with HTTP 500; no user has such a name, so it is
/// wrong credentials, 02, on both backends.
#[tokio::test]
async fn a_username_with_a_nul_is_wrong_credentials_not_a_server_error() {
    let app = spawn_app().await;
    let mut body = Request::adjust("DS1000001", "2031-12-31").json();
    body["User"]["Username"] = json!("ds-\u{0}gym");
    let outcome = json_call(&app, ADJUST, &body.to_string(), "application/json", None).await;
    assert_eq!(outcome.http, 401);
    assert_eq!(outcome.codes(), ["02"]);
}

#[tokio::test]
async fn protocol_problems_answer_in_the_result_shape_with_code_100() {
    let app = spawn_app().await;
    let valid = Request::adjust("DS1000001", "2031-12-31")
        .json()
        .to_string();
    let cases = [
        (
            "{not json",
            "application/json",
            None,
            400,
            "SOAP message validation error: the body is not valid JSON",
        ),
        (
            "[1, 2]",
            "application/json",
            None,
            400,
            "must be a JSON object",
        ),
        (
            valid.as_str(),
            "text/plain",
            None,
            415,
            "unsupported Content-Type 'text/plain'",
        ),
        (
            valid.as_str(),
            "application/json",
            Some("text/html"),
            406,
            "none of the Accept types",
        ),
        (
            "<a><b></a>",
            "application/xml",
            None,
            400,
            "the body is not valid XML",
        ),
    ];
    for (body, content_type, accept, http, text) in cases {
        let outcome = json_call(&app, ADJUST, body, content_type, accept).await;
        assert_eq!(outcome.http, http, "{body}");
        assert_eq!(outcome.status, "Failed");
        let (code, note, kind) = outcome.only_note();
        assert_eq!((code, kind), ("100", "Error"));
        assert!(note.contains(text), "{note}");
    }
    assert_eq!(
        account(&app, "acme", "DS1000001").await.termination_date,
        None
    );
    let response = app
        .client
        .get(app.url(&format!("{PATH}/json/{ADJUST}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let response = app
        .client
        .post(app.url(&format!("{PATH}/json/CancelAccount")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn the_json_form_is_in_the_openapi_document_under_its_tag() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for operation in [ADJUST, GET_ACCOUNT] {
        let post = &doc["paths"][format!("{PATH}/json/{operation}")]["post"];
        assert_eq!(post["tags"], json!(["debitsuccess"]));
        let content = post["requestBody"]["content"].as_object().unwrap();
        assert!(
            content.contains_key("application/json") && content.contains_key("application/xml")
        );
        let statuses: Vec<&String> = post["responses"].as_object().unwrap().keys().collect();
        assert_eq!(
            statuses,
            ["200", "400", "401", "404", "406", "409", "413", "415", "422", "500", "503"]
        );
    }
    assert!(doc["components"]["schemas"]["DsResponseBase"].is_object());
    // Money is an exact number in hundredths, the type the replies carry (issue 14, item 6).
    let value =
        &doc["components"]["schemas"]["DsCustomerAccount"]["properties"]["TotalContractValue"];
    // Optional: `oneOf` null or the amount, which may be a `$ref`.
    let value = value["oneOf"]
        .as_array()
        .and_then(|alternatives| alternatives.iter().find(|a| a["type"] != "null"))
        .unwrap_or(value);
    let amount = match value["$ref"].as_str() {
        Some(reference) => &doc["components"]["schemas"][reference.rsplit('/').next().unwrap()],
        None => value,
    };
    assert_eq!(amount["type"], "number", "{value}");
    assert_eq!(amount["multipleOf"], 0.01, "{value}");
    assert_eq!(amount["format"], "decimal", "{value}");
}
