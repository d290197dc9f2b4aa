//! The one lexical scanner of the front end: an exact, error-tolerant Python tokenizer
//! modelled on CPython 3.12's `tokenize` (so `python3.12 -m tokenize` is its oracle:
//! `scripts/scan_oracle.py`).
//!
//! Why: the chunker, the reducer and the syntax recognizer each need to know where
//! strings, comments, brackets and logical lines are. One scanner, tested against
//! CPython, replaces their private lexers, so they cannot disagree.
//!
//! Contract (shared with the syntax recognizer): [`tokenize`] never panics, never
//! recurses (f-string nesting is an explicit stack), and always ends with
//! [`Tok::EndMarker`]. Tokens are in text order; offsets are bytes into the text.
//!
//! Known differences from `tokenize` (documented, checked by the oracle script):
//! - `Indent` is zero-width at the first token of the line (CPython's spans the
//!   indentation whitespace).
//! - Literal text of an f-string is one `FStringMiddle` per run between replacement
//!   fields, `{{`/`}}` included (CPython splits it at doubled braces).
//! - Any non-ASCII character is an identifier character (CPython rejects a few, such as
//!   U+00A0).
//! - Where CPython raises an error, we emit [`Tok::Error`] and go on.
//!
//! The parts: `token` (the token type), `words` (what a name is, an operator's packed
//! text: set on each token by the lexer), `lexer` ([`tokenize`]), `lines` (logical
//! lines, their kinds, comments and strings) and `context` (the block stack around each
//! line).

mod context;
mod lexer;
mod lines;
mod token;
pub(crate) mod words;

pub use context::{contexts, Context};
pub use lexer::tokenize;
pub use lines::{comments, logical_lines, strings, LineKind, LogicalLine};
pub use token::{Tok, Token};

#[cfg(test)]
mod tests;
