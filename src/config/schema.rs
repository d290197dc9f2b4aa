//! The config file format as users write it: serde types that keep spans, so every
//! error can name its line. Unknown keys are errors (`deny_unknown_fields`).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    #[serde(default)]
    pub project: RawProject,
    #[serde(default)]
    pub canonical: BTreeMap<Spanned<String>, RawCanonical>,
    #[serde(default)]
    pub legacy_modules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub singletons: RawSingletons,
    #[serde(default)]
    pub factories: BTreeMap<Spanned<String>, RawFactory>,
    #[serde(default)]
    pub lint: RawLint,
    #[serde(default)]
    pub report: RawReport,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProject {
    pub src: Option<Vec<Spanned<String>>>,
    pub first_party: Option<Vec<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub max_file_size: Option<Spanned<RawSize>>,
}

/// A size in bytes, or as text with a unit (`"4MiB"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawSize {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCanonical {
    #[serde(default)]
    pub legacy_modules: Vec<String>,
    #[serde(default)]
    pub legacy_names: Vec<String>,
    #[serde(default)]
    pub allow_alias: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSingletons {
    pub scope: Option<Spanned<String>>,
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    #[serde(default)]
    pub isolated: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFactory {
    #[serde(default)]
    pub builds: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub allowed_in: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLint {
    pub select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawReport {
    #[serde(default)]
    pub weights: BTreeMap<Spanned<String>, f64>,
}

#[derive(Deserialize)]
pub(super) struct Pyproject {
    pub(super) tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
pub(super) struct PyprojectTool {
    pub(super) ssotlint: Option<toml::Value>,
}

#[derive(Deserialize)]
pub(super) struct PyprojectStrict {
    pub(super) tool: PyprojectStrictTool,
}

#[derive(Deserialize)]
pub(super) struct PyprojectStrictTool {
    pub(super) ssotlint: RawConfig,
}
