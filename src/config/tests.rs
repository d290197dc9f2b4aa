//! Unit tests of parsing and lookup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// What a resolved config says, as far as these tests set it.
fn summary(settings: &Settings) -> (Option<PathBuf>, PathBuf, Option<u64>) {
    (
        settings.config_path.clone(),
        settings.root.clone(),
        settings.max_file_size,
    )
}

const ROOT_PYPROJECT: &str = "[project]\nname = 'x'\n";
const NESTED: &str = "[project]\nmax-file-size = 7\n";

/// The same config texts give the same answers from every source: a `pyproject.toml`
/// without `[tool.ssotlint]` is passed over (defaults at the store's root), a nested
/// config wins below it.
fn assert_resolves_the_same(store: &SettingsStore, root: &Path) {
    let top = store.for_dir(root).expect("top");
    assert_eq!(summary(&top), (None, root.to_path_buf(), None));
    let nested = store.for_file(&root.join("sub/deep/m.py")).expect("nested");
    assert_eq!(
        summary(&nested),
        (
            Some(root.join("sub/ssotlint.toml")),
            root.join("sub"),
            Some(7)
        )
    );
}

#[test]
fn disk_source_passes_over_pyproject_without_section_and_nested_wins() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = normalize(tmp.path());
    std::fs::create_dir_all(root.join("sub/deep")).expect("mkdir");
    std::fs::write(root.join("pyproject.toml"), ROOT_PYPROJECT).expect("write");
    std::fs::write(root.join("sub/ssotlint.toml"), NESTED).expect("write");
    let store = SettingsStore::with_source(ConfigSource::Disk, None, &root);
    assert_resolves_the_same(&store, &root);
}

#[test]
fn overlay_source_answers_as_the_disk_does() {
    // Nothing on disk: the texts come from the overlay (a git index, editor buffers).
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = normalize(tmp.path());
    let texts = HashMap::from([
        (
            root.join("pyproject.toml"),
            Some(ROOT_PYPROJECT.to_string()),
        ),
        (root.join("sub/ssotlint.toml"), Some(NESTED.to_string())),
    ]);
    let store = SettingsStore::with_source(ConfigSource::Overlay(texts), None, &root);
    assert_resolves_the_same(&store, &root);
}

#[test]
fn overlay_deletion_hides_the_disk_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = normalize(tmp.path());
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(root.join("sub/ssotlint.toml"), NESTED).expect("write");
    let texts = HashMap::from([(root.join("sub/ssotlint.toml"), None)]);
    let store = SettingsStore::with_source(ConfigSource::Overlay(texts), None, &root);
    let settings = store.for_dir(&root.join("sub")).expect("settings");
    assert_eq!(summary(&settings), (None, root.clone(), None));
}

#[test]
fn named_pyproject_without_section_gives_defaults_at_its_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = normalize(tmp.path());
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(root.join("pyproject.toml"), ROOT_PYPROJECT).expect("write");
    std::fs::write(root.join("sub/ssotlint.toml"), NESTED).expect("write");
    let named = root.join("pyproject.toml");
    for source in [
        ConfigSource::Disk,
        ConfigSource::Overlay(HashMap::from([(
            named.clone(),
            Some(ROOT_PYPROJECT.to_string()),
        )])),
    ] {
        let store =
            SettingsStore::open(source, None, Some(&named), &root.join("sub")).expect("store");
        // `--config FILE` applies everywhere, discovery included.
        let settings = store.for_dir(&root.join("sub")).expect("settings");
        assert_eq!(
            summary(&settings),
            (Some(named.clone()), root.clone(), None)
        );
    }
    let missing = SettingsStore::open(ConfigSource::Disk, None, Some(&root.join("no.toml")), &root)
        .expect_err("missing");
    assert!(
        missing.message.starts_with("cannot read config: "),
        "{missing}"
    );
}
