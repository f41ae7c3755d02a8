//! The XSD-subset validator the other tests rely on: it must accept what the contract allows
//! and refuse what it does not, or "every reply validated" would prove nothing.

use super::support::client::{CORE, WCF};
use super::support::tree;
use super::support::xsd::{is_date_time, is_decimal, Schema};

fn result(body: &str) -> String {
    format!(
        "<AdjustAccountTerminationDateResponse xmlns=\"{WCF}\"><AdjustAccountTerminationDateResult \
         xmlns:a=\"{CORE}\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">{body}\
         </AdjustAccountTerminationDateResult></AdjustAccountTerminationDateResponse>"
    )
}

const NOTE: &str =
    "<a:ResponseNotes><a:ResponseMessageNote><a:Code>00</a:Code><a:Note>Success</a:Note>\
                    <a:NoteType>Info</a:NoteType></a:ResponseMessageNote></a:ResponseNotes>";

fn check(body: &str) -> Result<(), String> {
    Schema::contract().validate(&tree::parse(&result(body)))
}

#[test]
fn a_well_formed_reply_is_valid() {
    let ok = format!(
        "<a:DateCreated>2021-02-11T17:41:36.2391408+13:00</a:DateCreated><a:Id>x</a:Id>{NOTE}<a:Status>Succeed</a:Status>"
    );
    assert_eq!(check(&ok), Ok(()));
}

#[test]
fn order_presence_enumerations_types_and_namespaces_are_enforced() {
    let date = "<a:DateCreated>2021-02-11T17:41:36+13:00</a:DateCreated>";
    let cases = [
        // out of order
        format!("<a:Id>x</a:Id>{date}{NOTE}<a:Status>Succeed</a:Status>"),
        // Status missing
        format!("{date}<a:Id>x</a:Id>{NOTE}"),
        // not in the enumeration
        format!("{date}<a:Id>x</a:Id>{NOTE}<a:Status>Success</a:Status>"),
        // not an xs:dateTime
        format!("<a:DateCreated>2021-02-11</a:DateCreated><a:Id>x</a:Id>{NOTE}<a:Status>Failed</a:Status>"),
        // nil where not nillable
        format!("<a:DateCreated i:nil=\"true\"/><a:Id>x</a:Id>{NOTE}<a:Status>Failed</a:Status>"),
        // a member in the wrong namespace
        format!("{date}<Id xmlns=\"urn:other\">x</Id>{NOTE}<a:Status>Failed</a:Status>"),
        // an undeclared member
        format!("{date}<a:Id>x</a:Id>{NOTE}<a:Status>Failed</a:Status><a:Extra/>"),
        // a note without its NoteType
        format!("{date}<a:Id>x</a:Id><a:ResponseNotes><a:ResponseMessageNote><a:Code>00</a:Code><a:Note>S</a:Note></a:ResponseMessageNote></a:ResponseNotes><a:Status>Failed</a:Status>"),
    ];
    for case in cases {
        assert!(check(&case).is_err(), "accepted: {case}");
    }
}

#[test]
fn max_length_and_decimals_are_enforced_on_requests_and_accounts() {
    let schema = Schema::contract();
    let request = |reference: &str| {
        format!(
            "<AdjustAccountTerminationDate xmlns=\"{WCF}\"><request xmlns:a=\"{CORE}\">\
             <a:User><a:Password>p</a:Password><a:Username>u</a:Username></a:User>\
             <a:AccountReferenceNo>{reference}</a:AccountReferenceNo>\
             <a:TerminationDate>2031-12-31T00:00:00</a:TerminationDate></request></AdjustAccountTerminationDate>"
        )
    };
    assert_eq!(
        schema.validate(&tree::parse(&request(&"9".repeat(15)))),
        Ok(())
    );
    assert!(schema
        .validate(&tree::parse(&request(&"9".repeat(16))))
        .is_err());
    assert!(is_decimal("1200.00") && is_decimal("-3") && !is_decimal("1,200") && !is_decimal("1."));
    assert!(is_date_time("2031-12-31T00:00:00") && is_date_time("2031-12-31T00:00:00.5Z"));
    assert!(!is_date_time("2031-12-31") && !is_date_time("2031-12-31T00:00"));
}
