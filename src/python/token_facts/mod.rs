//! Facts of a chunk read off its kept text, without tree-sitter. Most chunks a reduced
//! file keeps have a few plain shapes (one import statement; one definition whose body
//! the reducer blanked); lexing them costs tens of instructions a byte, tree-sitter's
//! parse and the facts walk about a thousand.
//!
//! **Invariant:** where [`chunk_facts`] answers, its answer equals `Facts::extract` of
//! tree-sitter's parse of the same ranges; where it is not sure, it answers `None` and
//! the chunk is parsed. `python::compare_token_facts` checks this on real files
//! (`examples/token_facts_diff.rs`).

mod definitions;
mod imports;

use super::model::Facts;
use super::modules::ModuleName;

/// The facts of `text` (one chunk of a reduced file) restricted to `ranges`, when its
/// kept text has a shape read here; `None` otherwise.
pub(crate) fn chunk_facts(
    text: &str,
    ranges: &[tree_sitter::Range],
    module: Option<&ModuleName>,
) -> Option<Facts> {
    definitions::facts(text, ranges, module)
}

/// Where the definitions reader stops on a chunk it does not read (a guide for
/// `examples/token_facts_diff.rs --why`): the tokens around; `None` when it reads it.
pub fn stuck_at(
    text: &str,
    ranges: &[tree_sitter::Range],
    module: Option<&ModuleName>,
) -> Option<String> {
    definitions::stuck_at(text, ranges, module)
}

/// One chunk where [`chunk_facts`] and tree-sitter disagree (`python::compare_token_facts`): its text (kept ranges
/// only) and both facts in `Debug` form.
pub struct Mismatch {
    pub kept: String,
    pub read: String,
    pub parsed: String,
}
