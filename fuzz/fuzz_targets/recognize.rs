//! Fuzz target `recognize`: see `ssotlint::fuzz::recognize`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssotlint::fuzz::recognize(data));
