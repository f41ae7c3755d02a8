//! The `request` object's fields, from XML (SOAP bodies, the JSON form's XML variant) or
//! JSON, into the version-neutral messages of `service::debitsuccess::command`.
//!
//! docs/design.md §6.1: any prefix, default namespaces, declarations anywhere, any field order,
//! data fields in either data namespace, and `i:nil="true"` as absent. Unknown elements are
//! ignored, as WCF's DataContractSerializer does. A field that cannot hold its value (child
//! elements where text belongs, a repeat, a JSON number) is noted as a problem: error 100,
//! reported after the credentials are checked.

use serde_json::{Map, Value};

use crate::service::debitsuccess::command::{
    AdjustTerminationDate, GetCustomerAccount, References, RequestBase, UserCredentials,
};

use super::wire_date;
use super::xml_tree::Element;

pub const CORE_NS: &str = "http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core";
pub const CORE_REQUESTS_NS: &str =
    "http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core.RequestMessages";

/// Which namespaces a data field may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespaces {
    /// SOAP: `…Core` or `…Core.RequestMessages`.
    DataContract,
    /// The JSON form's XML variant: those two or none at all.
    DataContractOrNone,
}

impl Namespaces {
    fn accepts(self, ns: Option<&str>) -> bool {
        match ns {
            Some(CORE_NS | CORE_REQUESTS_NS) => true,
            None => self == Namespaces::DataContractOrNone,
            Some(_) => false,
        }
    }
}

/// Every field either operation reads, as text; each operation takes what it needs, dates
/// read by [`wire_date`].
#[derive(Clone, Debug, Default)]
pub struct Fields {
    base: RequestBase,
    references: References,
    date_created: Option<String>,
    termination_date: Option<String>,
}

impl Fields {
    pub fn adjust(mut self) -> AdjustTerminationDate {
        let termination_date = self.termination_date.take().map(wire_date::read);
        let (base, references) = self.base_and_references();
        AdjustTerminationDate {
            base,
            references,
            termination_date,
        }
    }

    pub fn get_account(self) -> GetCustomerAccount {
        let (base, references) = self.base_and_references();
        GetCustomerAccount { base, references }
    }

    fn base_and_references(self) -> (RequestBase, References) {
        let base = RequestBase {
            date_created: self.date_created.map(wire_date::read),
            ..self.base
        };
        (base, self.references)
    }

    /// From the `request` element (absent or nil: no fields, so 02 follows).
    pub fn from_xml(request: Option<&Element>, namespaces: Namespaces) -> Self {
        let mut fields = Fields::default();
        let Some(request) = request.filter(|r| !r.is_nil()) else {
            return fields;
        };
        let mut seen: Vec<&str> = Vec::new();
        for child in &request.children {
            if !namespaces.accepts(child.ns.as_deref()) {
                continue;
            }
            let name = child.local.as_ref();
            if name != "User" && fields.slot(name).is_none() {
                continue;
            }
            if seen.contains(&name) {
                fields.problem(format!("The element '{name}' appears more than once."));
                continue;
            }
            seen.push(name);
            if name == "User" {
                fields.base.user = user_from_xml(child, namespaces);
                continue;
            }
            let Some(slot) = fields.slot(name) else {
                continue;
            };
            match xml_value(child) {
                Ok(value) => *slot = value,
                Err(()) => fields.problem(format!(
                    "The element '{name}' must hold a value, not elements."
                )),
            }
        }
        fields
    }

    /// From the JSON form's body: the request object's fields, optionally wrapped as
    /// `{"request": {…}}` (WCF's wrapped body style).
    pub fn from_json(object: &Map<String, Value>) -> Self {
        let object = match object.get("request") {
            Some(Value::Object(inner)) if object.len() == 1 => inner,
            _ => object,
        };
        let mut fields = Fields::default();
        for (name, value) in object {
            if name == "User" {
                fields.base.user = match value {
                    Value::Object(user) => Some(UserCredentials {
                        username: user
                            .get("Username")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        password: user
                            .get("Password")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    }),
                    _ => None,
                };
                continue;
            }
            let Some(slot) = fields.slot(name) else {
                continue;
            };
            match value {
                Value::Null => *slot = None,
                Value::String(text) => *slot = Some(text.clone()),
                _ => fields.problem(format!("The element '{name}' must be a string or null.")),
            }
        }
        fields
    }

    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "DateCreated" => &mut self.date_created,
            "Id" => &mut self.base.message_id,
            "RequestInitiator" => &mut self.base.initiator,
            "AccountReferenceNo" => &mut self.references.account_reference_no,
            "ExternalAccountReferenceNo" => &mut self.references.external_reference_no,
            "TerminationDate" => &mut self.termination_date,
            _ => return None,
        })
    }

    fn problem(&mut self, problem: String) {
        self.base.problems.push(problem);
    }
}

/// A simple value: nil is absent; child elements make it not of its type.
fn xml_value(element: &Element) -> Result<Option<String>, ()> {
    if element.is_nil() {
        return Ok(None);
    }
    if !element.children.is_empty() {
        return Err(());
    }
    Ok(Some(element.text.to_string()))
}

/// `User{Id?, Username, Password}`; anything unreadable is simply absent (→ 02).
fn user_from_xml(user: &Element, namespaces: Namespaces) -> Option<UserCredentials> {
    if user.is_nil() {
        return None;
    }
    let field = |name: &str| {
        user.children
            .iter()
            .find(|c| c.local == name && namespaces.accepts(c.ns.as_deref()))
            .and_then(|c| xml_value(c).ok().flatten())
    };
    Some(UserCredentials {
        username: field("Username"),
        password: field("Password"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::http::xml_gate::XmlLimits;

    fn request(xml: &str) -> Element<'_> {
        super::super::xml_tree::parse(xml.as_bytes(), XmlLimits::default()).unwrap()
    }

    #[test]
    fn fields_come_from_either_data_namespace_in_any_order() {
        let xml = format!(
            r#"<r xmlns:a="{CORE_NS}" xmlns:b="{CORE_REQUESTS_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
                 <b:TerminationDate>2031-12-31</b:TerminationDate><a:User><a:Username>u</a:Username><a:Password>p</a:Password></a:User>
                 <a:ExternalAccountReferenceNo i:nil="true"/><x:AccountReferenceNo xmlns:x="urn:other">NO</x:AccountReferenceNo>
                 <AccountReferenceNo>NONE</AccountReferenceNo><a:AccountReferenceNo>DS1</a:AccountReferenceNo></r>"#
        );
        let r = request(&xml);
        let m = Fields::from_xml(Some(&r), Namespaces::DataContract).adjust();
        assert_eq!(
            m.termination_date.as_ref().map(|d| d.text.as_str()),
            Some("2031-12-31")
        );
        assert_eq!(m.references.account_reference_no.as_deref(), Some("DS1"));
        assert_eq!(m.references.external_reference_no, None);
        let user = m.base.user.unwrap();
        assert_eq!(
            (user.username.as_deref(), user.password.as_deref()),
            (Some("u"), Some("p"))
        );
        assert!(m.base.problems.is_empty());
        let m = Fields::from_xml(Some(&r), Namespaces::DataContractOrNone).adjust();
        assert_eq!(
            m.base.problems,
            ["The element 'AccountReferenceNo' appears more than once."]
        );
    }

    #[test]
    fn values_with_elements_inside_are_problems() {
        let xml = format!(r#"<r xmlns="{CORE_NS}"><TerminationDate><x/></TerminationDate></r>"#);
        let r = request(&xml);
        let m = Fields::from_xml(Some(&r), Namespaces::DataContract).adjust();
        assert_eq!(
            m.base.problems,
            ["The element 'TerminationDate' must hold a value, not elements."]
        );
    }

    #[test]
    fn json_fields_may_be_wrapped_and_must_be_strings() {
        let body = serde_json::json!({"request": {"User": {"Username": "u", "Password": 5},
            "AccountReferenceNo": "DS1", "TerminationDate": 20311231, "Unknown": [1]}});
        let m = Fields::from_json(body.as_object().unwrap()).adjust();
        let user = m.base.user.unwrap();
        assert_eq!((user.username.as_deref(), user.password), (Some("u"), None));
        assert_eq!(m.references.account_reference_no.as_deref(), Some("DS1"));
        assert_eq!(
            m.base.problems,
            ["The element 'TerminationDate' must be a string or null."]
        );
    }
}
