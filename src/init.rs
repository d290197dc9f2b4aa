//! `ssotlint init` and `check --infer`: find where the project imports one class or
//! function through several paths (or defines it several times) and propose a
//! `[canonical]` entry for each, from the [`ProjectIndex`].
//!
//! The canonical home is the path most imports already use, a shim's own re-export not
//! counted (ties: the defining module, then the shorter name). Legacy modules are the
//! other paths, so `check` with the proposed config flags exactly the imports counted
//! as "would change" (importers of a competing definition are flagged by name, without
//! an entry). When the canonical home is a re-export (a package `__init__` most code
//! imports from), the modules it re-exports through are left alone: flagging them would
//! flag the re-export itself and its fix would make the module import itself.

mod discover;
mod render;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::{self, Settings};
use crate::index::ProjectIndex;

pub use discover::{discover, DefinitionCount, Discovery, PathCount, Proposal, Role};
pub use render::{canonical_entries, render};

/// Options of `ssotlint init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The project directory (where the config goes).
    pub dir: PathBuf,
    /// Write `[tool.ssotlint]` into `pyproject.toml`.
    pub pyproject: bool,
    /// Print the config instead of writing it.
    pub dry_run: bool,
    /// Replace an existing config.
    pub force: bool,
    pub min_imports: usize,
    pub quiet: bool,
}

/// What `init` did: the text, where it went (`None` for a dry run) and the discovery.
#[derive(Debug)]
pub struct InitOutcome {
    pub text: String,
    pub written: Option<PathBuf>,
    pub discovery: Discovery,
}

/// Source roots for a new config: `src` for a src layout, else the project directory.
fn detect_src(dir: &Path) -> Vec<String> {
    let src = dir.join("src");
    let is_layout = src.is_dir()
        && !src.join("__init__.py").exists()
        && std::fs::read_dir(&src).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().join("__init__.py").is_file())
        });
    vec![if is_layout { "src" } else { "." }.to_string()]
}

/// The config file that applies in `dir`, if any (`[tool.ssotlint]` for a pyproject).
fn existing_config(dir: &Path) -> Option<PathBuf> {
    config::CONFIG_FILES.iter().map(|n| dir.join(n)).find(|p| {
        if p.file_name().is_some_and(|n| n == "pyproject.toml") {
            std::fs::read_to_string(p).is_ok_and(|t| {
                toml::from_str::<toml::Table>(&t)
                    .ok()
                    .and_then(|d| d.get("tool")?.get("ssotlint").cloned())
                    .is_some()
            })
        } else {
            p.is_file()
        }
    })
}

/// Index the tree, propose, and write (or print) the config.
pub fn run(options: &InitOptions) -> Result<InitOutcome, String> {
    let dir = config::normalize(&options.dir);
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", options.dir.display()));
    }
    let target = dir.join(if options.pyproject {
        "pyproject.toml"
    } else {
        "ssotlint.toml"
    });
    if !options.dry_run && !options.force {
        if let Some(existing) = existing_config(&dir) {
            return Err(format!(
                "{} already holds an ssotlint config; pass --force to replace it (or --dry-run to see the proposal)",
                existing.display()
            ));
        }
    }
    let src = detect_src(&dir);
    let mut settings = Settings::default_at(&dir);
    settings.src = src
        .iter()
        .map(|s| config::normalize(&dir.join(s)))
        .collect();
    let settings = settings.with_module_files(std::sync::Arc::new(crate::project::FsFiles));
    let store = std::sync::Arc::new(config::SettingsStore::discover(&dir));
    let walked = crate::walk::python_files(std::slice::from_ref(&dir), &store);
    let progress = crate::progress::Progress::stderr("files", walked.files.len(), options.quiet);
    let index = ProjectIndex::build(&walked.files, &settings, progress);
    let mut discovery = discover(&index, &settings, options.min_imports, &HashSet::new());
    discovery.warnings.extend(walked.errors);
    if options.pyproject {
        let text = render(&discovery, &src, "tool.ssotlint.");
        let old = match std::fs::read_to_string(&target) {
            Ok(old) => old,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("{}: cannot read: {e}", target.display())),
        };
        let merged = with_section(&old, &text);
        check_loads(&target, &merged)?;
        return finish(options, target, merged, discovery);
    }
    let text = render(&discovery, &src, "");
    check_loads(&target, &text)?;
    finish(options, target, text, discovery)
}

fn finish(
    options: &InitOptions,
    target: PathBuf,
    text: String,
    discovery: Discovery,
) -> Result<InitOutcome, String> {
    if options.dry_run {
        return Ok(InitOutcome {
            text,
            written: None,
            discovery,
        });
    }
    // A temp file renamed over the target: an interrupted run leaves the old file whole.
    let temp = target.with_extension("toml.ssotlint-init");
    std::fs::write(&temp, &text)
        .and_then(|()| std::fs::rename(&temp, &target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("{}: cannot write: {e}", target.display())
        })?;
    Ok(InitOutcome {
        text,
        written: Some(target),
        discovery,
    })
}

/// The generated text must load as a config (a bug here must not write a file that
/// breaks every later `check`).
fn check_loads(path: &Path, text: &str) -> Result<(), String> {
    config::parse(path, text)
        .map(|_| ())
        .map_err(|e| format!("the generated config does not load ({e}); nothing written"))
}

/// `pyproject.toml` text with its `[tool.ssotlint…]` tables replaced by `section`
/// (appended when it has none); every other line kept as it was.
fn with_section(old: &str, section: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut ours = false;
    for line in old.split_inclusive('\n') {
        let header = line.trim_start();
        if header.starts_with('[') {
            let name = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            let was_ours = ours;
            ours = name == "tool.ssotlint" || name.starts_with("tool.ssotlint.");
            if ours && !was_ours {
                // The comment block above the section (the previous run's header) goes too.
                while kept.last().is_some_and(|l| {
                    let l = l.trim();
                    l.is_empty() || l.starts_with('#')
                }) {
                    kept.pop();
                }
                if !kept.is_empty() {
                    kept.push("\n");
                }
            }
        }
        if !ours {
            kept.push(line);
        }
    }
    let mut out = kept.concat().trim_end().to_string();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(section);
    out
}

/// The inferred `[canonical]` table for `check --infer`, as TOML text: entries for the
/// whole project of `settings` (its source roots, whatever part of it is checked),
/// names it already configures left out.
pub fn inferred_overrides(
    store: &std::sync::Arc<config::SettingsStore>,
    settings: &Settings,
    quiet: bool,
) -> String {
    let walked = crate::walk::python_files(&settings.src, store);
    let progress = crate::progress::Progress::stderr("files", walked.files.len(), quiet);
    let index = ProjectIndex::build(&walked.files, settings, progress);
    let skip: HashSet<String> = settings.by_name.keys().cloned().collect();
    let discovery = discover(&index, settings, 1, &skip);
    format!(
        "[canonical]\n{}",
        canonical_entries(&discovery.proposals, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pyproject_keeps_its_other_tables_and_loses_the_old_section() {
        let old = "[project]\nname = \"x\"\n\n# ssotlint\n[tool.ssotlint.lint]\nignore = []\n\n[tool.ruff]\nline-length = 90\n[tool.ssotlint]\n";
        assert_eq!(
            with_section(old, "[tool.ssotlint.canonical]\n"),
            "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 90\n\n[tool.ssotlint.canonical]\n"
        );
        assert_eq!(with_section("", "[a]\n"), "[a]\n");
    }
}
