#![no_main]
//! See fuzz/src/lib.rs (`run_gateway_response`) for the input format and invariants.
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run_gateway_response(data));
