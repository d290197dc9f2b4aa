//! From config text to [`Settings`]: strict parsing (unknown keys and wrong types are
//! errors that name the file, the key and the line), then resolution and validation
//! (globs compiled, codes and dotted names checked, paths made absolute).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::Spanned;

use super::schema::{Pyproject, PyprojectStrict, RawConfig, RawSize};
use super::settings::{CanonicalSymbol, FactorySettings, Settings, SingletonScope};
use super::{normalize, ConfigError};
use crate::project::{FsFiles, ModuleIndex};
use crate::rules::registry::{Rule, Severity};

/// Parse a config file. `pyproject.toml` without `[tool.ssotlint]` gives `Ok(None)`.
pub fn load_file(path: &Path) -> Result<Option<Settings>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read config: {e}"),
    })?;
    parse(path, &text)
}

/// Parse config text that was read from `path` (which may be a staged blob).
pub fn parse(path: &Path, text: &str) -> Result<Option<Settings>, ConfigError> {
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let raw: RawConfig = if is_pyproject {
        let doc: Pyproject = toml::from_str(text).map_err(|e| toml_error(path, text, &e, ""))?;
        if doc.tool.and_then(|t| t.ssotlint).is_none() {
            return Ok(None);
        }
        // Parse the section again, strictly, so that errors keep their spans.
        let wrapped: PyprojectStrict =
            toml::from_str(text).map_err(|e| toml_error(path, text, &e, "tool.ssotlint."))?;
        wrapped.tool.ssotlint
    } else {
        toml::from_str(text).map_err(|e| toml_error(path, text, &e, ""))?
    };
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    resolve(raw, path, text, &root).map(Some)
}

pub(super) fn toml_error(
    path: &Path,
    text: &str,
    e: &toml::de::Error,
    key_prefix: &str,
) -> ConfigError {
    let line = e.span().map(|span| line_of(text, span.start));
    let mut message = e.message().trim().to_string();
    if let Some(key) = e.span().and_then(|span| key_at(text, span.start)) {
        if !message.contains(&format!("`{key}`")) {
            message = format!("key `{key_prefix}{key}`: {message}");
        }
    }
    ConfigError {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The key written on the line of `offset` (`key = value`), if any.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `"4MiB"`, `"500 KB"`, `"1048576"` → bytes (KB = 1000, KiB = 1024).
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit: u64 = match text[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// The modules a fix would rewrite `old` through when the `[legacy-modules]` moves
/// lead back to a legacy module already passed (`a → b → a`, `a → a`, `a → a.sub`).
fn legacy_cycle(settings: &Settings, old: &str) -> Option<Vec<String>> {
    let mut passed: Vec<&str> = Vec::new();
    let mut chain = vec![old.to_string()];
    let mut module = old.to_string();
    // Each step passes a distinct entry, so a chain ends within as many steps as entries.
    for _ in 0..=settings.legacy_modules.len() {
        let (from, to) = settings.legacy_module_for(&module)?;
        if passed.contains(&from) {
            return Some(chain);
        }
        passed.push(from);
        module = crate::python::modules::moved(&module, from, to);
        chain.push(module.clone());
    }
    Some(chain)
}

struct Resolver<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Resolver<'_> {
    fn error<T>(&self, span: std::ops::Range<usize>, message: String) -> Result<T, ConfigError> {
        Err(ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line_of(self.text, span.start)),
            message,
        })
    }

    fn globs(&self, key: &str, patterns: &[Spanned<String>]) -> Result<GlobSet, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            builder.add(self.glob(key, p)?);
        }
        builder.build().map_err(|e| ConfigError {
            path: self.path.to_path_buf(),
            line: None,
            message: format!("key `{key}`: {e}"),
        })
    }

    fn glob(&self, key: &str, pattern: &Spanned<String>) -> Result<Glob, ConfigError> {
        let text = pattern.get_ref().trim_start_matches("./");
        match globset::GlobBuilder::new(text)
            .literal_separator(false)
            .build()
        {
            Ok(g) => {
                // A bare directory name (`backups`) also covers everything below it.
                Ok(g)
            }
            Err(e) => self.error(
                pattern.span(),
                format!(
                    "key `{key}`: invalid glob `{}`: {}",
                    pattern.get_ref(),
                    e.kind()
                ),
            ),
        }
    }

    fn codes(&self, key: &str, codes: &[Spanned<String>]) -> Result<Vec<String>, ConfigError> {
        codes
            .iter()
            .map(|c| {
                let code = c.get_ref().trim().to_ascii_uppercase();
                if Rule::is_valid_prefix(&code) {
                    Ok(code)
                } else {
                    self.error(
                        c.span(),
                        format!("key `{key}`: unknown rule code or prefix `{}`", c.get_ref()),
                    )
                }
            })
            .collect()
    }

    fn dotted(
        &self,
        key: &str,
        name: &Spanned<String>,
        min_parts: usize,
    ) -> Result<(), ConfigError> {
        let parts: Vec<&str> = name.get_ref().split('.').collect();
        if parts.len() < min_parts || !parts.iter().all(|p| is_identifier(p)) {
            let what = if min_parts > 1 {
                "a qualified name like `package.module.Name`"
            } else {
                "a dotted module name"
            };
            return self.error(
                name.span(),
                format!("key `{key}`: `{}` is not {what}", name.get_ref()),
            );
        }
        Ok(())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

pub(super) fn resolve(
    raw: RawConfig,
    path: &Path,
    text: &str,
    root: &Path,
) -> Result<Settings, ConfigError> {
    let r = Resolver { path, text };
    let mut settings = Settings::default_at(root);
    settings.config_path = Some(path.to_path_buf());

    if let Some(src) = &raw.project.src {
        settings.src = src
            .iter()
            .map(|s| normalize(&root.join(s.get_ref())))
            .collect();
    }
    settings.first_party = raw.project.first_party.clone();
    if let Some(size) = &raw.project.max_file_size {
        settings.max_file_size = Some(match size.get_ref() {
            RawSize::Bytes(n) => *n,
            RawSize::Text(text) => match parse_size(text) {
                Some(n) => n,
                None => {
                    return r.error(
                        size.span(),
                        format!(
                            "key `project.max-file-size`: `{text}` is not a size (bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB)"
                        ),
                    )
                }
            },
        });
    }
    settings.exclude = r.globs("project.exclude", &with_dir_variants(&raw.project.exclude))?;

    for (key, entry) in &raw.canonical {
        r.dotted("canonical", key, 2)?;
        let qualified = key.get_ref().clone();
        let (module, name) = qualified
            .rsplit_once('.')
            .map(|(m, n)| (m.to_string(), n.to_string()))
            .unwrap_or_default();
        let index = settings.canonical.len();
        settings
            .by_name
            .entry(name.clone())
            .or_default()
            .push(index);
        for legacy in &entry.legacy_names {
            settings
                .by_name
                .entry(legacy.clone())
                .or_default()
                .push(index);
        }
        settings.canonical.push(CanonicalSymbol {
            qualified,
            module,
            name,
            legacy_modules: entry.legacy_modules.clone(),
            legacy_names: entry.legacy_names.clone(),
            allow_alias: entry.allow_alias,
        });
    }

    for (old, new) in &raw.legacy_modules {
        r.dotted("legacy-modules", old, 1)?;
        r.dotted(&format!("legacy-modules.\"{}\"", old.get_ref()), new, 1)?;
        settings
            .legacy_modules
            .push((old.get_ref().clone(), new.get_ref().clone()));
    }
    for old in raw.legacy_modules.keys() {
        if let Some(cycle) = legacy_cycle(&settings, old.get_ref()) {
            return r.error(
                old.span(),
                format!(
                    "key `legacy-modules.\"{}\"`: the moves go round in a cycle ({}); fixes would never settle",
                    old.get_ref(),
                    cycle.join(" → ")
                ),
            );
        }
    }

    if let Some(scope) = &raw.singletons.scope {
        settings.singletons.scope = match scope.get_ref().as_str() {
            "first-party" => SingletonScope::FirstParty,
            "all" => SingletonScope::All,
            "listed" => SingletonScope::Listed,
            other => {
                return r.error(
                    scope.span(),
                    format!(
                        "key `singletons.scope`: `{other}` is not one of `first-party`, `all`, `listed`"
                    ),
                )
            }
        };
    }
    settings.singletons.allow = raw
        .singletons
        .allow
        .iter()
        .map(|a| a.get_ref().clone())
        .collect();
    settings.singletons.allow_globs = r.globs("singletons.allow", &raw.singletons.allow)?;
    settings.singletons.isolated = raw.singletons.isolated.clone();

    for (class, factory) in &raw.factories {
        r.dotted("factories", class, 2)?;
        settings.factories.push(FactorySettings {
            class: class.get_ref().clone(),
            builds: factory.builds.clone(),
            methods: factory.methods.clone(),
            allowed_in: r.globs(
                &format!("factories.\"{}\".allowed-in", class.get_ref()),
                &with_dir_variants(&factory.allowed_in),
            )?,
        });
    }

    if let Some(select) = &raw.lint.select {
        settings.selection.select = r.codes("lint.select", select)?;
    }
    settings.selection.ignore = r.codes("lint.ignore", &raw.lint.ignore)?;
    for (pattern, codes) in &raw.lint.per_file_ignores {
        let key = format!("lint.per-file-ignores.\"{}\"", pattern.get_ref());
        let globs = r.globs(&key, &with_dir_variants(std::slice::from_ref(pattern)))?;
        settings
            .per_file_ignores
            .push((globs, r.codes(&key, codes)?));
    }
    for (code, level) in &raw.lint.severity {
        let rule = Rule::from_code(code.get_ref()).map_or_else(
            || {
                r.error(
                    code.span(),
                    format!(
                        "key `lint.severity`: unknown rule code `{}`",
                        code.get_ref()
                    ),
                )
            },
            Ok,
        )?;
        let severity = Severity::parse(level.get_ref()).map_or_else(
            || {
                r.error(
                    level.span(),
                    format!(
                        "key `lint.severity.{}`: `{}` is not one of `error`, `warning`, `info`",
                        code.get_ref(),
                        level.get_ref()
                    ),
                )
            },
            Ok,
        )?;
        settings.severity.insert(rule, severity);
    }
    settings.report_weights = raw
        .report
        .weights
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), *v))
        .collect();
    settings.modules = ModuleIndex::new(
        settings.src.clone(),
        settings.first_party.clone(),
        Arc::new(FsFiles),
    );
    Ok(settings)
}

/// `backups` and `backups/` also match everything below that directory.
fn with_dir_variants(patterns: &[Spanned<String>]) -> Vec<Spanned<String>> {
    let mut out = Vec::with_capacity(patterns.len() * 2);
    for p in patterns {
        out.push(p.clone());
        let trimmed = p.get_ref().trim_end_matches('/');
        if !trimmed.ends_with("**") {
            out.push(Spanned::new(p.span(), format!("{trimmed}/**")));
        }
    }
    out
}
