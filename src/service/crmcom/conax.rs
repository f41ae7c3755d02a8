//! What a provisioning request will send to Conax: its `parameters_set` ("The parameters
//! which will be used to generate the Web Service Calls that will be send to Conax", the CRM.COM *cancel_subscriptions* page
//!) and the `request` text ("The actual request that was send to Conax").
//!
//! The Conax command carries the smartcard, the Conax product (our product code), the date
//! it applies from and the command sequence number. We render it as a small XML document;
//! no call is made from here (docs/design.md §6.3: requests are created PENDING).

use chrono::NaiveDate;
use quick_xml::escape::escape;

use crate::domain::provisioning::{ProvisioningParameter, ProvisioningType};

/// The values a Conax call is built from.
pub(super) struct ConaxCall<'a> {
    pub kind: ProvisioningType,
    pub sequence_number: i64,
    pub smartcard_serial_number: &'a str,
    pub product_code: &'a str,
    pub subscription_number: &'a str,
    pub start_date: NaiveDate,
}

impl ConaxCall<'_> {
    pub fn parameters(&self) -> Vec<ProvisioningParameter> {
        self.fields()
            .into_iter()
            .map(|(name, value)| ProvisioningParameter {
                name: name.to_owned(),
                value,
            })
            .collect()
    }

    /// `<conax_sms_sas_request type="…" sequence_number="…">` with one child per parameter.
    pub fn request_text(&self) -> String {
        let mut xml = format!(
            "<conax_sms_sas_request type=\"{}\" sequence_number=\"{}\">",
            self.kind.as_str(),
            self.sequence_number
        );
        for (name, value) in self.fields() {
            xml.push_str(&format!("<{name}>{}</{name}>", escape(value.as_str())));
        }
        xml.push_str("</conax_sms_sas_request>");
        xml
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "smartcard_serial_number",
                self.smartcard_serial_number.to_owned(),
            ),
            ("product_code", self.product_code.to_owned()),
            ("subscription_number", self.subscription_number.to_owned()),
            ("start_date", self.start_date.format("%Y-%m-%d").to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            call.request_text(),
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
