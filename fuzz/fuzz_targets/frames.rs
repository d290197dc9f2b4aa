//! Fuzz target `frames`: see `ssotlint::fuzz::frames`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssotlint::fuzz::frames(data));
