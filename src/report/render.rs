//! Printing figures: plain text for terminals, GitHub-flavoured Markdown tables for
//! status comments, JSON for tools.

use std::fmt::Write;

use super::figures::{fmt_num, Figures, ImportFigures};
use crate::rules::registry::Rule;

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}%"))
}

fn kinds(f: &ImportFigures) -> String {
    format!(
        "legacy module {}, re-export {}, relative {}, alias {}, competing {}, missing module {}",
        f.legacy_module, f.re_export, f.relative, f.alias, f.competing, f.missing_module
    )
}

fn rule_name(code: &str) -> &'static str {
    Rule::from_code(code).map_or("", Rule::name)
}

/// The report for a terminal.
pub fn text(f: &Figures) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ssotlint report: {} files checked\n", f.files);
    let _ = writeln!(s, "Canonical symbols");
    if f.symbols.is_empty() {
        let _ = writeln!(s, "  none configured ([canonical] in the config)");
    }
    for sym in &f.symbols {
        let i = &sym.imports;
        let _ = writeln!(s, "  {}", sym.symbol);
        let _ = writeln!(
            s,
            "    files importing it: {}; imports: {}: canonical {}, fragmented {} ({}), unresolved {}",
            i.files, i.imports, i.canonical, i.fragmented, kinds(i), i.unresolved
        );
        let _ = writeln!(s, "    canonical share: {}", share(i.canonical_share));
        for a in &sym.aliases {
            let _ = writeln!(
                s,
                "    alias `{}`: {} (e.g. {})",
                a.alias, a.count, a.example
            );
        }
    }
    let i = &f.imports;
    let _ = writeln!(
        s,
        "  all symbols: {} imports in {} files: canonical {}, fragmented {} ({}), unresolved {}; canonical share {}\n",
        i.imports, i.files, i.canonical, i.fragmented, kinds(i), i.unresolved, share(i.canonical_share)
    );
    let sg = &f.singletons;
    let _ = writeln!(
        s,
        "Singletons: {} (isolated, critical: {})",
        sg.total, sg.isolated
    );
    for (code, n) in &sg.by_rule {
        let _ = writeln!(s, "  {code} {:<34} {n}", rule_name(code));
    }
    for (path, n) in &sg.top_files {
        let _ = writeln!(s, "  top file: {path} ({n})");
    }
    let fa = &f.factories;
    let _ = writeln!(
        s,
        "\nFactories: {} through factory methods, {} direct constructions; adoption {}; contract gaps {}",
        fa.via_factory,
        fa.direct,
        share(fa.adoption),
        fa.contract_gaps
    );
    let _ = writeln!(
        s,
        "\nCompeting definitions: {}",
        f.competing_definitions.len()
    );
    for c in &f.competing_definitions {
        let _ = writeln!(s, "  {}:{}:{}: {}", c.path, c.row, c.column, c.message);
    }
    let _ = writeln!(s, "\nCompliance score: {}", fmt_num(f.score.value));
    let _ = writeln!(s, "  {}", f.score.formula);
    for c in &f.score.components {
        let _ = writeln!(
            s,
            "  {:<12} {:>5}  weight {:<4} {}",
            c.name,
            format!("{:.1}", c.value),
            fmt_num(c.weight),
            c.definition
        );
    }
    s
}

/// A Markdown table cell: pipes escaped, no line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as GitHub Markdown.
pub fn markdown(f: &Figures) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## ssotlint report\n");
    let _ = writeln!(s, "{} files checked.\n", f.files);
    let _ = writeln!(s, "### Canonical imports\n");
    let _ = writeln!(
        s,
        "| Symbol | Files | Imports | Canonical | Legacy module | Re-export | Relative | Alias | Competing | Missing module | Unresolved | Canonical share |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let row = |s: &mut String, name: &str, i: &ImportFigures| {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            name,
            i.files,
            i.imports,
            i.canonical,
            i.legacy_module,
            i.re_export,
            i.relative,
            i.alias,
            i.competing,
            i.missing_module,
            i.unresolved,
            share(i.canonical_share)
        );
    };
    for sym in &f.symbols {
        row(&mut s, &format!("`{}`", cell(&sym.symbol)), &sym.imports);
    }
    row(&mut s, "**all**", &f.imports);
    let aliases: Vec<_> = f
        .symbols
        .iter()
        .flat_map(|sym| sym.aliases.iter().map(move |a| (sym, a)))
        .collect();
    if !aliases.is_empty() {
        let _ = writeln!(s, "\n| Symbol | Alias | Count | Example |");
        let _ = writeln!(s, "|---|---|---:|---|");
        for (sym, a) in aliases {
            let _ = writeln!(
                s,
                "| `{}` | `{}` | {} | `{}` |",
                cell(&sym.symbol),
                cell(&a.alias),
                a.count,
                cell(&a.example)
            );
        }
    }
    let _ = writeln!(s, "\n### Singletons and factories\n");
    let _ = writeln!(s, "| Figure | Value |");
    let _ = writeln!(s, "|---|---:|");
    let _ = writeln!(s, "| Singletons | {} |", f.singletons.total);
    let _ = writeln!(
        s,
        "| Isolated (critical, SSOT110) | {} |",
        f.singletons.isolated
    );
    for (code, n) in &f.singletons.by_rule {
        let _ = writeln!(s, "| {code} {} | {n} |", rule_name(code));
    }
    let _ = writeln!(
        s,
        "| Constructions through factory methods | {} |",
        f.factories.via_factory
    );
    let _ = writeln!(
        s,
        "| Direct constructions (SSOT201) | {} |",
        f.factories.direct
    );
    let _ = writeln!(s, "| Factory adoption | {} |", share(f.factories.adoption));
    let _ = writeln!(
        s,
        "| Factory contract gaps (SSOT202) | {} |",
        f.factories.contract_gaps
    );
    let _ = writeln!(
        s,
        "| Competing definitions (SSOT301) | {} |",
        f.competing_definitions.len()
    );
    if !f.singletons.top_files.is_empty() {
        let _ = writeln!(s, "\n| Top singleton file | Findings |");
        let _ = writeln!(s, "|---|---:|");
        for (path, n) in &f.singletons.top_files {
            let _ = writeln!(s, "| `{}` | {n} |", cell(path));
        }
    }
    let _ = writeln!(s, "\n### Compliance score: {}\n", fmt_num(f.score.value));
    let _ = writeln!(s, "`{}`\n", f.score.formula);
    let _ = writeln!(s, "| Component | Value | Weight | Definition |");
    let _ = writeln!(s, "|---|---:|---:|---|");
    for c in &f.score.components {
        let _ = writeln!(
            s,
            "| {} | {:.1} | {} | {} |",
            c.name,
            c.value,
            fmt_num(c.weight),
            cell(&c.definition)
        );
    }
    s
}

/// `then → now → change` rows for every headline figure (union of both, `now` order).
pub fn comparison_rows(then: &Figures, now: &Figures) -> Vec<(String, Option<f64>, Option<f64>)> {
    let then_h = then.headline();
    let now_h = now.headline();
    let mut rows: Vec<(String, Option<f64>, Option<f64>)> = now_h
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                then_h.iter().find(|(t, _)| t == k).map(|(_, x)| *x),
                Some(*v),
            )
        })
        .collect();
    for (k, v) in &then_h {
        if !now_h.iter().any(|(n, _)| n == k) {
            rows.push((k.clone(), Some(*v), None));
        }
    }
    rows
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), fmt_num)
}

fn change(then: Option<f64>, now: Option<f64>) -> String {
    match (then, now) {
        (Some(t), Some(n)) => {
            let d = ((n - t) * 10.0).round() / 10.0;
            if d > 0.0 {
                format!("+{}", fmt_num(d))
            } else if d < 0.0 {
                fmt_num(d)
            } else {
                "0".to_string()
            }
        }
        _ => "-".to_string(),
    }
}

pub fn comparison_text(rows: &[(String, Option<f64>, Option<f64>)]) -> String {
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(6).max(6);
    let mut s = format!(
        "{:<width$}  {:>8}  {:>8}  {:>8}\n",
        "figure", "then", "now", "change"
    );
    for (k, t, n) in rows {
        let _ = writeln!(
            s,
            "{:<width$}  {:>8}  {:>8}  {:>8}",
            k,
            opt(*t),
            opt(*n),
            change(*t, *n)
        );
    }
    s
}

pub fn comparison_markdown(rows: &[(String, Option<f64>, Option<f64>)]) -> String {
    let mut s = String::from("| Figure | Then | Now | Change |\n|---|---:|---:|---:|\n");
    for (k, t, n) in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            cell(k.trim()),
            opt(*t),
            opt(*n),
            change(*t, *n)
        );
    }
    s
}

pub fn comparison_json(rows: &[(String, Option<f64>, Option<f64>)]) -> serde_json::Value {
    serde_json::Value::Array(
        rows.iter()
            .map(|(k, t, n)| {
                serde_json::json!({
                    "figure": k.trim(),
                    "then": t,
                    "now": n,
                    "change": match (t, n) { (Some(t), Some(n)) => Some(((n - t) * 10.0).round() / 10.0), _ => None },
                })
            })
            .collect(),
    )
}
