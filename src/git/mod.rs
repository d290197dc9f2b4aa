//! Git: everything the pre-commit mode and `install-hook` need. Layers, each using only
//! those above it: `index` (our reader of `.git/index`), `repo` (discovery, paths,
//! staging), `index_files` (the index as module files), `diff` (what changed),
//! `lines` (which lines a change adds), then `hook` (the changed-lines check) and
//! `install` (`install-hook`).

pub mod diff;
pub mod hook;
pub mod index;
pub mod index_files;
pub mod install;
pub mod lines;
pub mod repo;
#[cfg(test)]
mod tests;

pub use diff::Target;
pub use hook::{
    check_changes, pre_commit_files, pre_commit_mode, relative_to, ChangeOptions, ChangesReport,
    PreCommitMode,
};
pub use index_files::IndexFiles;
pub use install::{hook_script, install_hook, Installed, HOOK_SCRIPT};
pub use lines::added_rows;
