//! A byte-level prefilter for whole-tree checks: a file that contains none of the
//! enabled rules' needles cannot produce a diagnostic, so it is not parsed at all.
//! The filter is conservative by construction (every flagged span contains a needle),
//! so skipping a file never changes the result; the language server does not use it.

use aho_corasick::AhoCorasick;

use crate::config::Settings;
use crate::rules::{Rule, RuleSelection};

pub struct Prefilter {
    /// `None`: some enabled rule has no needles, so every file must be parsed.
    needles: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(settings: &Settings, selection: &RuleSelection) -> Prefilter {
        let mut needles: Vec<String> = Vec::new();
        for &rule in Rule::ALL {
            if !selection.is_enabled(rule) {
                continue;
            }
            match rule_needles(rule, settings) {
                Some(found) => needles.extend(found),
                None => return Prefilter { needles: None },
            }
        }
        needles.retain(|n| !n.is_empty());
        needles.sort();
        needles.dedup();
        Prefilter {
            needles: AhoCorasick::new(&needles).ok(),
        }
    }

    /// Could this text produce any diagnostic?
    pub fn may_match(&self, text: &str) -> bool {
        match &self.needles {
            Some(needles) => needles.is_match(text),
            None => true,
        }
    }
}

/// Strings that every diagnostic of `rule` contains in its file; `None` when the rule
/// can fire without any fixed string (so the file must be parsed).
fn rule_needles(rule: Rule, settings: &Settings) -> Option<Vec<String>> {
    let last_segment = |m: &str| m.rsplit('.').next().unwrap_or(m).to_string();
    match rule {
        // The flagged name is a canonical or legacy name, or (star imports, strings)
        // the path of a legacy module, which contains its last segment.
        Rule::FragmentedImport
        | Rule::AliasedImport
        | Rule::LegacyModuleImport
        | Rule::LegacyPathString => {
            let mut out = Vec::new();
            for symbol in &settings.canonical {
                out.push(symbol.name.clone());
                out.extend(symbol.legacy_names.iter().cloned());
                out.extend(symbol.legacy_modules.iter().map(|m| last_segment(m)));
            }
            out.extend(
                settings
                    .legacy_modules
                    .iter()
                    .map(|(old, _)| last_segment(old)),
            );
            Some(out)
        }
        // An unresolved first-party import names a first-party package or is relative.
        Rule::UnresolvedFirstPartyImport => {
            let mut out: Vec<String> = settings.modules.first_party().iter().cloned().collect();
            out.extend(["from .", "from\t."].map(String::from));
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn needles_come_from_the_config() {
        let settings = crate::config::parse(
            Path::new("/nonexistent/ssotlint.toml"),
            "[project]\nfirst-party = [\"app\"]\n[canonical]\n\"a.b.Engine\" = { legacy-modules = [\"a.old\"] }\n",
        )
        .expect("config")
        .expect("settings");
        let imports_only = RuleSelection {
            select: vec!["SSOT00".into()],
            ignore: vec![],
        };
        let filter = Prefilter::new(&settings, &imports_only);
        assert!(filter.may_match("from a.b import Engine"));
        assert!(filter.may_match("from a.old import *"));
        assert!(filter.may_match("import app.x"));
        assert!(filter.may_match("from .x import y"));
        assert!(!filter.may_match("import os\nx = 1\n"));
        let everything = RuleSelection::default();
        assert!(Prefilter::new(&settings, &everything).may_match("import os\n"));
    }
}
