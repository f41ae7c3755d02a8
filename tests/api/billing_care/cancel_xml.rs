//! Cancel bundle in XML (docs/design.md §6.4: any root element, children named as the JSON
//! fields; `<boolean>true</boolean>`; errors in Oracle's shape as XML).

use billing_compat::domain::audit::Channel;
use billing_compat::domain::catalog::InstanceStatus;
use chrono::Utc;

use super::support::*;
use crate::helpers::spawn_app;

const TRUE_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><boolean>true</boolean>";

fn xml_5002(fields: &str) -> String {
    format!(
        "<cancelBundle>\
           <accountRef><id>0.0.0.1+-account+174300</id></accountRef>\
           <serviceRef><id>0.0.0.1+-service-ip+175026</id></serviceRef>\
           <dealRef><id>0.0.0.1+-deal+41057</id></dealRef>{fields}\
         </cancelBundle>"
    )
}

#[tokio::test]
async fn the_seed_example_in_xml_answers_boolean_true() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    expect(
        cancel_xml(&app, &token, SEED_XML).await,
        200,
        "application/xml",
        TRUE_XML,
    )
    .await;
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5001, Utc::now()).await,
        InstanceStatus::Cancelled
    );
    let audit = recent_audit(&app, "acme", 1).await;
    assert_eq!(audit[0].channel, Channel::Xml);
    assert_eq!(audit[0].entity_id, BUNDLE_5001);
}

#[tokio::test]
async fn any_root_any_prefixes_and_whitespace_are_fine() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = r#"<?xml version="1.0"?>
<bc:request xmlns:bc="http://xmlns.oracle.com/example" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <bc:accountRef>
    <bc:id>
       0.0.0.1+-account+174300
    </bc:id>
    <bc:uri xsi:nil="true"/>
  </bc:accountRef>
  <bc:serviceRef><bc:id>0.0.0.1+-service-ip+175026</bc:id></bc:serviceRef>
  <bc:dealRef><bc:id>0.0.0.1+-deal+41057</bc:id></bc:dealRef>
  <bc:packageId> 2 </bc:packageId>
  <bc:flag>5</bc:flag>
  <bc:description>Tom &amp; Jerry's <![CDATA[<static>]]> IP</bc:description>
</bc:request>"#;
    expect(
        cancel_xml(&app, &token, body).await,
        200,
        "application/xml",
        TRUE_XML,
    )
    .await;
    let cancellation = bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .unwrap();
    assert_eq!(cancellation.flag, Some(5));
    assert_eq!(
        cancellation.description.as_deref(),
        Some("Tom & Jerry's <static> IP")
    );
}

#[tokio::test]
async fn an_xml_extension_is_stored_as_json_with_repeats_as_arrays() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = xml_5002(
        "<extension><reason>moving</reason><tag>a</tag><tag>b</tag>\
         <contact><name>Ann</name><phone/></contact></extension>",
    );
    assert_eq!(cancel_xml(&app, &token, &body).await.status(), 200);
    assert_eq!(
        bundle(&app, "acme", BUNDLE_5002)
            .await
            .cancellation
            .unwrap()
            .extension
            .as_deref(),
        Some(r#"{"reason":"moving","tag":["a","b"],"contact":{"name":"Ann","phone":null}}"#)
    );
}

#[tokio::test]
async fn json_in_xml_out_and_xml_in_json_out_follow_accept() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/xml")
        .body(SEED_BODY)
        .send()
        .await
        .unwrap();
    expect(response, 200, "application/xml", TRUE_XML).await;
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "text/xml")
        .header("Accept", "application/json")
        .body(xml_5002(""))
        .send()
        .await
        .unwrap();
    expect(response, 200, "application/json", "true").await;
}

#[tokio::test]
async fn xml_null_empty_and_mistyped_ids_are_400_in_xml() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let cases = [
        (
            "<cancelBundle xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
             <accountRef><id xsi:nil=\"true\"/></accountRef></cancelBundle>",
            "NULL_ID",
            "null Account Id: accountRef.id is missing or null; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257",
        ),
        (
            "<cancelBundle/>",
            "NULL_ID",
            "null Account Id: accountRef.id is missing or null; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257",
        ),
        (
            "<cancelBundle><accountRef><id>0.0.0.1+-account+174300</id></accountRef>\
             <serviceRef><id></id></serviceRef></cancelBundle>",
            "NULL_ID",
            "null Service Id: serviceRef.id is missing or null; serviceRef.id must be a /service POID such as 0.0.0.1+-service-email+175025",
        ),
        (
            "<cancelBundle><accountRef><id>0.0.0.1+-account+174300</id></accountRef>\
             <serviceRef><id>0.0.0.1+-service-ip+175026</id></serviceRef>\
             <dealRef><id>0.0.0.1+-account+1</id></dealRef></cancelBundle>",
            "WRONG_ID_TYPE",
            "wrong Deal Id type: '0.0.0.1+-account+1' is a /account POID; dealRef.id must be a /deal POID such as 0.0.0.1+-deal+41056",
        ),
        (
            "<cancelBundle><accountRef><id><poid>1</poid></id></accountRef></cancelBundle>",
            "MALFORMED_ID",
            "malformed Account Id: accountRef.id is not a string; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257",
        ),
    ];
    for (body, code, detail) in cases {
        expect_xml_problem(cancel_xml(&app, &token, body).await, 400, code, detail).await;
    }
}

#[tokio::test]
async fn xml_numbers_are_read_from_text() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    expect_xml_problem(
        cancel_xml(&app, &token, &xml_5002("<packageId>two</packageId>")).await,
        400,
        "INVALID_VALUE",
        "packageId: 'two' is not a 32-bit integer",
    )
    .await;
    expect_xml_problem(
        cancel_xml(&app, &token, &xml_5002("<packageId>7</packageId>")).await,
        404,
        "BUNDLE_NOT_FOUND",
        "account 0.0.0.1+-account+174300 and service 0.0.0.1+-service-ip+175026 hold no bundle of deal 0.0.0.1+-deal+41057 with packageId 7 (packageId 2 does not match)",
    )
    .await;
}

#[tokio::test]
async fn xml_conflicts_and_not_found_are_in_xml() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    assert_eq!(cancel_xml(&app, &token, &xml_5002("")).await.status(), 200);
    let at = bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .unwrap()
        .effective_at;
    expect_xml_problem(
        cancel_xml(&app, &token, &xml_5002("")).await,
        409,
        "ALREADY_CANCELLED",
        &format!(
            "bundle {BUNDLE_5002} is already cancelled (effective {})",
            billing_compat::domain::clock::to_storage(at)
        ),
    )
    .await;
}

#[tokio::test]
async fn unsafe_or_malformed_xml_is_400_malformed_body_in_xml() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let cases = [
        (
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><cancelBundle>&e;</cancelBundle>",
            "unsafe XML refused: DOCTYPE declarations are not allowed",
        ),
        ("<cancelBundle><accountRef></cancelBundle>", "unsafe XML refused: the document is not well-formed XML: ill-formed document: expected `</accountRef>`, but `</cancelBundle>` was found"),
        ("<cancelBundle><description>&nbsp;</description></cancelBundle>", "the body is not valid XML: undefined entity &nbsp;"),
        ("<cancelBundle>text<flag>1</flag></cancelBundle>", "the body is not valid XML: element <cancelBundle> mixes text with child elements"),
    ];
    for (body, detail) in cases {
        expect_xml_problem(
            cancel_xml(&app, &token, body).await,
            400,
            "MALFORMED_BODY",
            detail,
        )
        .await;
    }
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_none());
}
