//! Baselines: the violations a team accepts today, so CI fails only on new ones.
//!
//! An entry is identified by a fingerprint of the flagged code, not by its line: the
//! rule code, the path, the flagged line's text (trimmed) and the flagged span, plus an
//! occurrence number for identical lines in one file. Edits elsewhere in the file shift
//! lines without changing any fingerprint.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::figures::Figures;
use crate::source::SourceText;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    pub message: String,
}

/// The baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub violations: Vec<Entry>,
    /// The report's figures when the baseline was written (`report --baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<Figures>,
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's hasher is not).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Entries for one file's diagnostics (in file order, as the engine sorts them).
pub fn entries(path: &str, source: &SourceText, diagnostics: &[Diagnostic]) -> Vec<Entry> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let line = source.line_index(d.range.start);
            let line_text = source.line_text(line).trim();
            let flagged = source.text().get(d.range.clone()).unwrap_or("");
            let code = d.rule.code();
            let key = fnv1a(&[
                code.as_bytes(),
                path.as_bytes(),
                line_text.as_bytes(),
                flagged.as_bytes(),
            ]);
            let occurrence = seen.entry(key).or_insert(0);
            *occurrence += 1;
            let fingerprint = fnv1a(&[&key.to_le_bytes(), &occurrence.to_le_bytes()]);
            Entry {
                code: code.to_string(),
                path: path.to_string(),
                fingerprint: format!("{fingerprint:016x}"),
                message: d.message.clone(),
            }
        })
        .collect()
}

impl Baseline {
    pub fn new(mut violations: Vec<Entry>, figures: Option<Figures>) -> Baseline {
        violations.sort_by(|a, b| {
            (&a.path, &a.code, &a.fingerprint).cmp(&(&b.path, &b.code, &b.fingerprint))
        });
        Baseline {
            version: VERSION,
            violations,
            figures,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a ssotlint baseline: {e}", path.display()))?;
        if baseline.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot encode the baseline: {e}"))?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write the baseline: {e}", path.display()))
    }

    /// Split current entries into new ones (indices into `current`) and count the
    /// baseline entries no longer present.
    pub fn compare(&self, current: &[Entry]) -> Comparison {
        let mut remaining: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for e in &self.violations {
            *remaining
                .entry((&e.code, &e.path, &e.fingerprint))
                .or_default() += 1;
        }
        let mut new = Vec::new();
        for (i, e) in current.iter().enumerate() {
            match remaining.get_mut(&(e.code.as_str(), e.path.as_str(), e.fingerprint.as_str())) {
                Some(n) if *n > 0 => *n -= 1,
                _ => new.push(i),
            }
        }
        Comparison {
            new,
            gone: remaining.values().sum(),
        }
    }

    /// Drop the entries that are gone, never add: `baseline --prune`.
    pub fn pruned(&self, current: &[Entry], figures: Option<Figures>) -> Baseline {
        let mut present: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for e in current {
            *present
                .entry((&e.code, &e.path, &e.fingerprint))
                .or_default() += 1;
        }
        let violations = self
            .violations
            .iter()
            .filter(|e| {
                match present.get_mut(&(e.code.as_str(), e.path.as_str(), e.fingerprint.as_str())) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            })
            .cloned()
            .collect();
        Baseline::new(violations, figures.or_else(|| self.figures.clone()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub new: Vec<usize>,
    pub gone: usize,
}
