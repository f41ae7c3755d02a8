//! Calling the service the three ways a rule can be reached — SOAP 1.1, SOAP 1.2 and the
//! JSON form — and reading any reply into one comparable [`Outcome`]. Every XML reply is
//! validated against the contract's XSD on the way (the issue: "every reply validated").

use serde_json::{json, Map, Value};

use super::tree::{self, Node};
use super::xsd::Schema;
use crate::helpers::TestApp;

pub use super::store::{account, audit, find_account, today};

pub const PATH: &str = "/DSWebService/DSServices.svc";
pub const WCF: &str = "Debitsuccess.WebServices.WCF";
pub const CORE: &str = "http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core";
pub const CORE_REQ: &str =
    "http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core.RequestMessages";
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const ADJUST: &str = "AdjustAccountTerminationDate";
pub const GET_ACCOUNT: &str = "GetCustomerAccountByAccountId";
pub const USER: &str = "ds-gym";
pub const PASSWORD: &str = "Gym-Pass-2024";

pub fn action(operation: &str) -> String {
    format!("{WCF}/IDSServices/{operation}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Soap11,
    Soap12,
    Json,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Soap11, Channel::Soap12, Channel::Json];

    pub fn audit_name(self) -> &'static str {
        match self {
            Channel::Soap11 => "soap11",
            Channel::Soap12 => "soap12",
            Channel::Json => "json",
        }
    }
}

/// A field value as a client sends it.
#[derive(Clone, Debug)]
pub enum FieldValue {
    Text(String),
    Nil,
}

/// A request: the operation, `User` and the other fields in the order given.
#[derive(Clone, Debug)]
pub struct Request {
    pub operation: &'static str,
    pub user: Option<(String, String)>,
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl Request {
    pub fn new(operation: &'static str) -> Self {
        Self {
            operation,
            user: Some((USER.into(), PASSWORD.into())),
            fields: vec![],
        }
    }

    /// `AdjustAccountTerminationDate` of `reference` to `date` as the demo gym user.
    pub fn adjust(reference: &str, date: &str) -> Self {
        Self::new(ADJUST)
            .field("AccountReferenceNo", reference)
            .field("TerminationDate", date)
    }

    pub fn get_account(reference: &str) -> Self {
        Self::new(GET_ACCOUNT).field("AccountReferenceNo", reference)
    }

    pub fn user(mut self, user: Option<(&str, &str)>) -> Self {
        self.user = user.map(|(u, p)| (u.to_owned(), p.to_owned()));
        self
    }

    pub fn field(mut self, name: &'static str, value: &str) -> Self {
        self.set(name, FieldValue::Text(value.to_owned()));
        self
    }

    pub fn nil(mut self, name: &'static str) -> Self {
        self.set(name, FieldValue::Nil);
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|(n, _)| *n != name);
        self
    }

    fn set(&mut self, name: &'static str, value: FieldValue) {
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
    }

    /// A SoapUI-style envelope (`soapenv`/`deb`/`deb1` prefixes).
    pub fn envelope(&self, soap_ns: &str) -> String {
        let mut out = format!(
            "<soapenv:Envelope xmlns:soapenv=\"{soap_ns}\" xmlns:deb=\"{WCF}\" xmlns:deb1=\"{CORE}\" \
             xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Header/><soapenv:Body>\
             <deb:{op}><deb:request>",
            op = self.operation
        );
        if let Some((user, password)) = &self.user {
            out.push_str(&format!(
                "<deb1:User><deb1:Password>{}</deb1:Password><deb1:Username>{}</deb1:Username></deb1:User>",
                escape(password),
                escape(user)
            ));
        }
        for (name, value) in &self.fields {
            match value {
                FieldValue::Text(text) => {
                    out.push_str(&format!("<deb1:{name}>{}</deb1:{name}>", escape(text)))
                }
                FieldValue::Nil => out.push_str(&format!("<deb1:{name} i:nil=\"true\"/>")),
            }
        }
        out.push_str(&format!(
            "</deb:request></deb:{}></soapenv:Body></soapenv:Envelope>",
            self.operation
        ));
        out
    }

    pub fn json(&self) -> Value {
        let mut object = Map::new();
        if let Some((user, password)) = &self.user {
            object.insert(
                "User".into(),
                json!({"Username": user, "Password": password}),
            );
        }
        for (name, value) in &self.fields {
            let value = match value {
                FieldValue::Text(text) => Value::String(text.clone()),
                FieldValue::Nil => Value::Null,
            };
            object.insert((*name).to_owned(), value);
        }
        Value::Object(object)
    }
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub code: String,
    pub note: String,
    pub kind: String,
}

/// A reply, whichever way it came.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub http: u16,
    pub content_type: String,
    pub body: String,
    pub status: String,
    pub notes: Vec<Note>,
    /// The Result element (XML replies).
    pub result: Option<Node>,
    /// The reply object (JSON replies).
    pub json: Option<Value>,
}

impl Outcome {
    pub fn codes(&self) -> Vec<&str> {
        self.notes.iter().map(|n| n.code.as_str()).collect()
    }

    /// The single note's (code, text, type).
    pub fn only_note(&self) -> (&str, &str, &str) {
        assert_eq!(self.notes.len(), 1, "one note expected: {:?}", self.notes);
        let n = &self.notes[0];
        (&n.code, &n.note, &n.kind)
    }
}

pub fn note(code: &str, note: &str, kind: &str) -> Note {
    Note {
        code: code.into(),
        note: note.into(),
        kind: kind.into(),
    }
}

/// Posts raw SOAP and returns status, content type and body.
pub async fn post_soap(
    app: &TestApp,
    content_type: &str,
    soap_action: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, String, String) {
    let mut request = app
        .client
        .post(app.url(PATH))
        .header("Content-Type", content_type);
    if let Some(action) = soap_action {
        request = request.header("SOAPAction", action);
    }
    let response = request.body(body).send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.expect("body"))
}

pub async fn call(app: &TestApp, channel: Channel, request: &Request) -> Outcome {
    let action = action(request.operation);
    match channel {
        Channel::Soap11 => {
            let (http, ct, body) = post_soap(
                app,
                "text/xml; charset=utf-8",
                Some(&format!("\"{action}\"")),
                request.envelope(SOAP11),
            )
            .await;
            soap_outcome(http, ct, body, SOAP11)
        }
        Channel::Soap12 => {
            let (http, ct, body) = post_soap(
                app,
                &format!("application/soap+xml; charset=utf-8; action=\"{action}\""),
                None,
                request.envelope(SOAP12),
            )
            .await;
            soap_outcome(http, ct, body, SOAP12)
        }
        Channel::Json => {
            json_call(
                app,
                request.operation,
                &request.json().to_string(),
                "application/json",
                None,
            )
            .await
        }
    }
}

/// A SOAP reply: HTTP 200, the version's content type, valid against the XSD.
pub fn soap_outcome(http: u16, content_type: String, body: String, soap_ns: &str) -> Outcome {
    assert_eq!(http, 200, "{body}");
    let expected = if soap_ns == SOAP11 {
        "text/xml; charset=utf-8"
    } else {
        "application/soap+xml; charset=utf-8"
    };
    assert_eq!(content_type, expected);
    let envelope = tree::parse(&body);
    assert!(envelope.is(soap_ns, "Envelope"), "{body}");
    let soap_body = envelope.child("Body");
    assert!(soap_body.is(soap_ns, "Body"));
    assert_eq!(soap_body.children.len(), 1);
    let response = &soap_body.children[0];
    assert_eq!(response.ns.as_deref(), Some(WCF));
    Schema::contract()
        .validate(response)
        .unwrap_or_else(|e| panic!("reply invalid against the XSD: {e}\n{body}"));
    assert_eq!(response.children.len(), 1);
    let result = response.children[0].clone();
    xml_outcome(http, content_type, body, result)
}

fn xml_outcome(http: u16, content_type: String, body: String, result: Node) -> Outcome {
    let notes = result
        .child("ResponseNotes")
        .children
        .iter()
        .map(|n| Note {
            code: n.child("Code").text.clone(),
            note: n.child("Note").text.clone(),
            kind: n.child("NoteType").text.clone(),
        })
        .collect();
    Outcome {
        http,
        content_type,
        body,
        status: result.child("Status").text.clone(),
        notes,
        result: Some(result),
        json: None,
    }
}

/// The JSON form; an XML reply (per `accept`) is validated against the XSD too.
pub async fn json_call(
    app: &TestApp,
    operation: &str,
    body: &str,
    content_type: &str,
    accept: Option<&str>,
) -> Outcome {
    let mut request = app
        .client
        .post(app.url(&format!("{PATH}/json/{operation}")))
        .header("Content-Type", content_type)
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.expect("request sent");
    let http = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.expect("body");
    if content_type.starts_with("application/xml") {
        let root = tree::parse(&body);
        assert!(root.is(CORE, &format!("{operation}Response")), "{body}");
        Schema::contract()
            .validate(&root)
            .unwrap_or_else(|e| panic!("reply invalid against the XSD: {e}\n{body}"));
        return xml_outcome(http, content_type, body, root);
    }
    assert_eq!(content_type, "application/json", "{body}");
    let value: Value = serde_json::from_str(&body).expect("JSON reply");
    let notes = value["ResponseNotes"]
        .as_array()
        .expect("ResponseNotes array")
        .iter()
        .map(|n| Note {
            code: n["Code"].as_str().unwrap().into(),
            note: n["Note"].as_str().unwrap().into(),
            kind: n["NoteType"].as_str().unwrap().into(),
        })
        .collect();
    Outcome {
        http,
        content_type,
        status: value["Status"].as_str().expect("Status").into(),
        body,
        notes,
        result: None,
        json: Some(value),
    }
}

/// The HTTP status the JSON form answers a code with (docs/debitsuccess.md, JSON form).
pub fn json_http(code: &str) -> u16 {
    match code {
        "00" | "14020" => 200,
        "02" => 401,
        "100" | "13203" | "12016" => 400,
        "08" => 404,
        "07" | "09" => 409,
        "10" | "14091" | "14079" => 422,
        "01" | "11" => 503,
        other => panic!("no status for {other}"),
    }
}
