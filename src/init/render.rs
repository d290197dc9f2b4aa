//! Proposals as TOML: the `[canonical]` entries (with a comment per entry saying what
//! was counted) and the starter config around them.

use std::fmt::Write as _;

use super::discover::{Discovery, Proposal, Role};

/// A TOML string (quoted and escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The entry's inline table: `{ legacy-modules = [...], legacy-names = [...] }`.
fn entry_value(p: &Proposal) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| quoted(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !p.legacy_modules.is_empty() {
        parts.push(format!("legacy-modules = [{}]", list(&p.legacy_modules)));
    }
    if !p.legacy_names.is_empty() {
        parts.push(format!("legacy-names = [{}]", list(&p.legacy_names)));
    }
    if parts.is_empty() {
        "{}".to_string()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

/// The comment lines above an entry: totals, then one line per path.
fn entry_comment(p: &Proposal, out: &mut String) {
    let kind = if p.is_class { "class" } else { "function" };
    let _ = write!(
        out,
        "# {kind} {}: {}",
        p.name,
        plural(p.imports, "import", "imports")
    );
    if p.aliased > 0 {
        let _ = write!(out, " ({} aliased)", p.aliased);
    }
    if p.definitions.len() > 1 {
        let _ = write!(out, ", {} definitions", p.definitions.len());
    }
    if p.star_imports > 0 {
        let _ = write!(
            out,
            ", {}",
            plural(p.star_imports, "star import", "star imports")
        );
    }
    let _ = writeln!(out, "; {} would change", p.changes);
    for (n, def) in p.definitions.iter().enumerate() {
        if n > 0 {
            let _ = writeln!(
                out,
                "#   competing definition in {}: {}",
                def.module,
                plural(def.imports, "import", "imports")
            );
        }
        for path in &def.paths {
            let mut line = format!("#   {}", path.module);
            if path.name != p.name {
                let _ = write!(line, ".{}", path.name);
            }
            let _ = write!(line, ": {}", plural(path.imports, "import", "imports"));
            if path.aliased > 0 {
                let _ = write!(line, ", {} aliased", path.aliased);
            }
            if path.reexports > 0 {
                let _ = write!(
                    line,
                    ", {}",
                    plural(path.reexports, "re-export", "re-exports")
                );
            }
            let defines = path.module == def.module && path.name == p.name;
            let note = match (path.role, defines) {
                (Role::Canonical, true) => " (canonical, defines it)",
                (Role::Canonical, false) => " (canonical)",
                (Role::Chain, _) => " (passes the canonical re-export on; left alone)",
                (Role::Legacy, true) => " (defines it)",
                (Role::Legacy, false) => "",
            };
            line.push_str(note);
            let _ = writeln!(out, "{line}");
        }
    }
    for (module, direct) in &p.unrelated {
        let _ = writeln!(
            out,
            "#   unrelated {} in {module}: {} from it flagged as competing too (review)",
            p.name,
            plural(*direct, "import", "imports")
        );
    }
}

/// The `[canonical]` entries, comment above each, in rank order.
pub fn canonical_entries(proposals: &[Proposal], comments: bool) -> String {
    let mut out = String::new();
    for (n, p) in proposals.iter().enumerate() {
        if comments {
            if n > 0 {
                out.push('\n');
            }
            entry_comment(p, &mut out);
        }
        let _ = writeln!(out, "{} = {}", quoted(&p.qualified), entry_value(p));
    }
    out
}

/// The whole starter config. `prefix` is `""` for `ssotlint.toml` and `"tool.ssotlint."`
/// for `pyproject.toml`.
pub fn render(discovery: &Discovery, src: &[String], prefix: &str) -> String {
    let mut out = String::new();
    let changes = discovery.changes;
    let _ = writeln!(
        out,
        "# Written by `ssotlint init` from {} ({} modules): {} proposed, {} would change.",
        plural(discovery.files, "file", "files"),
        discovery.modules,
        plural(
            discovery.proposals.len(),
            "canonical symbol",
            "canonical symbols"
        ),
        plural(changes, "import", "imports"),
    );
    if discovery.unrelated > 0 {
        let _ = writeln!(
            out,
            "# Besides, {} of unrelated classes or functions of the same names would be flagged as competing (see \"unrelated\").",
            plural(discovery.unrelated, "import", "imports")
        );
    }
    out.push_str(
        "# Each entry's comment counts the imports per path; review the entries before committing.\n\n",
    );
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| quoted(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "[{prefix}project]");
    let _ = writeln!(out, "src = [{}]", list(src));
    let _ = writeln!(out, "first-party = [{}]", list(&discovery.first_party));
    let _ = writeln!(out, "\n[{prefix}canonical]");
    out.push_str(&canonical_entries(&discovery.proposals, true));
    out
}
