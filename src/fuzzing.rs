//! Fuzzing entry points (issue 8): one function per cargo-fuzz target (`fuzz/`), each driving
//! the real request decoding of one vendor API on arbitrary bytes, from the raw body to the
//! domain command, without a server or a database. `tests/fuzz_corpus.rs` replays the
//! committed corpus through the same functions so ordinary `cargo test` keeps it.
//!
//! The REST targets pick the body format from the first input byte (even: JSON, odd: XML)
//! and decode the rest; each must return without panicking whatever the bytes are.

use crate::adapters::http::negotiation::Format;
use crate::adapters::{billing_care, crmcom, debitsuccess, flolive, verizon};

/// The fuzz targets, by name (the folder names under `fuzz/corpus/`).
pub const TARGETS: [&str; 6] = [
    "debitsuccess_soap",
    "debitsuccess_rest",
    "flolive",
    "crmcom",
    "billing_care",
    "verizon",
];

/// Runs the target called `name` on `data`; `false` when no such target exists.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "debitsuccess_soap" => debitsuccess_soap(data),
        "debitsuccess_rest" => debitsuccess_rest(data),
        "flolive" => flolive(data),
        "crmcom" => crmcom(data),
        "billing_care" => billing_care(data),
        "verizon" => verizon(data),
        _ => return false,
    }
    true
}

fn split_format(data: &[u8]) -> Option<(Format, &[u8])> {
    let (first, rest) = data.split_first()?;
    let format = if first % 2 == 0 {
        Format::Json
    } else {
        Format::Xml
    };
    Some((format, rest))
}

/// The Debitsuccess SOAP envelope path. First byte: bit 0 selects SOAP 1.2; bit 1 sends the
/// operation's own action, bit 2 another one (a mismatch fault), neither an empty action.
pub fn debitsuccess_soap(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let action = match first & 0b110 {
        0b010 => "\"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate\"",
        0b100 => "Debitsuccess.WebServices.WCF/IDSServices/GetCustomerAccountByAccountId",
        0b110 => "urn:other",
        _ => "",
    };
    debitsuccess::fuzz_decode_soap(rest, first & 1 == 1, action);
}

/// The Debitsuccess JSON/XML (non-SOAP) form.
pub fn debitsuccess_rest(data: &[u8]) {
    if let Some((format, body)) = split_format(data) {
        debitsuccess::fuzz_decode_rest(body, format);
    }
}

/// floLIVE attach body.
pub fn flolive(data: &[u8]) {
    if let Some((format, body)) = split_format(data) {
        flolive::fuzz_decode(body, format);
    }
}

/// CRM.COM login, release and provisioning bodies (with the XML shape check).
pub fn crmcom(data: &[u8]) {
    if let Some((format, body)) = split_format(data) {
        crmcom::fuzz_decode(body, format);
    }
}

/// Oracle Billing Care cancelBundle body.
pub fn billing_care(data: &[u8]) {
    if let Some((format, body)) = split_format(data) {
        billing_care::fuzz_decode(body, format);
    }
}

/// Verizon disconnect confirmation body (and the same bytes as its query string).
pub fn verizon(data: &[u8]) {
    if let Some((format, body)) = split_format(data) {
        verizon::fuzz_decode(body, format);
    }
}
