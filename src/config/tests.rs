//! Unit tests of parsing and lookup.

use std::path::Path;

use super::*;

fn parse_str(text: &str) -> Result<Settings, ConfigError> {
    parse(Path::new("/p/ssotlint.toml"), text).map(|s| s.expect("settings"))
}

#[test]
fn unknown_key_names_key_and_line() {
    let err = parse_str("[project]\nsrc = [\".\"]\nbogus = 1\n").unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("bogus"), "{}", err.message);
}

#[test]
fn wrong_type_names_key_and_line() {
    let err = parse_str("[lint]\nselect = \"SSOT\"\n").unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(err.message.contains("select"), "{}", err.message);
}

#[test]
fn bad_glob_names_key_and_line() {
    let err = parse_str("[project]\nexclude = [\n  \"a/[b\",\n]\n").unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("project.exclude"), "{}", err.message);
}

#[test]
fn pyproject_section() {
    let s = parse(
        Path::new("/p/pyproject.toml"),
        "[project]\nname='x'\n[tool.ssotlint.canonical]\n\"a.b.C\" = {}\n",
    )
    .unwrap()
    .unwrap();
    assert_eq!(s.canonical[0].module, "a.b");
    assert_eq!(s.canonical[0].name, "C");
    assert!(
        parse(Path::new("/p/pyproject.toml"), "[project]\nname='x'\n")
            .unwrap()
            .is_none()
    );
    let err = parse(
        Path::new("/p/pyproject.toml"),
        "[tool.ssotlint.lint]\nselectt = []\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(2));
}
