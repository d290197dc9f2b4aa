//! The source tree keeps the shape ARCHITECTURE.md promises: no file under `src/` over
//! 700 lines, and no import circle among the files: the one check of both (`cargo test
//! --test structure`; a failure lists every import inside a circle).
//!
//! A file depends on another when it names an item there: `use crate::…`, `use super::…`,
//! an inline `crate::a::b` path, or (in a parent module) `child::item`. Paths resolve to
//! the deepest module file that exists; unit-test modules (`#[cfg(test)] mod tests`) and
//! comments are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MAX_LINES: usize = 700;

/// File path relative to `src/` (with `/`) → text.
type Files = BTreeMap<String, String>;

/// File → the files it depends on.
type Edges = BTreeMap<String, BTreeSet<String>>;

fn read_tree(root: &Path, dir: &Path, files: &mut Files) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src/");
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(
                rel,
                std::fs::read_to_string(&path).expect("read source file"),
            );
        }
    }
}

fn sources() -> Files {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Files::new();
    read_tree(&root, &root, &mut files);
    files
}

/// `python/scan/mod.rs` → `["python", "scan"]`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One `use` tree without whitespace, `a::{b, c::{d}}` → `[a, b]`, `[a, c, d]`.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    let Some(open) = tree.find('{') else {
        path.extend(tree.split("::").map(String::from));
        out.push(path);
        return;
    };
    let head = tree[..open].trim_end_matches("::");
    path.extend(head.split("::").filter(|s| !s.is_empty()).map(String::from));
    let inner = tree[open + 1..]
        .strip_suffix('}')
        .unwrap_or(&tree[open + 1..]);
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in inner.char_indices().chain([(inner.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if i > start {
                    expand(&path, &inner[start..i], out);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
}

/// A `use` spec with its `as NAME` renames and whitespace removed.
fn squeeze(spec: &str) -> String {
    let mut out = String::new();
    let mut words = spec.split_whitespace();
    while let Some(word) = words.next() {
        if word == "as" {
            out.push_str(words.next().unwrap_or("").trim_start_matches(is_ident));
        } else {
            out.push_str(word);
        }
    }
    out
}

/// Every `ident(::ident)+` path in `text` not preceded by an identifier character or `:`.
fn inline_paths(text: &str) -> Vec<Vec<String>> {
    let b = text.as_bytes();
    let ident = |i: usize| {
        b.get(i)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !ident(i) || (i > 0 && (ident(i - 1) || b[i - 1] == b':' || b[i - 1] >= 0x80)) {
            i += 1;
            continue;
        }
        let mut parts = Vec::new();
        let mut start = i;
        loop {
            while ident(i) {
                i += 1;
            }
            parts.push(text[start..i].to_string());
            if b.get(i..i + 2) == Some(b"::") && ident(i + 2) {
                i += 2;
                start = i;
            } else {
                break;
            }
        }
        if parts.len() > 1 {
            out.push(parts);
        }
    }
    out
}

/// The `use` statements of `text` as (byte range, spec after `use`).
fn use_statements(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("use").map(|a| a + from) {
        from = at + 3;
        let before = text[..at].chars().next_back();
        let after = text[at + 3..].chars().next();
        if before.is_some_and(is_ident) || !after.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(end) = text[at..].find(';').map(|e| e + at) else {
            break;
        };
        out.push((at..end + 1, text[at + 3..end].trim()));
        from = end + 1;
    }
    out
}

/// Which file depends on which, by the reading described at the top.
fn edges(files: &Files) -> Edges {
    let modules: BTreeMap<Vec<String>, &str> = files
        .keys()
        .filter(|rel| *rel != "main.rs")
        .map(|rel| (module_path(rel), rel.as_str()))
        .collect();
    let resolve = |target: &[String]| {
        let parts: Vec<String> = target
            .iter()
            .filter(|p| !p.is_empty() && *p != "self")
            .cloned()
            .collect();
        (1..=parts.len())
            .rev()
            .find_map(|n| modules.get(&parts[..n]).copied())
    };
    let mut edges = Edges::new();
    for (rel, text) in files {
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(cut) => &text[..cut],
            None => text,
        };
        let mut text: String = text
            .lines()
            .map(|l| l.find("//").map_or(l, |c| &l[..c]))
            .collect::<Vec<_>>()
            .join("\n");
        let me = if rel == "main.rs" {
            text = text.replace("ssotlint::", "crate::");
            Vec::new()
        } else {
            module_path(rel)
        };
        let uses = use_statements(&text);
        let children: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let l = l.trim_start();
                let l = l
                    .strip_prefix("pub")
                    .map_or(l, |r| r.trim_start_matches(|c| c != ' '));
                let name = l
                    .trim_start()
                    .strip_prefix("mod ")?
                    .trim()
                    .strip_suffix(';')?;
                name.trim().chars().all(is_ident).then_some(name.trim())
            })
            .collect();
        let mut paths = Vec::new();
        for (_, spec) in &uses {
            let spec = squeeze(spec);
            let first = spec.split("::").next().unwrap_or("");
            if matches!(first, "crate" | "super" | "self") {
                expand(&[], &spec, &mut paths);
            } else if children.contains(&first) {
                expand(&["self".to_string()], &spec, &mut paths);
            }
        }
        let mut without_uses = text.clone();
        for (range, _) in uses.iter().rev() {
            without_uses.replace_range(range.clone(), "");
        }
        for path in inline_paths(&without_uses) {
            if path[0] == "crate" || path[0] == "super" {
                paths.push(path);
            } else if children.contains(&path[0].as_str()) {
                paths.push([vec!["self".to_string()], path].concat());
            }
        }
        for path in paths {
            let target = match path[0].as_str() {
                "crate" => path[1..].to_vec(),
                "self" if rel == "lib.rs" || rel == "main.rs" => path[1..].to_vec(),
                "super" => [&me[..me.len().saturating_sub(1)], &path[1..]].concat(),
                "self" => [&me[..], &path[1..]].concat(),
                _ => continue,
            };
            if let Some(found) = resolve(&target).filter(|f| f != rel) {
                edges
                    .entry(rel.clone())
                    .or_default()
                    .insert(found.to_string());
            }
        }
    }
    edges
}

/// The groups of files that reach each other through their imports (each sorted).
fn circles(edges: &Edges) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(node) = todo.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|f| (f, reach(f))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (file, reached) in &reaches {
        if !reached.contains(*file) || out.iter().any(|c| c.contains(*file)) {
            continue;
        }
        let circle = reached
            .iter()
            .filter(|other| reaches.get(other).is_some_and(|r| r.contains(*file)))
            .cloned()
            .collect();
        out.push(circle);
    }
    out
}

fn tree(files: &[(&str, &str)]) -> Files {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn no_source_file_is_over_700_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|(_, text)| text.lines().count() > MAX_LINES)
        .map(|(rel, text)| format!("src/{rel}: {} lines", text.lines().count()))
        .collect();
    assert!(long.is_empty(), "split these by concern: {long:#?}");
}

#[test]
fn no_import_circles_among_source_files() {
    let files = sources();
    let edges = edges(&files);
    assert!(
        edges.contains_key("rules/imports.rs"),
        "the reader found no imports"
    );
    let circles = circles(&edges);
    let inside: Vec<String> = circles
        .iter()
        .flat_map(|circle| {
            let edges = &edges;
            circle.iter().flat_map(move |a| {
                edges[a]
                    .iter()
                    .filter(|b| circle.contains(b))
                    .map(move |b| format!("{a} -> {b}"))
            })
        })
        .collect();
    assert_eq!(
        circles,
        Vec::<Vec<String>>::new(),
        "imports in circles: {inside:#?}"
    );
}

#[test]
fn finds_the_circles_it_must() {
    let files = tree(&[
        ("lib.rs", "pub mod a;\npub mod b;\npub mod p;\n"),
        ("a.rs", "use crate::b::{self, X as Y};\n"),
        ("b.rs", "pub fn f() { super::a::g() }\n"),
        ("p/mod.rs", "mod c;\npub use c::Thing;\n"),
        (
            "p/c.rs",
            "// use super::helper;\nuse super::{\n    helper,\n};\n",
        ),
    ]);
    assert_eq!(
        circles(&edges(&files)),
        vec![
            vec!["a.rs".to_string(), "b.rs".to_string()],
            vec!["p/c.rs".to_string(), "p/mod.rs".to_string()]
        ]
    );
}

#[test]
fn leaves_out_comments_tests_and_one_way_imports() {
    let files = tree(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::X;\n"),
        (
            "b.rs",
            "// crate::a::f\n#[cfg(test)]\nmod tests {\n    use crate::a::f;\n}\n",
        ),
    ]);
    let edges = edges(&files);
    assert_eq!(edges.get("a.rs").map(|e| e.len()), Some(1));
    assert_eq!(circles(&edges), Vec::<Vec<String>>::new());
}

/// The backticked words of `text`.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// ARCHITECTURE.md's code map matches the folders: every file under `src/` is named in
/// its folder's section (`` ### `src/python/` ``) or has one of its own
/// (`` ### `src/cache.rs` ``), and every path a heading or a section names as a plain
/// file name exists.
#[test]
fn the_code_map_matches_the_folders() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("read ARCHITECTURE.md");
    let map = doc
        .split_once("\n## Code map\n")
        .and_then(|(_, rest)| rest.split("\n## ").next())
        .expect("a `## Code map` section");
    let sections: Vec<(Vec<&str>, &str)> = map
        .split("\n### ")
        .skip(1)
        .map(|section| {
            let (head, body) = section.split_once('\n').unwrap_or((section, ""));
            (quoted(head), body)
        })
        .collect();
    let files = sources();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut wrong = Vec::new();
    for (heads, body) in &sections {
        for head in heads {
            if !root.join(head).exists() {
                wrong.push(format!("heading names a missing path: {head}"));
            }
        }
        for dir in heads.iter().filter(|h| h.ends_with('/')) {
            for name in quoted(body)
                .into_iter()
                .filter(|n| n.ends_with(".rs") && !n.contains('/'))
            {
                let own = heads.iter().any(|h| h.rsplit('/').next() == Some(name));
                if !own && !root.join(dir).join(name).is_file() {
                    wrong.push(format!("{dir} section names a missing file: {name}"));
                }
            }
        }
    }
    for rel in files.keys() {
        let named = match rel.rsplit_once('/') {
            None => sections
                .iter()
                .any(|(heads, _)| heads.contains(&format!("src/{rel}").as_str())),
            Some((dir, name)) => sections.iter().any(|(heads, body)| {
                heads.contains(&format!("src/{dir}/").as_str()) && quoted(body).contains(&name)
            }),
        };
        if !named {
            wrong.push(format!("src/{rel} is not in the code map"));
        }
    }
    assert!(wrong.is_empty(), "ARCHITECTURE.md's code map: {wrong:#?}");
}
