//! ssotlint: keeps a Python code base on a single source of truth.
//!
//! Data flows one way: [`source`] → [`python`] (tree-sitter parse → facts) → [`rules`]
//! → [`diagnostic`]s (+ [`fix`]es) → [`output`], and so do the imports: values
//! ([`diagnostic`], [`fix`], [`rules::registry`], [`report::metrics`], the output's
//! messages) sit below the config and the engine ([`lint`]), which sit below the file
//! loop ([`driver`]) and the commands (fixer, hook, report, server); nothing below
//! imports from above (`tests/structure.rs`). The CLI, the pre-commit hook and
//! the language server differ only in where sources come from and where diagnostics go.

pub mod baseline;
pub mod cache;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod driver;
pub mod fix;
pub mod fixer;
#[doc(hidden)]
pub mod fuzz;
pub mod git;
pub mod index;
pub mod init;
pub mod lint;
pub mod memory;
pub mod noqa;
pub mod output;
pub mod prefilter;
pub mod progress;
pub mod project;
pub mod python;
pub mod reduce;
pub mod report;
pub mod rules;
pub mod server;
pub mod source;
pub mod walk;

pub use config::{ConfigError, Settings, SettingsStore};
pub use diagnostic::Diagnostic;
pub use lint::{lint_parsed, lint_text, LintOptions, Linted};
pub use rules::registry::{Rule, Severity};
