//! The rule registry: codes, names, default severities, summaries and selection. It
//! imports nothing from the rules, the config or the engine, so everything that names a
//! rule (config, diagnostics, outputs, the cache) sits above it; the docs live with each
//! rule family and are looked up in [`crate::rules`].

use std::fmt;

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
