//! Discovery for `init` and `check --infer`: from the [`ProjectIndex`], the symbols the
//! project imports through several paths (or defines several times), each with a
//! proposed canonical home and its legacy modules and names.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::config::Settings;
use crate::index::ProjectIndex;

/// One path a symbol is imported through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathCount {
    /// Module imported from.
    pub module: String,
    /// Name imported there (differs from the symbol's for a renamed re-export).
    pub name: String,
    pub imports: usize,
    pub aliased: usize,
    /// Imports of them that are re-exports (into a module the symbol is imported
    /// through); not counted when choosing the canonical path.
    pub reexports: usize,
    /// How this path stands in the proposal.
    pub role: Role,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The canonical module.
    Canonical,
    /// A module the canonical re-export passes through: left alone.
    Chain,
    /// A legacy path: its imports would change.
    #[default]
    Legacy,
}

/// One definition of the symbol's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionCount {
    /// Defining module.
    pub module: String,
    pub imports: usize,
    pub paths: Vec<PathCount>,
}

/// A proposed `[canonical]` entry with the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// `pkg.mod.Name` as the entry's key.
    pub qualified: String,
    pub name: String,
    pub is_class: bool,
    /// The definition chosen first, competing ones after it (most imported first).
    pub definitions: Vec<DefinitionCount>,
    pub legacy_modules: Vec<String>,
    pub legacy_names: Vec<String>,
    pub imports: usize,
    pub aliased: usize,
    /// Imports `check` would flag with this entry: legacy paths, aliases of the
    /// canonical path, star imports of a legacy module.
    pub changes: usize,
    /// Module-level `from <legacy module> import *` statements (counted in `changes`).
    pub star_imports: usize,
    /// Same-named definitions not merged with this one (unrelated) and how many imports
    /// take the name straight from their module: `check` flags those too, as importers
    /// of a competing definition (the rule goes by name). Not in `changes`.
    pub unrelated: Vec<(String, usize)>,
}

/// What discovery found: the proposals (ranked) and figures about the tree.
#[derive(Debug, Default)]
pub struct Discovery {
    pub proposals: Vec<Proposal>,
    /// First-party top-level packages with indexed modules.
    pub first_party: Vec<String>,
    pub modules: usize,
    pub files: usize,
    /// Imports `check` would flag with every proposal (a star import from a module that
    /// is legacy for several symbols counts once).
    pub changes: usize,
    /// Imports of unrelated same-named definitions `check` would flag besides.
    pub unrelated: usize,
    pub warnings: Vec<String>,
}

/// An import of a definition: (path index, importer module, aliased, module level,
/// under a `# noqa`).
type Import = (usize, String, bool, bool, bool);

/// Everything known about one definition while discovering.
#[derive(Default)]
struct Found {
    is_class: bool,
    paths: Vec<(String, String)>,
    imports: Vec<Import>,
}

/// Propose canonical entries for `index`. Names in `skip` (already configured) and
/// symbols with fewer than `min_imports` imports are left out.
pub fn discover(
    index: &ProjectIndex,
    settings: &Settings,
    min_imports: usize,
    skip: &HashSet<String>,
) -> Discovery {
    let mut found: BTreeMap<(String, String), Found> = BTreeMap::new();
    let mut resolved = HashMap::new();
    let mut records: Vec<_> = index.modules.values().collect();
    records.sort_by(|a, b| a.name.cmp(&b.name));
    for record in &records {
        for import in &record.uses {
            if !settings.modules.is_first_party(&import.module) {
                continue;
            }
            let key = (import.module.clone(), import.name.clone());
            let target = resolved
                .entry(key.clone())
                .or_insert_with(|| index.resolve(&import.module, &import.name, settings))
                .clone();
            let Some(target) = target else {
                continue;
            };
            let entry = found.entry((target.module, target.name)).or_default();
            entry.is_class = target.is_class;
            let at = match entry.paths.iter().position(|p| *p == key) {
                Some(at) => at,
                None => {
                    entry.paths.push(key);
                    entry.paths.len() - 1
                }
            };
            entry.imports.push((
                at,
                record.name.clone(),
                import.aliased,
                import.module_level,
                import.noqa,
            ));
        }
    }
    let packages: HashMap<&str, bool> = records
        .iter()
        .map(|r| (r.name.as_str(), r.is_package))
        .collect();
    let mut proposals = Vec::new();
    for group in competing_groups(&found, &packages) {
        if let Some(p) = propose(&group, &found, index, settings) {
            if p.imports >= min_imports && !skip.contains(&p.name) {
                proposals.push(p);
            }
        }
    }
    for p in &mut proposals {
        for ((module, name), f) in &found {
            if *name != p.name || p.definitions.iter().any(|d| d.module == *module) {
                continue;
            }
            let direct = f
                .imports
                .iter()
                .filter(|(at, _, _, _, noqa)| !noqa && f.paths[*at].0 == *module)
                .count();
            p.unrelated.push((module.clone(), direct));
        }
    }
    // `check` flags `from <legacy module> import *` too (once per statement).
    let mut legacy_stars = HashSet::new();
    for record in &records {
        for star in record
            .stars
            .iter()
            .filter(|s| !record.stars_noqa.contains(s))
        {
            for p in &mut proposals {
                if p.legacy_modules.contains(star) {
                    p.star_imports += 1;
                    p.changes += 1;
                    legacy_stars.insert((record.name.as_str(), star.as_str()));
                }
            }
        }
    }
    let changes = proposals
        .iter()
        .map(|p| p.changes - p.star_imports)
        .sum::<usize>()
        + legacy_stars.len();
    let proposals_unrelated = proposals
        .iter()
        .flat_map(|p| &p.unrelated)
        .map(|(_, n)| n)
        .sum();
    proposals.sort_by(|a, b| {
        (b.changes, b.imports, &a.qualified).cmp(&(a.changes, a.imports, &b.qualified))
    });
    let first_party: BTreeSet<String> = records
        .iter()
        .filter(|r| settings.modules.is_first_party(&r.name))
        .filter_map(|r| r.name.split('.').next().map(str::to_string))
        .collect();
    Discovery {
        proposals,
        first_party: first_party.into_iter().collect(),
        modules: index.modules.len(),
        files: index.files,
        changes,
        unrelated: proposals_unrelated,
        warnings: index.warnings.clone(),
    }
}

/// The package a module's relative imports start from (`a.b` for `a/b/__init__.py`
/// and for `a/b/c.py`).
fn package_of<'a>(module: &'a str, packages: &HashMap<&str, bool>) -> &'a str {
    if packages.get(module).copied().unwrap_or(false) {
        module
    } else {
        module.rsplit_once('.').map_or("", |(p, _)| p)
    }
}

/// Definitions grouped: same name and kind, and imported interchangeably — some package
/// holds files that import one and files that import the other under the name itself
/// (a file importing both uses them side by side; one renaming it tells them apart).
/// Unrelated same-named classes (`Config` of two packages) stay apart, and so do
/// siblings of a plugin pattern (every `commands/*.py` defines `Command`), which are
/// only ever loaded by name.
fn competing_groups(
    found: &BTreeMap<(String, String), Found>,
    packages: &HashMap<&str, bool>,
) -> Vec<Vec<(String, String)>> {
    let mut by_name: BTreeMap<(&str, bool), Vec<&(String, String)>> = BTreeMap::new();
    for (key, f) in found {
        by_name.entry((&key.1, f.is_class)).or_default().push(key);
    }
    let mut groups = Vec::new();
    for keys in by_name.into_values() {
        let importers: Vec<HashSet<&str>> = keys
            .iter()
            .map(|k| found[*k].imports.iter().map(|i| i.1.as_str()).collect())
            .collect();
        // Files that bind the name as it is: an importer that renames one
        // (`Serializer as PythonSerializer`) tells the two apart.
        let plain: Vec<HashSet<&str>> = keys
            .iter()
            .map(|k| {
                found[*k]
                    .imports
                    .iter()
                    .filter(|i| !i.2)
                    .map(|i| i.1.as_str())
                    .collect()
            })
            .collect();
        let related = |a: usize, b: usize| {
            let (ma, mb) = (&keys[a].0, &keys[b].0);
            // One built on the other (`class Loader(BaseLoader)`): not a competitor.
            if importers[a].contains(mb.as_str()) || importers[b].contains(ma.as_str()) {
                return false;
            }
            let only = |x: usize, y: usize| -> HashSet<&str> {
                plain[x]
                    .difference(&importers[y])
                    .map(|m| package_of(m, packages))
                    .filter(|p| !p.is_empty())
                    .collect()
            };
            !only(a, b).is_disjoint(&only(b, a))
        };
        // Union-find over the few definitions of one name.
        let mut root: Vec<usize> = (0..keys.len()).collect();
        fn find(root: &mut [usize], mut i: usize) -> usize {
            while root[i] != i {
                root[i] = root[root[i]];
                i = root[i];
            }
            i
        }
        for a in 0..keys.len() {
            for b in a + 1..keys.len() {
                if related(a, b) {
                    let (ra, rb) = (find(&mut root, a), find(&mut root, b));
                    root[ra] = rb;
                }
            }
        }
        let mut merged: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            let r = find(&mut root, i);
            merged.entry(r).or_default().push((*key).clone());
        }
        groups.extend(merged.into_values());
    }
    groups
}

/// A module-level import into a module the same symbol is imported through: a shim
/// passing it on, not code using it.
fn is_reexport(import: &Import, paths: &[(String, String)]) -> bool {
    import.3 && paths.iter().any(|(module, _)| *module == import.1)
}

/// The entry for one group of definitions; `None` when nothing is fragmented.
fn propose(
    group: &[(String, String)],
    found: &BTreeMap<(String, String), Found>,
    index: &ProjectIndex,
    settings: &Settings,
) -> Option<Proposal> {
    let mut defs: Vec<&(String, String)> = group.iter().collect();
    defs.sort_by(|a, b| {
        let (na, nb) = (found[*a].imports.len(), found[*b].imports.len());
        (nb, a.0.len(), &a.0).cmp(&(na, b.0.len(), &b.0))
    });
    let home = defs[0];
    let (def_module, name) = (&home.0, &home.1);
    let main = &found[home];
    // The path most used by code (a shim's own re-export is no use), keeping the name;
    // ties: the defining module, then the shorter name.
    let mut per_path = vec![0usize; main.paths.len()];
    for import in &main.imports {
        if !is_reexport(import, &main.paths) {
            per_path[import.0] += 1;
        }
    }
    let canonical = (0..main.paths.len())
        .filter(|&i| main.paths[i].1 == *name)
        .max_by(|&a, &b| {
            let key = |i: usize| {
                let m = &main.paths[i].0;
                (
                    per_path[i],
                    m == def_module,
                    std::cmp::Reverse(m.len()),
                    std::cmp::Reverse(m.clone()),
                )
            };
            key(a).cmp(&key(b))
        })
        .map_or_else(|| def_module.clone(), |i| main.paths[i].0.clone());
    // A re-export as the canonical home: the modules it passes through, and the
    // defining module, keep their imports.
    let chain: HashSet<String> = if canonical == *def_module {
        HashSet::new()
    } else {
        let mut via: HashSet<String> = index
            .resolve(&canonical, name, settings)
            .map(|r| r.via.into_iter().collect())
            .unwrap_or_default();
        via.insert(def_module.clone());
        via.remove(&canonical);
        via
    };
    let mut definitions = Vec::new();
    let mut legacy_modules = BTreeSet::new();
    let mut legacy_names = BTreeSet::new();
    let (mut imports, mut aliased, mut changes) = (0, 0, 0);
    for (n, key) in defs.iter().enumerate() {
        let f = &found[*key];
        let mut paths: Vec<PathCount> = f
            .paths
            .iter()
            .map(|(module, path_name)| PathCount {
                module: module.clone(),
                name: path_name.clone(),
                role: if n > 0 {
                    Role::Legacy
                } else if *module == canonical && path_name == name {
                    Role::Canonical
                } else if chain.contains(module) {
                    Role::Chain
                } else {
                    Role::Legacy
                },
                ..PathCount::default()
            })
            .collect();
        for import in &f.imports {
            let (at, importer, is_aliased, module_level, noqa) = import;
            let path = &mut paths[*at];
            path.imports += 1;
            path.reexports += usize::from(is_reexport(import, &f.paths));
            path.aliased += usize::from(*is_aliased);
            let passes_on = n == 0 && *module_level && chain.contains(importer);
            match path.role {
                _ if *noqa => {}
                Role::Legacy if !passes_on => changes += 1,
                Role::Canonical if *is_aliased => changes += 1,
                _ => {}
            }
        }
        for path in &paths {
            // A competing definition's own module needs no entry: `check` flags its
            // importers as competing (without a fix: another object).
            if path.role == Role::Legacy && !(n > 0 && path.module == key.0) {
                legacy_modules.insert(path.module.clone());
                if path.name != *name {
                    legacy_names.insert(path.name.clone());
                }
            }
        }
        imports += f.imports.len();
        aliased += paths.iter().map(|p| p.aliased).sum::<usize>();
        paths.sort_by(|a, b| {
            (a.role, b.imports, &a.module, &a.name).cmp(&(b.role, a.imports, &b.module, &b.name))
        });
        definitions.push(DefinitionCount {
            module: key.0.clone(),
            imports: f.imports.len(),
            paths,
        });
    }
    legacy_modules.remove(&canonical);
    // Aliases alone (`gettext as _`) are no fragmentation: one path, one definition.
    let legacy_imports = definitions
        .iter()
        .flat_map(|d| &d.paths)
        .any(|p| p.role == Role::Legacy && p.imports > 0);
    if !legacy_imports && defs.len() == 1 {
        return None;
    }
    Some(Proposal {
        qualified: format!("{canonical}.{name}"),
        name: name.clone(),
        is_class: main.is_class,
        definitions,
        legacy_modules: legacy_modules.into_iter().collect(),
        legacy_names: legacy_names.into_iter().collect(),
        imports,
        aliased,
        changes,
        star_imports: 0,
        unrelated: Vec::new(),
    })
}
