//! What linting one file asked of the project's module index, recorded per thread for
//! the duration of one lint ([`record_dependencies`]): the check cache reuses a result
//! only while these still hold. The one thread-local besides the parser.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::files::ModuleLocation;

/// What linting one file asked of the project: the modules it looked up (and where they
/// were found) and the module files it read. The check cache reuses a file's result
/// only while these still hold.
#[derive(Debug, Default)]
pub struct Dependencies {
    pub modules: BTreeMap<String, Option<ModuleLocation>>,
    pub files: BTreeSet<PathBuf>,
}

thread_local! {
    static RECORDING: RefCell<Option<Dependencies>> = const { RefCell::new(None) };
}

/// Run `f` (a lint on this thread) and return what it asked of any module index.
pub fn record_dependencies<T>(f: impl FnOnce() -> T) -> (T, Dependencies) {
    let outer = RECORDING.with(|r| r.borrow_mut().replace(Dependencies::default()));
    let value = f();
    let deps = RECORDING.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    (value, deps.unwrap_or_default())
}

pub(super) fn note(f: impl FnOnce(&mut Dependencies)) {
    RECORDING.with(|r| {
        if let Some(deps) = r.borrow_mut().as_mut() {
            f(deps);
        }
    });
}

pub(super) fn is_recording() -> bool {
    RECORDING.with(|r| r.borrow().is_some())
}
