//! The `request` text of a provisioning request ("The actual request that was send to
//! Conax", the CRM.COM *cancel_subscriptions* page): the Conax command as a small XML
//! document, `<conax_sms_sas_request type="…" sequence_number="…">` with one child per
//! parameter. No call is made from here (docs/design.md §6.3: requests are created PENDING).
//!
//! Why here and why a function handed to the use-case: the text is wire format (XML), so
//! the service may not build it; but it is stored on the request when the request is created,
//! in the same unit of work that draws the sequence number, so it cannot be rendered after
//! the use-case returns. The use-case builds the neutral [`ConaxCall`] and calls the
//! renderer the adapter gave it (`service::crmcom::create`), as it already calls the
//! adapter's reply renderer; dependencies still point from the adapter to the service.
//! Rendering it on every read instead would change what is stored for requests that exist.

use crate::adapters::http::xml_text::markup;
use crate::domain::provisioning::ConaxCall;

/// The stored `request` text of `call`.
pub fn request_text(call: &ConaxCall<'_>) -> String {
    let mut xml = format!(
        "<conax_sms_sas_request type=\"{}\" sequence_number=\"{}\">",
        call.kind.as_str(),
        call.sequence_number
    );
    for parameter in call.parameters() {
        let name = parameter.name;
        xml.push_str(&format!("<{name}>{}</{name}>", markup(&parameter.value)));
    }
    xml.push_str("</conax_sms_sas_request>");
    xml
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::provisioning::ProvisioningType;

    #[test]
    fn the_request_text_escapes_values_and_lists_the_parameters() {
        let call = ConaxCall {
            kind: ProvisioningType::CancelSubscriptions,
            sequence_number: 7,
            smartcard_serial_number: "SC-1",
            product_code: "A&B<C>",
            subscription_number: "SUB-1",
            start_date: NaiveDate::from_ymd_opt(2026, 5, 14).unwrap(),
        };
        assert_eq!(
            request_text(&call),
            "<conax_sms_sas_request type=\"CANCEL_SUBSCRIPTIONS\" sequence_number=\"7\">\
             <smartcard_serial_number>SC-1</smartcard_serial_number>\
             <product_code>A&amp;B&lt;C&gt;</product_code>\
             <subscription_number>SUB-1</subscription_number>\
             <start_date>2026-05-14</start_date></conax_sms_sas_request>"
        );
        let names: Vec<String> = call.parameters().into_iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "smartcard_serial_number",
                "product_code",
                "subscription_number",
                "start_date"
            ]
        );
    }
}
