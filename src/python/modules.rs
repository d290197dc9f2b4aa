//! Module names: which module a file is (from the source roots, or by walking up
//! `__init__.py` packages), and what a relative import refers to.

use std::path::{Path, PathBuf};

/// The module a file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleName {
    /// Dotted name, e.g. `pkg.sub.mod`.
    pub name: String,
    /// The file is a package's `__init__.py`.
    pub is_package: bool,
}

impl ModuleName {
    /// The package relative imports start from.
    fn package(&self) -> Option<&str> {
        if self.is_package {
            Some(&self.name)
        } else {
            self.name.rsplit_once('.').map(|(p, _)| p)
        }
    }
}

/// Resolve `from <level dots><module> import …` in `current` to an absolute name.
pub fn resolve_relative(
    current: &ModuleName,
    level: usize,
    module: Option<&str>,
) -> Option<String> {
    let mut base = current.package()?.to_string();
    for _ in 1..level {
        let (parent, _) = base.rsplit_once('.')?;
        base = parent.to_string();
    }
    Some(match module {
        Some(m) if !m.is_empty() => format!("{base}.{m}"),
        _ => base,
    })
}

/// The module name of `path`: relative to the first source root that holds it, else
/// found by walking up directories that hold an `__init__.py`.
pub fn module_of(path: &Path, src_roots: &[PathBuf]) -> Option<ModuleName> {
    let stem = path.file_stem()?.to_str()?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext, "py" | "pyi") {
        return None;
    }
    let is_package = stem == "__init__";
    let from_root = src_roots
        .iter()
        .filter(|root| path.starts_with(root))
        .max_by_key(|root| root.components().count())
        .and_then(|root| {
            let rel = path.parent()?.strip_prefix(root).ok()?;
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_str().map(str::to_string))
                .collect::<Option<_>>()?;
            if !is_package {
                parts.push(stem.to_string());
            }
            Some(parts)
        });
    let parts = match from_root {
        Some(parts) => parts,
        None => package_parts(path, stem, is_package)?,
    };
    if parts.is_empty() || !parts.iter().all(|p| is_identifier(p)) {
        return None;
    }
    Some(ModuleName {
        name: parts.join("."),
        is_package,
    })
}

fn package_parts(path: &Path, stem: &str, is_package: bool) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    if !is_package {
        parts.push(stem.to_string());
    }
    let mut dir = path.parent()?;
    while dir.join("__init__.py").is_file() || dir.join("__init__.pyi").is_file() {
        parts.push(dir.file_name()?.to_str()?.to_string());
        dir = dir.parent()?;
    }
    parts.reverse();
    Some(parts)
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Where `module` (`old` itself or a submodule of it) lives now that `old` moved to
/// `new`.
pub fn moved(module: &str, old: &str, new: &str) -> String {
    format!("{new}{}", &module[old.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, is_package: bool) -> ModuleName {
        ModuleName {
            name: name.into(),
            is_package,
        }
    }

    #[test]
    fn relative_resolution() {
        let module = m("a.b.c", false);
        assert_eq!(resolve_relative(&module, 1, None), Some("a.b".into()));
        assert_eq!(
            resolve_relative(&module, 1, Some("x")),
            Some("a.b.x".into())
        );
        assert_eq!(
            resolve_relative(&module, 2, Some("x.y")),
            Some("a.x.y".into())
        );
        assert_eq!(resolve_relative(&module, 3, None), None);
        let package = m("a.b", true);
        assert_eq!(
            resolve_relative(&package, 1, Some("x")),
            Some("a.b.x".into())
        );
        assert_eq!(resolve_relative(&package, 2, Some("x")), Some("a.x".into()));
    }

    #[test]
    fn names_from_roots() {
        let roots = vec![PathBuf::from("/r"), PathBuf::from("/r/src")];
        assert_eq!(
            module_of(Path::new("/r/src/pkg/mod.py"), &roots),
            Some(m("pkg.mod", false))
        );
        assert_eq!(
            module_of(Path::new("/r/pkg/__init__.py"), &roots),
            Some(m("pkg", true))
        );
        assert_eq!(module_of(Path::new("/r/my-dir/x.py"), &roots), None);
    }
}
