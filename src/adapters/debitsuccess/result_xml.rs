//! Replies as XML, in the shape WCF's DataContractSerializer writes and our XSD orders them
//! (xsd/Core.xsd: base members first, then each type's members alphabetically; absent
//! values as `i:nil="true"`). SOAP wraps the Result in `<Op>Response` in the service
//! namespace; the JSON form's XML variant writes the bare `<Op>Response` data contract.

use crate::adapters::http::xml_text;

use super::fields::CORE_NS;
use super::reply::{
    AccountResult, AdjustResult, CustomerAccount, NoteType, ResponseStatus, ResultBase,
};
use super::soap::decode::{Operation, SERVICE_NS};
use super::soap::envelope::SoapVersion;
use super::xml_tree::XSI;

/// A reply's fields, written with element prefix `p` (`"a:"` or `""`).
pub trait ResultXml {
    fn base(&self) -> &ResultBase;
    fn write_own(&self, out: &mut String, p: &str);
}

impl ResultXml for AdjustResult {
    fn base(&self) -> &ResultBase {
        &self.base
    }

    fn write_own(&self, _out: &mut String, _p: &str) {}
}

impl ResultXml for AccountResult {
    fn base(&self) -> &ResultBase {
        &self.base
    }

    fn write_own(&self, out: &mut String, p: &str) {
        match &self.account {
            None => nil(out, p, "Account"),
            Some(account) => {
                open(out, p, "Account");
                write_account(out, p, account);
                close(out, p, "Account");
            }
        }
    }
}

/// Room for a reply envelope without regrowing (an AdjustAccountTerminationDate success is
/// ~700 bytes; an account with products a little more).
const REPLY_CAPACITY: usize = 1024;

/// The SOAP envelope of a reply, in the request's SOAP version.
pub fn soap_envelope(
    version: SoapVersion,
    operation: Operation,
    result: &impl ResultXml,
) -> String {
    let op = operation.name();
    let mut out = String::with_capacity(REPLY_CAPACITY);
    for part in [
        "<s:Envelope xmlns:s=\"",
        version.namespace(),
        "\"><s:Body><",
        op,
        "Response xmlns=\"",
        SERVICE_NS,
        "\"><",
        op,
        "Result xmlns:a=\"",
        CORE_NS,
        "\" xmlns:i=\"",
        XSI,
        "\">",
    ] {
        out.push_str(part);
    }
    write_result(&mut out, "a:", result);
    for part in ["</", op, "Result></", op, "Response></s:Body></s:Envelope>"] {
        out.push_str(part);
    }
    out
}

/// The bare data contract (`<Op>Response` in the Core namespace), for the JSON form's XML.
pub fn document(operation: Operation, result: &impl ResultXml) -> String {
    let op = operation.name();
    let mut out = String::with_capacity(REPLY_CAPACITY);
    for part in [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><",
        op,
        "Response xmlns=\"",
        CORE_NS,
        "\" xmlns:i=\"",
        XSI,
        "\">",
    ] {
        out.push_str(part);
    }
    write_result(&mut out, "", result);
    for part in ["</", op, "Response>"] {
        out.push_str(part);
    }
    out
}
fn write_result(out: &mut String, p: &str, result: &impl ResultXml) {
    let base = result.base();
    leaf(out, p, "DateCreated", &base.date_created);
    leaf(out, p, "Id", &base.id);
    open(out, p, "ResponseNotes");
    for note in &base.response_notes {
        open(out, p, "ResponseMessageNote");
        leaf(out, p, "Code", &note.code);
        leaf(out, p, "Note", &note.note);
        let kind = match note.note_type {
            NoteType::Error => "Error",
            NoteType::Warning => "Warning",
            NoteType::Info => "Info",
        };
        leaf(out, p, "NoteType", kind);
        close(out, p, "ResponseMessageNote");
    }
    close(out, p, "ResponseNotes");
    let status = match base.status {
        ResponseStatus::Failed => "Failed",
        ResponseStatus::Succeed => "Succeed",
        ResponseStatus::Unknown => "Unknown",
    };
    leaf(out, p, "Status", status);
    result.write_own(out, p);
}

fn write_account(out: &mut String, p: &str, account: &CustomerAccount) {
    leaf(out, p, "AccountReferenceNo", &account.account_reference_no);
    leaf(out, p, "AccountStatus", &account.account_status);
    optional(
        out,
        p,
        "ExternalAccountReferenceNo",
        account.external_account_reference_no.as_deref(),
    );
    optional(out, p, "FinalBillDate", account.final_bill_date.as_deref());
    open(out, p, "Products");
    for product in &account.products {
        open(out, p, "AccountProduct");
        leaf(out, p, "ProductCode", &product.product_code);
        leaf(out, p, "Status", &product.status);
        close(out, p, "AccountProduct");
    }
    close(out, p, "Products");
    leaf(out, p, "StartDate", &account.start_date);
    optional(
        out,
        p,
        "TerminationDate",
        account.termination_date.as_deref(),
    );
    // Two decimals from the cents, as the JSON form writes it (`amount.rs`).
    let value = account.total_contract_value.map(|v| v.to_string());
    optional(out, p, "TotalContractValue", value.as_deref());
}

// The writers below push into the one reply buffer: no intermediate strings (issue 9).

fn open(out: &mut String, p: &str, name: &str) {
    for part in ["<", p, name, ">"] {
        out.push_str(part);
    }
}

fn close(out: &mut String, p: &str, name: &str) {
    for part in ["</", p, name, ">"] {
        out.push_str(part);
    }
}

fn leaf(out: &mut String, p: &str, name: &str, value: &str) {
    open(out, p, name);
    xml_text::push_text(out, value);
    close(out, p, name);
}

fn nil(out: &mut String, p: &str, name: &str) {
    for part in ["<", p, name, " i:nil=\"true\"/>"] {
        out.push_str(part);
    }
}

fn optional(out: &mut String, p: &str, name: &str, value: Option<&str>) {
    match value {
        Some(value) => leaf(out, p, name, value),
        None => nil(out, p, name),
    }
}
