//! The project's module index: which first-party modules exist and what names a module
//! re-exports. Lookups are lazy and memoised, so cost follows what the checked files
//! import, not the size of the repository (the pre-commit bar depends on that).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::python;

mod bindings;
mod dependencies;
mod files;

use bindings::{
    bindings_of, class_name, defines_class, definitions_of, module_level_facts, top_level_imports,
    Bindings,
};
pub use bindings::{defined_of, DefinedNames, ImportedNames};
use dependencies::{is_recording, note};
pub use dependencies::{record_dependencies, Dependencies};
pub use files::{FsFiles, ModuleFiles, ModuleLocation};

pub struct ModuleIndex {
    roots: Vec<PathBuf>,
    explicit_first_party: Option<Vec<String>>,
    files: Arc<dyn ModuleFiles>,
    first_party: OnceLock<HashSet<String>>,
    located: Mutex<HashMap<String, Option<ModuleLocation>>>,
    imported: Mutex<HashMap<String, Bindings>>,
    defined: Mutex<HashMap<String, Arc<DefinedNames>>>,
    /// Class summaries, each with whether it was found where it is named.
    classes: Mutex<HashMap<String, (Option<ClassSummary>, bool)>>,
    /// The module file `read_class` read last, chunked: the classes of one module are
    /// summarised one after another, and reading and chunking the file per class made a
    /// big module's check quadratic (issue 11). One entry keeps memory bounded.
    last_read: Mutex<Option<Arc<ChunkedFile>>>,
    /// Texts the CLI's check found the recognizer unsure of, chunked, with its verdict on
    /// each chunk ([`ModuleIndex::lend`]): a rule that resolves a name through the linted
    /// module read it again, chunk by chunk, and asked the recognizer again (on a big
    /// module, a third of its check). The newest few, to bound memory.
    lent: Mutex<Vec<Arc<ChunkedFile>>>,
    /// Did the recognizer accept the module's text: learnt by whichever of
    /// `defined_names` and `bindings` reads the module first, so the other does not run
    /// it again.
    valid: Mutex<HashMap<String, bool>>,
}

/// A module file's text, its top-level chunks and where each class is defined.
struct ChunkedFile {
    path: PathBuf,
    /// Shared with the server's open document when it is one ([`ModuleFiles::read_shared`]).
    text: Arc<crate::source::SourceText>,
    chunks: Vec<std::ops::Range<usize>>,
    /// Class name → the first chunk that defines it (`defines_class`).
    classes: HashMap<String, usize>,
    /// What its top-level imports bind, read once for all its classes' bases: a big
    /// module's thousands of import chunks were parsed again for every class asked.
    imports: std::sync::OnceLock<ImportedNames>,
    /// The recognizer's verdicts on its chunks, when the CLI's check lent them, with
    /// what each chunk it is unsure of defines, as the check parsed it.
    lent: Option<(python::ChunkVerdicts, Vec<DefinedNames>)>,
}

/// How many lent texts the index keeps: about one per thread linting.
const LENT: usize = 4;

impl ChunkedFile {
    fn new(path: PathBuf, text: Arc<crate::source::SourceText>) -> ChunkedFile {
        let chunks = python::chunks::chunks(text.text()).collect();
        ChunkedFile::with_chunks(path, text, chunks, None)
    }

    fn with_chunks(
        path: PathBuf,
        text: Arc<crate::source::SourceText>,
        chunks: Vec<std::ops::Range<usize>>,
        lent: Option<(python::ChunkVerdicts, Vec<DefinedNames>)>,
    ) -> ChunkedFile {
        let mut classes = HashMap::new();
        for (i, range) in chunks.iter().enumerate() {
            let chunk = text.text().get(range.clone()).unwrap_or("");
            if let Some(name) = class_name(chunk) {
                classes.entry(name.to_string()).or_insert(i);
            }
        }
        ChunkedFile {
            path,
            text,
            chunks,
            classes,
            imports: std::sync::OnceLock::new(),
            lent,
        }
    }

    fn chunk(&self, i: usize) -> &str {
        self.chunks
            .get(i)
            .and_then(|r| self.text.text().get(r.clone()))
            .unwrap_or("")
    }

    /// The first chunk that defines class `name`: looked up by name, else (a name that
    /// is not an identifier) searched as before.
    fn defining(&self, name: &str) -> Option<&str> {
        if let Some(&i) = self.classes.get(name) {
            return Some(self.chunk(i));
        }
        (0..self.chunks.len())
            .map(|i| self.chunk(i))
            .find(|c| !c.is_empty() && defines_class(c, name))
    }
}

/// A module-level class, for the singleton rules: its own state and its bases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSummary {
    pub state: python::defs::ClassState,
    /// Bases as qualified names (through the module's imports and definitions;
    /// subscripts dropped: `IO[str]` → `typing.IO`); as written when unresolved.
    pub bases: Vec<String>,
}

impl fmt::Debug for ModuleIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModuleIndex")
            .field("roots", &self.roots)
            .finish()
    }
}

impl Default for ModuleIndex {
    fn default() -> Self {
        ModuleIndex::new(Vec::new(), None, Arc::new(FsFiles))
    }
}

impl ModuleIndex {
    pub fn new(
        roots: Vec<PathBuf>,
        explicit_first_party: Option<Vec<String>>,
        files: Arc<dyn ModuleFiles>,
    ) -> ModuleIndex {
        ModuleIndex {
            roots,
            explicit_first_party,
            files,
            first_party: OnceLock::new(),
            located: Mutex::new(HashMap::new()),
            imported: Mutex::new(HashMap::new()),
            defined: Mutex::new(HashMap::new()),
            classes: Mutex::new(HashMap::new()),
            last_read: Mutex::new(None),
            lent: Mutex::new(Vec::new()),
            valid: Mutex::new(HashMap::new()),
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Top-level first-party names: configured, or the packages and modules found
    /// directly under the source roots.
    pub fn first_party(&self) -> &HashSet<String> {
        self.first_party.get_or_init(|| {
            if let Some(explicit) = &self.explicit_first_party {
                return explicit.iter().cloned().collect();
            }
            let mut names = HashSet::new();
            for root in &self.roots {
                for (name, is_dir) in self.files.list(root) {
                    if is_dir {
                        if python::modules::is_identifier(&name) && name != "__pycache__" {
                            names.insert(name);
                        }
                    } else if let Some(stem) = name
                        .strip_suffix(".py")
                        .or_else(|| name.strip_suffix(".pyi"))
                    {
                        if python::modules::is_identifier(stem) && stem != "__init__" {
                            names.insert(stem.to_string());
                        }
                    }
                }
            }
            names
        })
    }

    pub fn is_first_party(&self, module: &str) -> bool {
        let top = module.split('.').next().unwrap_or(module);
        self.first_party().contains(top)
    }

    /// Find the file or namespace directory that provides `module`.
    pub fn locate(&self, module: &str) -> Option<ModuleLocation> {
        let cached = self
            .located
            .lock()
            .ok()
            .and_then(|c| c.get(module).cloned());
        let found = match cached {
            Some(found) => found,
            None => {
                let found = self.search(module);
                if let Ok(mut cache) = self.located.lock() {
                    cache.insert(module.to_string(), found.clone());
                }
                found
            }
        };
        note(|d| {
            d.modules.insert(module.to_string(), found.clone());
        });
        found
    }

    /// Record that the current lint depends on the file of `module` (its content).
    fn note_read(&self, module: &str) {
        if is_recording() {
            if let Some(ModuleLocation::File(path)) = self.locate(module) {
                note(|d| {
                    d.files.insert(path);
                });
            }
        }
    }

    fn search(&self, module: &str) -> Option<ModuleLocation> {
        let rel: PathBuf = module.split('.').collect();
        let mut namespace = None;
        for root in &self.roots {
            let base = root.join(&rel);
            for candidate in [
                base.with_extension("py"),
                base.with_extension("pyi"),
                base.join("__init__.py"),
                base.join("__init__.pyi"),
            ] {
                if self.files.is_file(&candidate) {
                    return Some(ModuleLocation::File(candidate));
                }
            }
            if namespace.is_none() && self.files.is_dir(&base) {
                namespace = Some(ModuleLocation::Namespace(base.clone()));
            }
            if let Some(ext) = self.extension_module(&base) {
                return Some(ModuleLocation::File(ext));
            }
        }
        namespace
    }

    /// A compiled extension (`name.cpython-311-x86_64-linux-gnu.so`, `name.pyd`).
    fn extension_module(&self, base: &Path) -> Option<PathBuf> {
        let dir = base.parent()?;
        let stem = base.file_name()?.to_str()?;
        let prefix = format!("{stem}.");
        self.files
            .list(dir)
            .into_iter()
            .find(|(name, is_dir)| {
                !is_dir
                    && name.starts_with(&prefix)
                    && (name.ends_with(".so") || name.ends_with(".pyd"))
            })
            .map(|(name, _)| dir.join(name))
    }

    /// Names a module binds through its own import statements (what it re-exports).
    pub fn imported_names(&self, module: &str) -> Arc<ImportedNames> {
        self.bindings(module).imported
    }

    fn bindings(&self, module: &str) -> Bindings {
        self.note_read(module);
        if let Some(found) = self
            .imported
            .lock()
            .ok()
            .and_then(|c| c.get(module).cloned())
        {
            return found;
        }
        let bindings = self.read_bindings(module);
        if let Ok(mut cache) = self.imported.lock() {
            cache.insert(module.to_string(), bindings.clone());
        }
        bindings
    }

    fn read_bindings(&self, module: &str) -> Bindings {
        let Some(ModuleLocation::File(path)) = self.locate(module) else {
            return Bindings::default();
        };
        let name = python::ModuleName {
            name: module.to_string(),
            is_package: path.file_stem().is_some_and(|s| s == "__init__"),
        };
        if let Some(file) = self.lent(&path) {
            let text = file.text.text();
            let verdicts = file.lent.as_ref().map(|(v, _)| v);
            let (facts, _) = module_level_facts(text, &name, Some(false), verdicts);
            self.learn_validity(module, false);
            return bindings_of(&facts, text);
        }
        let Some(text) = self.files.read(&path) else {
            return Bindings::default();
        };
        let (facts, valid) = module_level_facts(&text, &name, self.validity(module), None);
        self.learn_validity(module, valid);
        bindings_of(&facts, &text)
    }

    fn validity(&self, module: &str) -> Option<bool> {
        self.valid.lock().ok().and_then(|v| v.get(module).copied())
    }

    fn learn_validity(&self, module: &str, valid: bool) {
        if let Ok(mut cache) = self.valid.lock() {
            cache.insert(module.to_string(), valid);
        }
    }

    /// Drop what is memoised about `module` (its location, bindings and definitions)
    /// and every class summary (one follows re-exports through other modules): the
    /// server's editor overlay changed the module's text.
    pub fn forget(&self, module: &str) {
        if let Ok(mut cache) = self.located.lock() {
            cache.remove(module);
        }
        if let Ok(mut cache) = self.imported.lock() {
            cache.remove(module);
        }
        if let Ok(mut cache) = self.defined.lock() {
            cache.remove(module);
        }
        if let Ok(mut cache) = self.classes.lock() {
            cache.clear();
        }
        if let Ok(mut last) = self.last_read.lock() {
            *last = None;
        }
        if let Ok(mut cache) = self.valid.lock() {
            cache.remove(module);
        }
        if let Ok(mut lent) = self.lent.lock() {
            lent.clear();
        }
    }

    /// Memoise `module`'s bindings and definitions from `facts`, already extracted from
    /// its `text` (the server's open document, whose facts equal `python::analyze`'s for
    /// its module name), so its importers are re-linted without parsing it again.
    pub fn prime(&self, module: &str, facts: &python::Facts, text: &str) {
        if let Ok(mut cache) = self.imported.lock() {
            cache.insert(module.to_string(), bindings_of(facts, text));
        }
        if let Ok(mut cache) = self.defined.lock() {
            cache.insert(module.to_string(), Arc::new(defined_of(facts, text)));
        }
    }

    /// The modules `module` star-imports at module level.
    pub fn star_imports(&self, module: &str) -> Arc<Vec<String>> {
        self.bindings(module).stars
    }

    /// Does `module` make `name` available by importing `target` (`pkg.mod.Name`),
    /// directly or through other first-party re-exports, by import or by assignment?
    /// A cycle of shims re-exports nothing.
    pub fn reexports(&self, module: &str, name: &str, target: &str) -> bool {
        let mut current = (module.to_string(), name.to_string());
        let mut seen = HashSet::new();
        for _ in 0..8 {
            if !seen.insert(current.clone()) || !self.is_first_party(&current.0) {
                return false;
            }
            let bindings = self.bindings(&current.0);
            let Some(source) = bindings
                .imported
                .get(&current.1)
                .or_else(|| bindings.assigned.get(&current.1))
                .cloned()
            else {
                return false;
            };
            if source == target {
                return true;
            }
            let Some((m, n)) = source.rsplit_once('.') else {
                return false;
            };
            current = (m.to_string(), n.to_string());
        }
        false
    }

    /// Keep the CLI's chunks of a text the recognizer does not accept whole, with its
    /// verdict on each and what each chunk it is unsure of defines (`check::lint_fast`),
    /// for when a rule resolves a name through the linted module. Used only while the
    /// module's file still reads as `text`.
    pub fn lend(
        &self,
        path: &Path,
        text: &str,
        verdicts: python::ChunkVerdicts,
        unsure_defined: Vec<DefinedNames>,
    ) {
        let file = ChunkedFile::with_chunks(
            path.to_path_buf(),
            Arc::new(crate::source::SourceText::new(text.to_string())),
            verdicts.chunks.clone(),
            Some((verdicts, unsure_defined)),
        );
        if let Ok(mut lent) = self.lent.lock() {
            lent.retain(|f| f.path != path);
            if lent.len() == LENT {
                lent.remove(0);
            }
            lent.push(Arc::new(file));
        }
    }

    /// The lent chunks of the module file at `path`, if its text is the lent one.
    fn lent(&self, path: &Path) -> Option<Arc<ChunkedFile>> {
        let file = self
            .lent
            .lock()
            .ok()?
            .iter()
            .find(|f| f.path == path)
            .cloned()?;
        let text = self.files.read_shared(path)?;
        (text.text() == file.text.text()).then_some(file)
    }

    /// Module-level class and function definitions of a first-party module.
    pub fn defined_names(&self, module: &str) -> Arc<DefinedNames> {
        self.note_read(module);
        if let Some(found) = self
            .defined
            .lock()
            .ok()
            .and_then(|c| c.get(module).cloned())
        {
            return found;
        }
        let mut names = DefinedNames::new();
        if let Some(ModuleLocation::File(path)) = self.locate(module) {
            if let Some(file) = self.lent(&path) {
                let lent = file.lent.as_ref().map(|(v, d)| (v, d.as_slice()));
                (names, _) = definitions_of(file.text.text(), Some(false), lent);
                self.learn_validity(module, false);
            } else if let Some(text) = self.files.read(&path) {
                let valid;
                (names, valid) = definitions_of(&text, self.validity(module), None);
                self.learn_validity(module, valid);
            }
        }
        let names = Arc::new(names);
        if let Ok(mut cache) = self.defined.lock() {
            cache.insert(module.to_string(), names.clone());
        }
        names
    }

    /// The summary of the first-party class `pkg.mod.Name` (re-exports followed), read
    /// from the module's file as the backend holds it; `None` when it is not found.
    pub fn class_summary(&self, qualified: &str) -> Option<ClassSummary> {
        let memoised = self
            .classes
            .lock()
            .ok()
            .and_then(|c| c.get(qualified).cloned());
        let (summary, direct) = match memoised {
            Some(found) => found,
            None => {
                let found = self.read_summary(qualified);
                if let Ok(mut cache) = self.classes.lock() {
                    cache.insert(qualified.to_string(), found.clone());
                }
                found
            }
        };
        if is_recording() {
            // The files a summary is read from, also when it is memoised. A class found
            // where it is named is defined there (its module's `defined_names` holds it),
            // so re-exports were not followed: its module is the one file.
            let defining = if direct {
                qualified.to_string()
            } else {
                self.defining_name(qualified)
            };
            for q in [qualified, defining.as_str()] {
                if let Some((module, _)) = q.rsplit_once('.') {
                    self.note_read(module);
                }
            }
        }
        summary
    }

    /// The summary of `qualified`, and whether it was found where it is named (no
    /// re-export followed).
    fn read_summary(&self, qualified: &str) -> (Option<ClassSummary>, bool) {
        let read = |q: &str| {
            q.rsplit_once('.')
                .filter(|(module, _)| self.is_first_party(module))
                .and_then(|(module, name)| self.read_class(module, name))
        };
        // Defined where it is named (the common case) before re-exports are followed,
        // which reads the whole module.
        if let Some(summary) = read(qualified) {
            return (Some(summary), true);
        }
        let defining = self.defining_name(qualified);
        (
            (defining != qualified).then(|| read(&defining)).flatten(),
            false,
        )
    }

    /// Parses only the class's own top-level chunk, and the module's top-level import
    /// chunks when a base needs them: a module-level instance is judged without parsing
    /// its whole module. Bases imported inside `if`/`try` blocks stay as written.
    fn read_class(&self, module: &str, name: &str) -> Option<ClassSummary> {
        let Some(ModuleLocation::File(path)) = self.locate(module) else {
            return None;
        };
        let last = self.last_read.lock().ok().and_then(|l| l.clone());
        let file = match last.filter(|f| f.path == path) {
            Some(file) => file,
            None => {
                let file = match self.lent(&path) {
                    Some(file) => file,
                    None => Arc::new(ChunkedFile::new(
                        path.clone(),
                        self.files.read_shared(&path)?,
                    )),
                };
                if let Ok(mut last) = self.last_read.lock() {
                    *last = Some(file.clone());
                }
                file
            }
        };
        let chunk = file.defining(name)?;
        // Of a chunk the recognizer accepts, only what `class_state` reads is parsed.
        let (facts, reduced) = match crate::reduce::classes::class_state_facts(chunk) {
            Some((facts, reduced)) => (facts, std::borrow::Cow::Owned(reduced)),
            None => (
                python::analyze_chunk(chunk, None),
                std::borrow::Cow::Borrowed(chunk),
            ),
        };
        let chunk = reduced.as_ref();
        let index = facts.defs.classes.iter().position(|c| {
            c.scope == python::Scope::Module && chunk.get(c.name.range()) == Some(name)
        })?;
        let state = python::defs::class_state(&facts.defs, index, chunk);
        let mut bases = Vec::new();
        for base in &facts.defs.classes[index].bases {
            let written = chunk.get(base.range()).unwrap_or("");
            let written = written.split(['[', '(']).next().unwrap_or(written).trim();
            let (root, rest) = written.split_once('.').unwrap_or((written, ""));
            let root = if file.defining(root).is_some() {
                format!("{module}.{root}")
            } else {
                let imports = file.imports.get_or_init(|| {
                    let is_package = path.file_stem().is_some_and(|s| s == "__init__");
                    let chunks: Vec<&str> = (0..file.chunks.len()).map(|i| file.chunk(i)).collect();
                    top_level_imports(&chunks, module, is_package)
                });
                imports
                    .get(root)
                    .cloned()
                    .unwrap_or_else(|| root.to_string())
            };
            bases.push(if rest.is_empty() {
                root
            } else {
                format!("{root}.{rest}")
            });
        }
        Some(ClassSummary { state, bases })
    }

    /// Where a first-party name is really defined: `pkg.shim.Engine` → `pkg.core.Engine`
    /// when `pkg.shim` only re-exports it. Unchanged when it cannot be followed.
    pub fn defining_name(&self, qualified: &str) -> String {
        let mut current = qualified.to_string();
        for _ in 0..8 {
            let Some((module, name)) = current.rsplit_once('.') else {
                break;
            };
            if !self.is_first_party(module) || self.defined_names(module).contains_key(name) {
                break;
            }
            match self.imported_names(module).get(name) {
                Some(next) if *next != current => current = next.clone(),
                _ => break,
            }
        }
        current
    }

    /// Is the first-party `pkg.mod.Name` a class? Follows re-exports; `None` when the
    /// project cannot tell (module not found, name bound by an assignment).
    pub fn is_class(&self, qualified: &str) -> Option<bool> {
        let mut current = qualified.to_string();
        for _ in 0..8 {
            let (module, name) = current.rsplit_once('.')?;
            if !self.is_first_party(module) {
                return None;
            }
            if self.locate(module).is_none() {
                // `pkg.mod.obj.Name`: an attribute of an object, not of a module. Only
                // a class has nested classes; an object's CamelCase attribute is a method.
                return match self.is_class(module) {
                    Some(true) => None,
                    _ => Some(false),
                };
            }
            if let Some(&is_class) = self.defined_names(module).get(name) {
                return Some(is_class);
            }
            if self.locate(&current).is_some() {
                // `pkg.submodule`: a module, not a class.
                return Some(false);
            }
            let next = self.imported_names(module).get(name).cloned()?;
            if next == current {
                return None;
            }
            current = next;
        }
        None
    }
}

#[cfg(test)]
mod tests;
