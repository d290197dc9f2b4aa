//! Fuzz target `lsp`: see `ssotlint::fuzz::lsp`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssotlint::fuzz::lsp(data));
