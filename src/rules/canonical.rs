//! Which canonical symbol an imported name stands for. Both the import rules
//! (`imports.rs`, which report) and their fixes (`import_fix.rs`, which rewrite) ask
//! this, so it lives below both of them.

use crate::config::{is_module_or_submodule, CanonicalSymbol};
use crate::rules::context::FileContext;

/// Is `module` (what a `from` statement of this file names) a first-party module that no
/// file provides? The same test as SSOT005's.
pub(crate) fn is_missing_module(ctx: &FileContext, level: usize, module: &str) -> bool {
    let settings = ctx.settings;
    let modules = &settings.modules;
    // First-party means "under the source roots": a file outside them (checked from
    // another directory without a config) says nothing about this project's modules.
    if !ctx.is_under_src() {
        return false;
    }
    // Relative imports of a file outside the source roots resolve to nothing reliable.
    if level > 0 && ctx.module.is_none() {
        return false;
    }
    // A configured legacy module is already reported by SSOT001/SSOT003.
    let known_legacy = settings.legacy_module_for(module).is_some()
        || settings
            .canonical
            .iter()
            .any(|s| s.legacy_modules.iter().any(|m| m == module));
    modules.is_first_party(module) && !known_legacy && modules.locate(module).is_none()
}

/// Where the fix of a flagged `from` name sends it: the canonical symbol that `name`
/// imported from `module` stands for, through a shim or from a missing module.
pub(crate) fn canonical_target<'a>(
    ctx: &'a FileContext,
    level: usize,
    module: &str,
    name: &str,
) -> Option<&'a CanonicalSymbol> {
    let mut candidates = ctx.settings.canonical_for_name(name);
    candidates
        .find(|s| is_fragmented(ctx, module, name, s))
        .or_else(|| {
            let mut all = ctx.settings.canonical_for_name(name);
            let first = all.next()?;
            (first.module != module
                && all.all(|s| s.module != module)
                && is_missing_module(ctx, level, module))
            .then_some(first)
        })
}

/// Does `name` imported from `module` stand for `symbol` through a legacy module, a shim
/// or a re-export (or, in the canonical module itself, a backwards-compatible alias)?
pub(crate) fn is_fragmented(
    ctx: &FileContext,
    module: &str,
    name: &str,
    symbol: &CanonicalSymbol,
) -> bool {
    let renamed = name != symbol.name;
    if module == symbol.module {
        // A backwards-compatible alias kept in the canonical module itself.
        return renamed;
    }
    symbol.legacy_modules.iter().any(|m| m == module)
        || ctx.settings.legacy_module_for(module).is_some()
        || is_module_or_submodule(&symbol.module, module)
        || ctx
            .settings
            .modules
            .reexports(module, name, &symbol.qualified)
        || (renamed
            && ctx
                .settings
                .modules
                .reexports(module, name, &format!("{}.{}", symbol.module, name)))
}
