//! What the measuring examples share: the `.py` files under a directory, without the
//! walker's ignore rules (a copied corpus may carry a `.gitignore`).

use std::path::{Path, PathBuf};

/// Appends every `.py` file under `dir` to `out`.
pub fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "py") {
                out.push(path);
            }
        }
    }
}

/// The file's text, or `None` when it cannot be read or is not UTF-8 (skipped).
pub fn read_text(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}
