//! Fuzz target `source`: see `ssotlint::fuzz::source`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssotlint::fuzz::source(data));
