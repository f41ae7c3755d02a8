//! Entry points for `benches/soap.rs` (issue 9, item 2): the real SOAP 1.1 decoding and the
//! real reply rendering of AdjustAccountTerminationDate, without HTTP or storage. Not an API.

use chrono::{NaiveDate, Utc};

use crate::adapters::http::xml_gate::XmlLimits;
use crate::domain::account::AccountReferenceNo;
use crate::domain::tenant::TimeZone;
use crate::service::debitsuccess::adjust::Adjusted;
use crate::service::debitsuccess::run::Answer;

use super::reply::adjust_result;
use super::result_xml::soap_envelope;
use super::soap::decode::{decode, Message, Operation};
use super::soap::envelope::SoapVersion;

const ACTION: &str = "Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate";

/// Decodes a SOAP 1.1 request as the endpoint does (the default XML limits, the quoted
/// `SOAPAction` already unquoted); true when it is an AdjustAccountTerminationDate message.
pub fn decode_adjust_soap11(body: &[u8]) -> bool {
    let actions = [ACTION.to_owned()];
    matches!(
        decode(SoapVersion::V11, body, &actions, XmlLimits::default()),
        Ok(Message::Adjust(_))
    )
}

/// Renders the success reply's SOAP 1.1 envelope as the endpoint does (a new reply Id and
/// `DateCreated` in the tenant's zone each time).
pub fn render_adjust_success_soap11() -> Option<String> {
    let answer = Answer {
        at: Utc::now(),
        zone: TimeZone::default(),
        warnings: Vec::new(),
        result: Ok(Adjusted {
            account: AccountReferenceNo::parse("DS1000001").ok()?,
            termination_date: NaiveDate::from_ymd_opt(2031, 12, 31)?,
        }),
    };
    Some(soap_envelope(
        SoapVersion::V11,
        Operation::AdjustAccountTerminationDate,
        &adjust_result(&answer),
    ))
}
