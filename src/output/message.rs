//! What every output format prints from: one [`Message`] per diagnostic, and paths as
//! users see them ([`display_path`], also used by warnings and reports outside `output`).

use std::path::Path;

use crate::diagnostic::{Diagnostic, FileReport};
use crate::source::{Location, SourceText};

/// One diagnostic with what every format needs to print it.
pub struct Message<'a> {
    pub path: &'a Path,
    pub source: &'a SourceText,
    pub diagnostic: &'a Diagnostic,
    pub start: Location,
    pub end: Location,
}

/// Every diagnostic of every file, in path then position order.
pub fn messages(files: &[FileReport]) -> Vec<Message<'_>> {
    files
        .iter()
        .flat_map(|f| {
            f.diagnostics.iter().map(move |d| Message {
                path: &f.path,
                source: &f.source,
                diagnostic: d,
                start: f.source.location(d.range.start),
                end: f.source.location(d.range.end),
            })
        })
        .collect()
}

/// Path as shown to users: `/` separators, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut rest = s.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}
