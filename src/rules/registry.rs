//! The rule registry: every rule's identity ([`Rule`]), its [`RuleSpec`] (code, name,
//! severity, docs, fix availability, needles) and rule selection. It imports nothing
//! from the rest of the crate, so the config, the prefilter and the rule families can
//! all build on it. Each rule family module exports its rules' specs next to their
//! checks; the rule table (`rule_table!` in `rules/mod.rs`) lists them, the [`Rule`]
//! enum here and `Rule::spec` are generated from it, and everything else (codes, names,
//! docs, the needle filter of `prefilter.rs`) is read from the spec.

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

/// Whether a rule's findings carry a fix, and of which applicability (as ruff's
/// `FIX_AVAILABILITY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Every finding has a safe fix.
    Safe,
    /// Every finding has an unsafe fix (`--unsafe-fixes`).
    Unsafe,
    /// Some findings have a fix (safe or unsafe), some none.
    Sometimes,
}

impl FixAvailability {
    /// One sentence for the rule's documentation.
    pub fn describe(self) -> &'static str {
        match self {
            FixAvailability::None => "No automatic fix.",
            FixAvailability::Safe => "Always fixable: a safe fix.",
            FixAvailability::Unsafe => "Always fixable: an unsafe fix (`--unsafe-fixes`).",
            FixAvailability::Sometimes => "Sometimes fixable (safe or unsafe fixes).",
        }
    }
}

/// A needle of a rule's spec: a fixed string, or strings the settings name. The
/// prefilter (`prefilter.rs`) turns them into byte strings for one settings value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needle {
    Text(&'static str),
    /// The short names of the canonical symbols (`Engine` for `app.core.Engine`).
    CanonicalNames,
    /// The canonical symbols' legacy names.
    LegacyNames,
    /// The last segment of every legacy module (a symbol's and `[legacy-modules]`).
    LegacyModuleTails,
    /// Every legacy module's full dotted path (a symbol's and `[legacy-modules]`).
    LegacyModulePaths,
    /// The first-party top-level packages.
    FirstPartyPackages,
    /// The short names of the classes the configured factories build.
    FactoryBuildTails,
    /// The short names of the configured factory classes.
    FactoryClassTails,
}

/// What a rule reads inside `def`/`class` bodies (the body reducer blanks a body that
/// holds none of it): the meaning of each field is that of `prefilter::BodyNeedles`.
/// Name needles are whole identifiers in code, each where the rule reads it, so a body
/// is kept only when a rule could really read something in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyReads {
    /// Import statements at any depth.
    pub imports: bool,
    /// A `global` statement whose function assigns one of its names (`x = …`).
    pub globals: bool,
    /// Identifiers that count as the attribute of a plain name (`typing.Mapping`).
    pub attributes: &'static [Needle],
    /// Identifiers that count as the last name of a callee (`Engine(…)`, `m.Engine(…)`).
    pub calls: &'static [Needle],
    /// Needles that count only in decorator, `def` and `class` lines, in any ASCII case.
    pub headers: &'static [Needle],
    /// Header needles that count only when the definition they head assigns an
    /// attribute of a plain name in its body (`cls._instance = …`).
    pub storing: &'static [Needle],
    /// Header needles that count only in a decorator of a function with at most one
    /// parameter (`@lru_cache` on `def engine()`).
    pub getters: &'static [Needle],
    /// Dotted paths that count as a string literal's whole content or its first segments
    /// (`"old.mod"`, `"old.mod.Engine"`).
    pub strings: &'static [Needle],
}

impl BodyReads {
    /// A rule that reads only module-level statements and definitions.
    pub const NOTHING: BodyReads = BodyReads {
        imports: false,
        globals: false,
        attributes: &[],
        calls: &[],
        headers: &[],
        storing: &[],
        getters: &[],
        strings: &[],
    };
    /// A rule that reads import statements in bodies and nothing else there.
    pub const IMPORTS: BodyReads = BodyReads {
        imports: true,
        ..BodyReads::NOTHING
    };
}

/// Everything about one rule but its check: what `ssotlint rule`, `docs/rules.md`,
/// SARIF, the config and the prefilter read.
#[derive(Debug)]
pub struct RuleSpec {
    /// Stable code: `SSOT001`.
    pub code: &'static str,
    /// Kebab-case name: `fragmented-import`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// Documentation page in Markdown: what, why, example, fix.
    pub doc: &'static str,
    pub fix: FixAvailability,
    /// Every finding's flagged text contains one of these (so a file with none cannot
    /// produce one); `None` when the rule can fire without any fixed string.
    pub needles: Option<&'static [Needle]>,
    /// What the rule reads inside bodies; `None`: any body (nothing may be blanked).
    pub body: Option<BodyReads>,
}

/// `Rule` and `Rule::ALL` from the lines of the rule table (`rule_table!` in
/// `rules/mod.rs`, defined before this module so that it is in scope here). Only the
/// variants are read; the specs' paths are for `rules/mod.rs`, so this file still
/// imports nothing from the crate.
macro_rules! rule_enum {
    ($($variant:ident => $family:ident::$spec:ident,)*) => {
        /// Every rule ssotlint knows, in code order. Codes are stable; each rule's spec
        /// lives in its family module (`Rule::spec`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// In code order (a test checks it).
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];
        }
    };
}

rule_table!(rule_enum);

impl Rule {
    pub fn code(self) -> &'static str {
        self.spec().code
    }

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn default_severity(self) -> Severity {
        self.spec().severity
    }

    /// One line: what the rule flags.
    pub fn summary(self) -> &'static str {
        self.spec().summary
    }

    /// Documentation page: what, why, example, fix.
    pub fn doc(self) -> &'static str {
        self.spec().doc
    }

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
    fn codes_are_unique_and_in_order() {
        let codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        let names: std::collections::HashSet<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), Rule::ALL.len());
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(*rule as usize, i, "Rule::ALL lists the variants in order");
        }
    }
}
