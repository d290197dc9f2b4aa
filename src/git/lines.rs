//! Which lines a change adds: our own line diff, rows counted as
//! [`crate::source::SourceText`] counts them.

use std::collections::HashSet;

/// Rows (1-based) of `new` that a line diff from `old` adds. Lines end at LF, CRLF or
/// a lone CR, as [`crate::source::SourceText`] counts rows (git's own diff counts LF
/// only, so a CR-only file would be one long line to it), and are compared without
/// their line ends (an autocrlf checkout does not make every line "added").
///
/// Memory: each line is held as a 64-bit hash (no hunk text, no copies), and the
/// common head and tail are cut before Myers runs, so its work arrays cover only the
/// changed middle. Two different lines with equal hashes at matching places would
/// hide a change; at 64 bits that is not a practical concern.
pub fn added_rows(old: &[u8], new: &[u8]) -> HashSet<usize> {
    let old_lines = line_hashes(old);
    let new_lines = line_hashes(new);
    let head = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let tail = old_lines[head..]
        .iter()
        .rev()
        .zip(new_lines[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old_lines[head..old_lines.len() - tail];
    let new_mid = &new_lines[head..new_lines.len() - tail];
    // A pathological diff falls back to a coarser (still complete) answer in time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        old_mid,
        new_mid,
        Some(deadline),
    );
    let mut rows = HashSet::new();
    for op in ops {
        if let similar::DiffOp::Insert {
            new_index, new_len, ..
        }
        | similar::DiffOp::Replace {
            new_index, new_len, ..
        } = op
        {
            rows.extend(head + new_index + 1..=head + new_index + new_len);
        }
    }
    rows
}

/// A hash of each line, without its line end; a final line end starts no further line.
fn line_hashes(text: &[u8]) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut ends = memchr::memchr2_iter(b'\n', b'\r', text).peekable();
    while let Some(i) = ends.next() {
        lines.push(hasher.hash_one(&text[start..i]));
        start = i + 1;
        if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
            ends.next();
            start = i + 2;
        }
    }
    if start < text.len() {
        lines.push(hasher.hash_one(&text[start..]));
    }
    lines
}
