//! Test support for the Debitsuccess API: XML trees, the XSD-subset validator, a
//! mini-XPath for SoapUI assertions, and clients for SOAP 1.1, SOAP 1.2 and the JSON form.

#![allow(dead_code)] // each test file uses a part

pub mod client;
pub mod store;
pub mod tree;
pub mod xpath;
pub mod xsd;
