//! The floLIVE response envelope, exactly as the floLIVE *Detach Customer Product* page shows it:
//!
//! - ACK `{"errorCode":"","errorMessage":"","content":[{…}],"pageable":{"page":0,"size":10,
//!   "totalPages":1,"totalElements":1}}`
//! - NAK `{"errorCode":"CUSTOMER_1049","errorMessage":"Failed to detach product instance",
//!   "content":"","pageable":null}` plus `errorDetails` with the precise reason (docs/design.md §6.2).
//!
//! XML replies carry the same fields under a `<response>` root; a list's items are repeated
//! `<content>` elements.

use serde::Serialize;
use utoipa::ToSchema;

/// The document element of XML replies.
pub(super) const XML_ROOT: &str = "response";

/// Paging information of an ACK (the floLIVE *Detach Customer Product* page, "Pageable data objects").
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FlolivePageable)]
pub(super) struct Pageable {
    /// Page number (always 0: every answer fits one page).
    page: u32,
    /// Page size: number of requested elements per page.
    size: u32,
    /// Total amount of available pages per requested page size.
    total_pages: u32,
    /// Total amount of retrieved elements.
    total_elements: u32,
}

/// A success: empty error fields, the items, one page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FloliveAck<T>)]
pub(super) struct Ack<T> {
    /// Always empty on success.
    error_code: &'static str,
    /// Always empty on success.
    error_message: &'static str,
    content: Vec<T>,
    pageable: Pageable,
}

/// One-item ACKs are all this API sends (the seed's default page size is 10).
pub(super) fn ack<T>(item: T) -> Ack<T> {
    Ack {
        error_code: "",
        error_message: "",
        content: vec![item],
        pageable: Pageable {
            page: 0,
            size: 10,
            total_pages: 1,
            total_elements: 1,
        },
    }
}

/// A failure: the vendor's code and message, empty `content`, null `pageable`, and our
/// `errorDetails`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FloliveNak)]
pub(super) struct Nak {
    /// Failure code, e.g. `CUSTOMER_1049`, `GLOBAL_1001`, `AUTH_1001` (see docs/flolive.md).
    pub error_code: &'static str,
    /// The code's fixed message, e.g. `Failed to detach product instance`.
    pub error_message: &'static str,
    /// Always the empty string on failure (the floLIVE *Detach Customer Product* page).
    #[schema(value_type = String, example = "")]
    pub content: &'static str,
    /// Always null on failure (the floLIVE *Detach Customer Product* page).
    #[schema(value_type = Option<Pageable>)]
    pub pageable: Option<Pageable>,
    /// The precise reason, for people (not in the seed; added by docs/design.md §6.2).
    pub error_details: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Item {
        request_id: &'static str,
    }

    fn nak() -> Nak {
        Nak {
            error_code: "CUSTOMER_1049",
            error_message: "Failed to detach product instance",
            content: "",
            pageable: None,
            error_details: "why".into(),
        }
    }

    #[test]
    fn the_ack_is_the_seed_s_bytes() {
        let json = serde_json::to_string(&ack(Item {
            request_id: "ff74dca6-8e7f-4b85-a42b-13860913b370",
        }))
        .unwrap();
        assert_eq!(
            json,
            r#"{"errorCode":"","errorMessage":"","content":[{"requestId":"ff74dca6-8e7f-4b85-a42b-13860913b370"}],"pageable":{"page":0,"size":10,"totalPages":1,"totalElements":1}}"#
        );
    }

    #[test]
    fn the_nak_is_the_seed_s_bytes_plus_error_details() {
        assert_eq!(
            serde_json::to_string(&nak()).unwrap(),
            r#"{"errorCode":"CUSTOMER_1049","errorMessage":"Failed to detach product instance","content":"","pageable":null,"errorDetails":"why"}"#
        );
    }

    #[test]
    fn xml_replies_carry_the_same_fields() {
        let xml =
            quick_xml::se::to_string_with_root(XML_ROOT, &ack(Item { request_id: "r1" })).unwrap();
        assert_eq!(
            xml,
            "<response><errorCode/><errorMessage/>\
             <content><requestId>r1</requestId></content>\
             <pageable><page>0</page><size>10</size><totalPages>1</totalPages><totalElements>1</totalElements></pageable>\
             </response>"
        );
        let xml = quick_xml::se::to_string_with_root(XML_ROOT, &nak()).unwrap();
        assert_eq!(
            xml,
            "<response><errorCode>CUSTOMER_1049</errorCode>\
             <errorMessage>Failed to detach product instance</errorMessage>\
             <content/><pageable/><errorDetails>why</errorDetails></response>"
        );
    }
}
