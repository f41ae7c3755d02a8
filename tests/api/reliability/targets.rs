//! The six request endpoints under attack, each with its credentials, the marks of its
//! vendor's error format, and one ordinary request that must succeed afterwards.

use serde_json::Value;

use crate::helpers::TestApp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    DebitsuccessSoap,
    DebitsuccessJson,
    Flolive,
    Crmcom,
    BillingCare,
    Verizon,
}

pub const ALL: [Vendor; 6] = [
    Vendor::DebitsuccessSoap,
    Vendor::DebitsuccessJson,
    Vendor::Flolive,
    Vendor::Crmcom,
    Vendor::BillingCare,
    Vendor::Verizon,
];

const DS_USER: &str =
    "<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>";

/// A target with its credentials resolved (CRM.COM and Billing Care need a token first).
pub struct Target {
    pub vendor: Vendor,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    /// The CRM.COM token travels in the body.
    pub crm_token: Option<String>,
}

impl Target {
    pub async fn new(app: &TestApp, vendor: Vendor) -> Self {
        let (path, headers, crm_token) = match vendor {
            Vendor::DebitsuccessSoap => (
                "/DSWebService/DSServices.svc".to_owned(),
                vec![(
                    "SOAPAction",
                    "\"Debitsuccess.WebServices.WCF/IDSServices/GetCustomerAccountByAccountId\""
                        .to_owned(),
                )],
                None,
            ),
            Vendor::DebitsuccessJson => (
                "/DSWebService/DSServices.svc/json/GetCustomerAccountByAccountId".to_owned(),
                vec![],
                None,
            ),
            Vendor::Flolive => (
                "/api/v2/customer/c0000000-0000-4000-8000-000000000003/attach-product".to_owned(),
                vec![("Authorization", "Bearer acme-flolive-key".to_owned())],
                None,
            ),
            Vendor::Crmcom => (
                "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/cancel_subscriptions"
                    .to_owned(),
                vec![],
                Some(crm_login(app).await),
            ),
            Vendor::BillingCare => (
                "/bcws/webresources/v1.0/subscriptions/cancel/bundle".to_owned(),
                vec![(
                    "Authorization",
                    format!("Bearer {}", billing_care_token(app).await),
                )],
                None,
            ),
            Vendor::Verizon => (
                "/proquest/disconnectCustomerConfirmation?externalId=9001".to_owned(),
                vec![("Authorization", "Bearer acme-verizon-key".to_owned())],
                None,
            ),
        };
        Target {
            vendor,
            path,
            headers,
            crm_token,
        }
    }

    pub fn accepts_json(&self) -> bool {
        self.vendor != Vendor::DebitsuccessSoap
    }

    /// The XML media type this endpoint reads.
    pub fn xml_type(&self) -> &'static str {
        match self.vendor {
            Vendor::DebitsuccessSoap => "text/xml; charset=utf-8",
            _ => "application/xml",
        }
    }

    /// One ordinary request that must succeed: (content type, body, check of the reply).
    pub fn ordinary(&self) -> (&'static str, String) {
        match self.vendor {
            Vendor::DebitsuccessSoap => (
                "text/xml; charset=utf-8",
                format!(
                    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
                     <GetCustomerAccountByAccountId xmlns=\"Debitsuccess.WebServices.WCF\">\
                     <request xmlns:a=\"http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core\">\
                     {DS_USER}<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo></request>\
                     </GetCustomerAccountByAccountId></s:Body></s:Envelope>"
                ),
            ),
            Vendor::DebitsuccessJson => (
                "application/json",
                r#"{"User":{"Username":"ds-gym","Password":"Gym-Pass-2024"},"AccountReferenceNo":"DS1000001"}"#
                    .to_owned(),
            ),
            Vendor::Flolive => (
                "application/json",
                r#"{"customerId":"c0000000-0000-4000-8000-000000000003","productId":"b0000000-0000-4000-8000-000000000001"}"#
                    .to_owned(),
            ),
            Vendor::Crmcom => (
                "application/json",
                serde_json::json!({
                    "token": self.crm_token,
                    "subscription_identifier": {"number": "SUB-0001"},
                    "service_identifier": {"code": "TV-SPORTS"},
                    "smartcard_identifier": {"serial_number": "SC-000111"}
                })
                .to_string(),
            ),
            Vendor::BillingCare => (
                "application/json",
                r#"{"dealRef":{"id":"0.0.0.1+-deal+41056","uri":null},"serviceRef":{"id":"0.0.0.1+-service-email+175025","uri":null},"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"description":"x","packageId":1}"#
                    .to_owned(),
            ),
            Vendor::Verizon => (
                "application/json",
                r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#
                    .to_owned(),
            ),
        }
    }

    /// Whether the ordinary request's reply is a success.
    pub fn is_success(&self, status: u16, body: &str) -> bool {
        match self.vendor {
            Vendor::DebitsuccessSoap | Vendor::DebitsuccessJson => {
                status == 200 && body.contains("Succeed")
            }
            Vendor::Flolive => status == 200 && body.contains("productInstanceId"),
            Vendor::Crmcom => status == 200 && body.contains("\"OK\""),
            Vendor::BillingCare => status == 200 && body.trim() == "true",
            Vendor::Verizon => status == 204,
        }
    }

    pub async fn send(&self, app: &TestApp, content_type: &str, body: Vec<u8>) -> (u16, String) {
        let mut request = app
            .client
            .post(app.url(&self.path))
            .header("Content-Type", content_type)
            .body(body);
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.expect("a reply");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }
}

async fn crm_login(app: &TestApp) -> String {
    let reply = app
        .client
        .post(app.url("/crmapi/rest/v2/authentication/token"))
        .json(&serde_json::json!({"username":"crm-agent","password":"Crm-Pass-2024","organisation":"acme"}))
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    body["data"]["token"]
        .as_str()
        .expect("a CRM.COM token")
        .to_owned()
}

async fn billing_care_token(app: &TestApp) -> String {
    let reply = app
        .client
        .get(app.url("/bcws/webresources/v1.0/authentication/queryAccessToken"))
        .basic_auth("bc-client", Some("Bc-Secret-2024"))
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    body["access_token"]
        .as_str()
        .expect("a Billing Care token")
        .to_owned()
}
