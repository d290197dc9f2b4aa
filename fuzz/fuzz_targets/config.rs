//! Fuzz target `config`: see `ssotlint::fuzz::config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssotlint::fuzz::config(data));
