#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| billing_compat::fuzzing::billing_care(data));
