//! `docs/rules.md` (the page every diagnostic's `url` points at) is generated from the
//! rule registry; it must not drift from it.

mod common;

use std::path::Path;

#[test]
fn rules_page_is_up_to_date() {
    let out = common::ssotlint(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["rules", "--markdown"],
    );
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .expect("docs/rules.md");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        page,
        "regenerate with `cargo run -- rules --markdown > docs/rules.md`"
    );
    for code in [
        "ssot001", "ssot005", "ssot101", "ssot110", "ssot201", "ssot301",
    ] {
        assert!(page.contains(&format!("<a id=\"{code}\"></a>")), "{code}");
    }
}
