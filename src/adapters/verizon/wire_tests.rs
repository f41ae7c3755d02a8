use super::*;

fn code(result: Result<impl fmt::Debug, VerizonError>) -> String {
    match result {
        Err(error) => error.code().to_owned(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

#[test]
fn the_query_names_the_order_or_says_exactly_what_is_wrong() {
    let id = |n| Some(ExternalId::new(n).unwrap());
    assert_eq!(query_external_id("externalId=9001").unwrap(), id(9001));
    assert_eq!(query_external_id("a=1&externalId=0&b").unwrap(), id(0));
    assert_eq!(query_external_id("").unwrap(), None);
    assert_eq!(query_external_id("externalid=9001").unwrap(), None);
    assert_eq!(code(query_external_id("externalId=")), "missingQueryValue");
    assert_eq!(code(query_external_id("externalId")), "missingQueryValue");
    for bad in [
        "externalId=abc",
        "externalId=-1",
        "externalId=%2B9001",
        "externalId=%209001",
        "externalId=1.5",
        "externalId=99999999999999999999",
        "externalId=1&externalId=1",
    ] {
        assert_eq!(code(query_external_id(bad)), "invalidQuery", "{bad}");
    }
}

fn json(text: &str) -> ConfirmationDto {
    serde_json::from_str(text).unwrap()
}

fn xml(text: &str) -> ConfirmationDto {
    quick_xml::de::from_str(text).unwrap()
}

#[test]
fn json_bodies_become_commands() {
    let body = json(
        r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"},
            {"id":"CI-2","acceptanceIndicator":"rejected","note":[]}],"other":1}"#,
    );
    let command = confirmation(ExternalId::new(9001).ok(), body, Format::Json).unwrap();
    assert_eq!(command.external_id.value(), 9001);
    assert_eq!(command.restated_external_id, None);
    assert_eq!(
        command.answers,
        vec![
            ChargeAnswer {
                item_id: "CI-1".into(),
                answer: Answer::Accepted
            },
            ChargeAnswer {
                item_id: "CI-2".into(),
                answer: Answer::Rejected
            },
        ]
    );
}

#[test]
fn the_body_may_name_the_order_instead_of_the_query() {
    let body = || {
        json(
            r#"{"externalId":9002,"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#,
        )
    };
    let alone = confirmation(None, body(), Format::Json).unwrap();
    assert_eq!(
        (alone.external_id.value(), alone.restated_external_id),
        (9002, None)
    );
    let both = confirmation(ExternalId::new(9001).ok(), body(), Format::Json).unwrap();
    assert_eq!(both.external_id.value(), 9001);
    assert_eq!(both.restated_external_id.map(|e| e.value()), Some(9002));
}

#[test]
fn json_must_send_the_body_external_id_as_a_number() {
    let body = json(
        r#"{"externalId":"9002","acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#,
    );
    assert_eq!(code(confirmation(None, body, Format::Json)), "invalidBody");
    let negative = json(
        r#"{"externalId":-3,"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#,
    );
    assert_eq!(
        code(confirmation(None, negative, Format::Json)),
        "invalidBody"
    );
    assert!(serde_json::from_str::<ConfirmationDto>(r#"{"externalId":1.5}"#).is_err());
    assert!(serde_json::from_str::<ConfirmationDto>(r#"{"externalId":1e300}"#).is_err());
    // JSON Schema's integer: a number without a fraction, whatever its spelling.
    let whole = json(
        r#"{"externalId":9002.0,"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#,
    );
    let command = confirmation(None, whole, Format::Json).unwrap();
    assert_eq!(command.external_id.value(), 9002);
}

#[test]
fn without_any_external_id_the_query_parameter_is_missing() {
    let body =
        json(r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#);
    assert_eq!(
        code(confirmation(None, body, Format::Json)),
        "missingQueryParameter"
    );
}

#[test]
fn empty_or_absent_arrays_and_missing_indicators_are_invalid_bodies() {
    for text in [
        r#"{"acknowledgementRequest":[]}"#,
        r#"{"acknowledgementRequest":null}"#,
        r#"{}"#,
        r#"{"acknowledgementRequest":[{"id":"CI-1"}]}"#,
    ] {
        let result = confirmation(ExternalId::new(1).ok(), json(text), Format::Json);
        assert_eq!(code(result), "invalidBody", "{text}");
    }
    for text in [
        r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"Accepted"}]}"#,
        r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"awaitingResponse"}]}"#,
        r#"{"acknowledgementRequest":[{"id":7,"acceptanceIndicator":"accepted"}]}"#,
        r#"{"acknowledgementRequest":{"id":"CI-1","acceptanceIndicator":"accepted"}}"#,
    ] {
        assert!(
            serde_json::from_str::<ConfirmationDto>(text).is_err(),
            "{text}"
        );
    }
}

#[test]
fn a_missing_id_is_left_for_the_order_check() {
    let body = json(r#"{"acknowledgementRequest":[{"acceptanceIndicator":"accepted"}]}"#);
    let command = confirmation(ExternalId::new(1).ok(), body, Format::Json).unwrap();
    assert_eq!(command.answers[0].item_id, "");
}

#[test]
fn xml_bodies_repeat_their_acknowledgement_elements() {
    let body = xml(
        "<disconnectCustomerConfirmation><externalId>9001</externalId>\
         <acknowledgementRequest><id>CI-1</id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest>\
         <acknowledgementRequest><acceptanceIndicator>rejected</acceptanceIndicator><id>CI-2</id></acknowledgementRequest>\
         </disconnectCustomerConfirmation>",
    );
    let command = confirmation(None, body, Format::Xml).unwrap();
    assert_eq!(command.external_id.value(), 9001);
    let ids: Vec<_> = command.answers.iter().map(|a| a.item_id.as_str()).collect();
    assert_eq!(ids, ["CI-1", "CI-2"]);
    assert_eq!(command.answers[1].answer, Answer::Rejected);
}

#[test]
fn xml_empty_ids_and_bad_external_ids_are_caught() {
    let body = xml(
        "<x><acknowledgementRequest><id></id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest></x>",
    );
    let command = confirmation(ExternalId::new(1).ok(), body, Format::Xml).unwrap();
    assert_eq!(command.answers[0].item_id, "");
    let bad = xml(
        "<x><externalId>90x1</externalId><acknowledgementRequest><id>a</id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest></x>",
    );
    assert_eq!(code(confirmation(None, bad, Format::Xml)), "invalidBody");
    let none = xml("<x><externalId>9001</externalId></x>");
    assert_eq!(code(confirmation(None, none, Format::Xml)), "invalidBody");
}
