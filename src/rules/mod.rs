//! The rule registry (codes, names, severities, docs) and the rule engine: every rule
//! reads the prepared [`Facts`](crate::python::Facts) of one file and pushes
//! [`Diagnostic`]s; the engine then applies selection, per-file ignores and `noqa`.

pub mod classes;
pub mod definitions;
pub mod factories;
mod import_fix;
pub mod imports;
pub mod singletons;
pub mod syntax;

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::lint::FileContext;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal; )*) => {
        /// Every rule ssotlint knows. Codes are stable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }

            /// The kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$severity, )* }
            }

            /// One line: what the rule flags.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    InvalidSyntax = "SSOT000", "invalid-syntax", Error,
        "A syntax error: the file does not parse";
    FragmentedImport = "SSOT001", "fragmented-import", Warning,
        "A canonical symbol imported from a module other than its canonical one";
    AliasedImport = "SSOT002", "aliased-import", Warning,
        "A canonical symbol bound under another local name";
    LegacyModuleImport = "SSOT003", "legacy-module-import", Warning,
        "An import of a module that moved";
    LegacyPathString = "SSOT004", "legacy-path-string", Warning,
        "A string literal naming a legacy import path";
    UnresolvedFirstPartyImport = "SSOT005", "unresolved-first-party-import", Warning,
        "An import of a first-party module that no file provides";
    ModuleLevelSingleton = "SSOT101", "module-level-singleton", Warning,
        "A module-level instance of an in-scope class";
    SingletonClass = "SSOT102", "singleton-class", Warning,
        "A class that caches its own instance";
    GlobalLazySingleton = "SSOT103", "global-lazy-singleton", Warning,
        "A function that assigns a global to a constructed instance";
    CachedInstanceFactory = "SSOT104", "cached-instance-factory", Warning,
        "A cached parameterless function that returns a constructed instance";
    SingletonDecoratorOrMetaclass = "SSOT105", "singleton-decorator-or-metaclass", Warning,
        "A singleton decorator or metaclass";
    SharedIsolatedInstance = "SSOT110", "shared-isolated-instance", Error,
        "A singleton holding a class whose state must be per user";
    FactoryBypass = "SSOT201", "factory-bypass", Warning,
        "Direct construction of a class that a factory builds";
    FactoryContract = "SSOT202", "factory-contract", Warning,
        "A configured factory class lacks a required method";
    CompetingDefinition = "SSOT301", "competing-definition", Warning,
        "A definition that competes with a canonical symbol";
}

impl Rule {
    pub fn from_code(code: &str) -> Option<Rule> {
        let code = code.trim();
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code) || r.name() == code)
    }

    /// `SSOT`, `SSOT0`, `SSOT001`, `ALL` are valid selectors.
    pub fn is_valid_prefix(prefix: &str) -> bool {
        prefix == "ALL" || Rule::ALL.iter().any(|r| r.code().starts_with(prefix))
    }

    pub fn matches_prefix(self, prefix: &str) -> bool {
        prefix == "ALL" || self.code().starts_with(prefix)
    }

    /// Documentation page: what, why, example, fix.
    pub fn doc(self) -> &'static str {
        match self {
            Rule::InvalidSyntax => syntax::DOC_SSOT000,
            Rule::FragmentedImport => imports::DOC_SSOT001,
            Rule::AliasedImport => imports::DOC_SSOT002,
            Rule::LegacyModuleImport => imports::DOC_SSOT003,
            Rule::LegacyPathString => imports::DOC_SSOT004,
            Rule::UnresolvedFirstPartyImport => imports::DOC_SSOT005,
            Rule::ModuleLevelSingleton => singletons::DOC_SSOT101,
            Rule::SingletonClass => singletons::DOC_SSOT102,
            Rule::GlobalLazySingleton => singletons::DOC_SSOT103,
            Rule::CachedInstanceFactory => singletons::DOC_SSOT104,
            Rule::SingletonDecoratorOrMetaclass => singletons::DOC_SSOT105,
            Rule::SharedIsolatedInstance => singletons::DOC_SSOT110,
            Rule::FactoryBypass => factories::DOC_SSOT201,
            Rule::FactoryContract => factories::DOC_SSOT202,
            Rule::CompetingDefinition => definitions::DOC_SSOT301,
        }
    }

    pub fn url(self) -> String {
        format!(
            "https://github.com/ssotlint/ssotlint/blob/main/docs/rules.md#{}",
            self.code().to_ascii_lowercase()
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Every rule's documentation as one Markdown page, with an anchor per code (the
/// target of [`Rule::url`]); `docs/rules.md` is this page.
pub fn markdown_page() -> String {
    let mut page = String::from(
        "# Rules\n\nGenerated by `ssotlint rules --markdown`; a test keeps this page in sync.\n",
    );
    for rule in Rule::ALL {
        let doc = rule.doc().replace("\n## ", "\n### ").replacen(
            "## ",
            "### ",
            usize::from(rule.doc().starts_with("## ")),
        );
        page.push_str(&format!(
            "\n<a id=\"{}\"></a>\n\n## {} ({})\n\n{}\n\nDefault severity: {}.\n\n{}",
            rule.code().to_ascii_lowercase(),
            rule.name(),
            rule.code(),
            rule.summary(),
            rule.default_severity().as_str(),
            doc
        ));
        if !page.ends_with('\n') {
            page.push('\n');
        }
    }
    page
}

/// Which rules run: `select` prefixes minus `ignore` prefixes (ruff-style).
#[derive(Debug, Clone)]
pub struct RuleSelection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection {
            select: vec!["SSOT".to_string()],
            ignore: Vec::new(),
        }
    }
}

impl RuleSelection {
    /// A rule is on when some `select` prefix matches it and no `ignore` prefix at
    /// least as specific does.
    /// `SSOT000` is the exception: like ruff's syntax errors it is on whatever the
    /// `select` prefixes are, and only an `ignore` naming it exactly turns it off, so a
    /// selection meant for other rules cannot hide a broken file.
    pub fn is_enabled(&self, rule: Rule) -> bool {
        if rule == Rule::InvalidSyntax {
            return !self.ignore.iter().any(|p| p == rule.code());
        }
        let selected = self
            .select
            .iter()
            .filter(|p| rule.matches_prefix(p))
            .map(|p| specificity(p))
            .max();
        let ignored = self
            .ignore
            .iter()
            .filter(|p| rule.matches_prefix(p))
            .map(|p| specificity(p))
            .max();
        match (selected, ignored) {
            (Some(s), Some(i)) => s > i,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

fn specificity(prefix: &str) -> usize {
    if prefix == "ALL" {
        0
    } else {
        prefix.len()
    }
}

/// Run every enabled rule over one file's facts.
pub fn check(ctx: &FileContext) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    syntax::check(ctx, &mut diagnostics);
    imports::check(ctx, &mut diagnostics);
    singletons::check(ctx, &mut diagnostics);
    factories::check(ctx, &mut diagnostics);
    definitions::check(ctx, &mut diagnostics);
    diagnostics.retain(|d| ctx.is_enabled(d.rule));
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_prefers_the_more_specific_prefix() {
        let sel = RuleSelection {
            select: vec!["SSOT".into(), "SSOT101".into()],
            ignore: vec!["SSOT1".into()],
        };
        assert!(sel.is_enabled(Rule::FragmentedImport));
        assert!(sel.is_enabled(Rule::ModuleLevelSingleton));
        assert!(!sel.is_enabled(Rule::SingletonClass));
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
    }
}
