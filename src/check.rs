//! What a file is checked with before parsing, shared by every command of the
//! [`crate::driver`] loop: one prefilter and reducer per settings, the one decision
//! whether a text may take them (`fast_path`), and the reduced lint (`lint_reduced`).
//! `check`'s own sink is [`crate::driver::check_paths_with`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::config::Settings;
use crate::lint::{lint_text, lint_with, LintOptions};
use crate::prefilter::{body_needles, Prefilter};
use crate::python::recognize::certainly_valid;
use crate::python::scan::Token;
use crate::python::ChunkVerdicts;
use crate::reduce::{Reduced, Reducer};

/// What a file is checked with before parsing: may it match at all, and which bodies
/// can be blanked (`None`: none). Both are built for the selection without SSOT000;
/// [`fast_path`] says whether a text may use them.
pub(crate) struct Filters {
    pub(crate) prefilter: Prefilter,
    pub(crate) reducer: Option<Reducer>,
    /// SSOT000 is enabled: syntax errors can be anywhere in a text.
    syntax_errors: bool,
}

/// May `text` skip parsing work (the prefilter's skip, the reducer's blanks)? Only when
/// no enabled rule needs every byte parsed: SSOT000 reports syntax errors anywhere, so
/// with it on a text is parsed whole unless it is known to parse without error (the one
/// place that asks: [`parses_cleanly`]).
pub(crate) fn fast_path(filters: &Filters, text: &str) -> bool {
    !filters.syntax_errors || parses_cleanly(text, &crate::python::scan::tokenize(text))
}

/// Does `text` (lexed as `tokens`) parse without a syntax error, chunk by chunk as
/// [`crate::python::analyze`] parses it? The recognizer says so cheaply for most texts.
/// Where it is unsure of the text (about 1 % of the stdlib's files, and 2 % of its bytes),
/// each chunk is asked on its own, and a class or function chunk member by member in
/// its wrapper, as `analyze` parses them: a piece the recognizer accepts is not parsed,
/// the others are parsed by tree-sitter alone, so a big test class with one odd
/// statement costs the parse of that statement's method, not of the file. Chunks and
/// members start at statements of one level, so a text whose pieces each parse holds no
/// error on any path (`examples/recognize_diff.rs` also checks it on real files and
/// broken variants of them).
pub fn parses_cleanly(text: &str, tokens: &[Token]) -> bool {
    unsure_chunks(text, tokens)
        .iter()
        .all(|c| members_parse(&text[c.clone()]))
}

/// The chunks of `text` (lexed as `tokens`, cut as [`crate::python::analyze`] cuts it)
/// that the recognizer is unsure of: none when it accepts the whole text, else each
/// chunk it does not accept alone. The CLI's check parses those as `analyze` does and
/// reduces the rest ([`lint_mended`]).
pub fn unsure_chunks(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    verdicts(text, tokens)
        .map(|v| v.unsure_chunks())
        .unwrap_or_default()
}

/// The recognizer's verdict on each chunk of `text` (lexed as `tokens`); `None` when it
/// accepts the whole text.
pub fn verdicts(text: &str, tokens: &[Token]) -> Option<ChunkVerdicts> {
    (!certainly_valid(text, tokens)).then(|| ChunkVerdicts::of(text))
}

/// Does `chunk`, a class or function split into members (`chunks::members`), parse:
/// its header with the first statement on its own, each further member in the block's
/// wrapper? For another chunk, does it parse whole? `false` for an indented chunk.
fn members_parse(chunk: &str) -> bool {
    // A chunk that starts indented follows an indentation error (`analyze` parses it in
    // a class wrapper, where it may not fit).
    if crate::python::chunks::is_indented(chunk) {
        return false;
    }
    let Some((block, starts)) = crate::python::chunks::members(chunk) else {
        return parses(chunk);
    };
    let first = starts.first().copied().unwrap_or(chunk.len());
    piece_parses(&chunk[..first])
        && crate::python::chunks::member_ranges(&starts, chunk.len())
            .all(|r| piece_parses(&format!("{}{}", block.wrapper(), &chunk[r])))
}

/// Is `text` (a chunk or a wrapped member) recognized, or parsed without error?
fn piece_parses(text: &str) -> bool {
    certainly_valid(text, &crate::python::scan::tokenize(text)) || parses(text)
}

/// One tree-sitter parse of `text`, without fact extraction: no error?
fn parses(text: &str) -> bool {
    !crate::python::parse(text).root_node().has_error()
}

/// One prefilter and reducer per distinct settings (config file) in the run.
#[derive(Default)]
pub(crate) struct Prefilters {
    /// Off: every text is parsed whole (`--no-fast-path`).
    pub(crate) reduce: bool,
    /// Also keep what the report's metrics read ([`crate::report::metrics::metric_needles`]).
    metrics: bool,
    by_settings: Mutex<HashMap<usize, Arc<Filters>>>,
}

impl Prefilters {
    pub(crate) fn new(reduce: bool, metrics: bool) -> Prefilters {
        Prefilters {
            reduce,
            metrics,
            by_settings: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn get(&self, settings: &Arc<Settings>, options: &LintOptions) -> Arc<Filters> {
        let key = Arc::as_ptr(settings) as usize;
        if let Some(found) = self
            .by_settings
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let mut selection = options.selection(settings);
        let syntax_errors = selection.is_enabled(crate::rules::registry::Rule::InvalidSyntax);
        selection.ignore.push(
            crate::rules::registry::Rule::InvalidSyntax
                .code()
                .to_string(),
        );
        let extra = if self.metrics {
            crate::report::metrics::metric_needles(settings)
        } else {
            Vec::new()
        };
        let reducer = if self.reduce {
            body_needles(settings, &selection).map(|mut needles| {
                // Metrics read imports at any depth, which `imports` keeps whatever names
                // they hold, and calls of factory methods. A canonical name elsewhere in
                // a body is not read: it keeps nothing here (the prefilter still uses it).
                if self.metrics {
                    needles.imports = true;
                    needles.exact.extend(
                        settings
                            .factories
                            .iter()
                            .flat_map(|f| f.methods.iter().cloned()),
                    );
                }
                Reducer::new(&needles)
            })
        } else {
            None
        };
        let filter = Arc::new(Filters {
            prefilter: Prefilter::with_extra(settings, &selection, &extra),
            reducer,
            syntax_errors,
        });
        if let Ok(mut map) = self.by_settings.lock() {
            map.insert(key, filter.clone());
        }
        filter
    }
}

/// Lint `text` through the fast path, lexing it once: a text the prefilter rules out
/// is not parsed (`None`) unless it holds a syntax error SSOT000 reports; a text the
/// recognizer accepts goes through the reducer on the same tokens; one with chunks it
/// is unsure of through [`lint_mended`].
pub(crate) fn lint_fast(
    filters: &Filters,
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
) -> Option<crate::lint::Linted> {
    let mut tokens = None;
    let mut judged = None;
    if filters.syntax_errors {
        let lexed = crate::python::scan::tokenize(&text);
        judged = Some(verdicts(&text, &lexed));
        tokens = Some(lexed);
    }
    let clean = |judged: &Option<ChunkVerdicts>| {
        judged.as_ref().is_none_or(|v| {
            v.unsure_chunks()
                .iter()
                .all(|c| members_parse(&text[c.clone()]))
        })
    };
    if !filters.prefilter.may_match(&text) && judged.as_ref().is_none_or(clean) {
        return None;
    }
    let Some(reducer) = &filters.reducer else {
        return Some(lint_text(path, text, settings, options));
    };
    let tokens = tokens.unwrap_or_else(|| crate::python::scan::tokenize(&text));
    if let Some(judged) = judged.unwrap_or_else(|| verdicts(&text, &tokens)) {
        if judged.unsure.contains(&true) {
            return Some(lint_mended(reducer, path, text, judged, settings, options));
        }
        settings.modules.lend(path, &text, judged, Vec::new());
    }
    let reduced = reducer.reduce_tokens(&text, &tokens);
    drop(tokens);
    Some(lint_reduced(path, text, settings, options, reduced))
}

/// Lint `text`, with the chunks the recognizer is unsure of
/// (`judged`, [`unsure_chunks`]) analysed as [`crate::python::analyze`] does (every chunk is parsed
/// on its own, so a syntax error's recovery is its chunk's alone), and the rest reduced
/// like a valid text with those chunks blanked out (blanking keeps every line break), by
/// a reducer that does not miss what they held ([`Reducer::around_chunks`]). A big file
/// with one broken or odd statement was parsed whole; now only a text the reducer
/// refuses even so (CR-only line ends, aliases of aliases) is. Equal to [`lint_text`]:
/// the `source` fuzz target checks it on any text (`tests/fuzz_regressions.rs`).
pub(crate) fn lint_mended(
    reducer: &Reducer,
    path: &Path,
    text: String,
    judged: ChunkVerdicts,
    settings: &Settings,
    options: &LintOptions,
) -> crate::lint::Linted {
    let module = crate::python::modules::module_of(path, &settings.src);
    let mut masked = text.clone().into_bytes();
    let mut aliases = Vec::new();
    let mut given = Vec::new();
    let mut starts = Vec::new();
    let mut defined = Vec::new();
    for chunk in judged.unsure_chunks() {
        for b in &mut masked[chunk.clone()] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        let facts = crate::python::analyze_chunk(&text[chunk.clone()], module.as_ref());
        defined.push(crate::project::defined_of(&facts, &text[chunk.clone()]));
        for import in &facts.imports {
            for name in &import.names {
                if let Some((alias, _)) = &name.alias {
                    if !aliases.iter().any(|a| a == alias.as_str()) {
                        aliases.push(alias.to_string());
                    }
                }
            }
        }
        given.push((chunk.start, facts));
        starts.extend([chunk.start, chunk.end]);
    }
    // A rule that resolves a name through this module reads it again.
    settings.modules.lend(path, &text, judged, defined);
    let whole = || lint_text(path, text.clone(), settings, options);
    let Ok(masked) = String::from_utf8(masked) else {
        return whole();
    };
    let reducer = reducer.around_chunks(aliases);
    let Some(reduced) = reducer.reduce(&masked) else {
        return whole();
    };
    let given_errors: usize = given.iter().map(|(_, f)| f.syntax_errors.len()).sum();
    starts.extend(reduced.chunks.iter().copied());
    starts.retain(|&s| s > 0 && s < masked.len());
    starts.sort_unstable();
    starts.dedup();
    let Some(mut facts) = crate::python::analyze_included_with(
        &reduced.text,
        module.as_ref(),
        &reduced.included,
        &starts,
        given,
    ) else {
        return whole();
    };
    // The reduced chunks must parse as cleanly as they did alone.
    if facts.syntax_errors.len() != given_errors {
        return whole();
    }
    // Comments chunk by chunk, as `analyze` takes them: the unsure chunks' own (in their
    // facts), the rest's from the masked text. The whole text's tokens can differ: a
    // string left open in an unsure chunk swallows the `# noqa` of the chunks below.
    facts.comments.extend(reduced.comments);
    facts.comments.sort_by_key(|c| c.range.start);
    crate::lint::lint_with(path, text, settings, options, |_, _| facts)
}

/// Lint `text` as `reduced` (the bodies no rule reads blanked, and not even lexed). The
/// report keeps the original text (offsets are the same). When the reduced text does not
/// parse cleanly, or the reducer was unsure (`None`), the original is linted instead, so
/// tree-sitter's error recovery sees what it always saw.
pub(crate) fn lint_reduced(
    path: &Path,
    text: String,
    settings: &Settings,
    options: &LintOptions,
    reduced: Option<Reduced>,
) -> crate::lint::Linted {
    let Some(Reduced {
        text: reduced,
        included,
        chunks,
        comments,
    }) = reduced
    else {
        return lint_text(path, text, settings, options);
    };
    let mut linted = lint_with(path, reduced, settings, options, |t, module| {
        let mut facts = crate::python::analyze_included(t, module, &included, &chunks)
            .unwrap_or_else(|| crate::python::analyze(t, module));
        // Comment-only lines were left out of the parse; the scanner has every comment.
        facts.comments = comments;
        facts
    });
    if linted.facts.has_syntax_errors() {
        return lint_text(path, text, settings, options);
    }
    // Blanking kept every line break in place: the reduced text's line index is the text's.
    linted.source = linted.source.with_text(text);
    linted
}
