//! Tests of the index reader against indexes git writes.

use super::*;
use crate::git::tests::support::{git, write};
use std::process::Command;

/// A repository with nested directories, an executable file and a symlink, committed.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "a/x.py", "x = 1\n");
    write(d, "a/sub/deep_name_that_is_long.py", "y = 2\n");
    write(d, "a/sub/deep_name_that_is_longer.py", "y = 3\n");
    write(d, "b/y.py", "y = 2\n");
    write(d, "b-c.py", "z = 3\n");
    write(d, "run.sh", "#!/bin/sh\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("run.sh"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        std::os::unix::fs::symlink("b/y.py", d.join("link.py")).expect("symlink");
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "init"]);
    tmp
}

/// Our entries must equal libgit2's reading of the same file.
fn assert_same_as_libgit2(dir: &Path) -> Index {
    let path = dir.join(".git/index");
    let ours = read_file(&path, &dir.join(".git")).expect("parses");
    let theirs = git2::Index::open(&path).expect("libgit2 reads");
    let theirs: Vec<(Vec<u8>, u32, Oid, u8)> = theirs
        .iter()
        .map(|e| (e.path, e.mode, e.id, ((e.flags >> 12) & 3) as u8))
        .collect();
    let mine: Vec<(Vec<u8>, u32, Oid, u8)> = ours
        .entries
        .iter()
        .map(|e| (ours.path(e).to_vec(), e.mode, e.oid, e.stage))
        .collect();
    assert_eq!(mine, theirs);
    assert!(!mine.is_empty());
    ours
}

fn rev(dir: &Path, spec: &str) -> Oid {
    Oid::from_str(&git(dir, &["rev-parse", spec])).expect("oid")
}

#[test]
fn version_2_with_valid_cache_tree() {
    let tmp = repo();
    let d = tmp.path();
    git(d, &["update-index", "--index-version", "2"]);
    git(d, &["write-tree"]);
    let index = assert_same_as_libgit2(d);
    assert_eq!(index.version, 2);
    let root = index.cache_tree.expect("TREE extension");
    assert_eq!(root.valid_oid(), Some(rev(d, "HEAD^{tree}")));
    let a = root.child(b"a").expect("a");
    assert_eq!(a.valid_oid(), Some(rev(d, "HEAD:a")));
    assert_eq!(a.entry_count, Some(3));
    let sub = a.child(b"sub").expect("a/sub");
    assert_eq!(sub.valid_oid(), Some(rev(d, "HEAD:a/sub")));
    let modes: Vec<u32> = index.entries.iter().map(|e| e.mode).collect();
    assert!(modes.contains(&0o100755) && modes.contains(&0o120000));
}

#[test]
fn cache_tree_invalidated_by_git_add() {
    let tmp = repo();
    let d = tmp.path();
    write(d, "a/sub/deep_name_that_is_long.py", "y = 20\n");
    git(d, &["add", "a/sub/deep_name_that_is_long.py"]);
    let index = assert_same_as_libgit2(d);
    let root = index.cache_tree.expect("TREE extension");
    assert_eq!(root.valid_oid(), None);
    let a = root.child(b"a").expect("a");
    assert_eq!(a.valid_oid(), None);
    assert_eq!(a.child(b"sub").and_then(CacheTree::valid_oid), None);
    assert_eq!(
        root.child(b"b").and_then(CacheTree::valid_oid),
        Some(rev(d, "HEAD:b"))
    );
}

#[test]
fn version_3_with_intent_to_add() {
    let tmp = repo();
    let d = tmp.path();
    git(d, &["update-index", "--index-version", "3"]);
    write(d, "a/new.py", "n = 1\n");
    git(d, &["add", "-N", "a/new.py"]);
    let index = assert_same_as_libgit2(d);
    assert_eq!(index.version, 3);
    let new = index
        .entries
        .iter()
        .find(|e| index.path(e) == b"a/new.py")
        .expect("entry");
    assert!(new.intent_to_add);
    assert!(index.entries.iter().filter(|e| e.intent_to_add).count() == 1);
}

#[test]
fn version_4_prefix_compression() {
    let tmp = repo();
    let d = tmp.path();
    git(d, &["update-index", "--index-version", "4"]);
    write(d, "a/sub/deep_name_that_is_l.py", "q = 1\n");
    git(d, &["add", "-A"]);
    let index = assert_same_as_libgit2(d);
    assert_eq!(index.version, 4);
    let bytes = std::fs::read(d.join(".git/index")).expect("read");
    assert!(
        !bytes
            .windows(b"a/sub/deep_name_that_is_longer.py".len())
            .any(|w| w == b"a/sub/deep_name_that_is_longer.py"),
        "v4 stores the shared prefix once"
    );
}

#[test]
fn conflicted_stages() {
    let tmp = repo();
    let d = tmp.path();
    git(d, &["checkout", "-q", "-b", "side"]);
    write(d, "b/y.py", "y = 'side'\n");
    git(d, &["commit", "-q", "-am", "side"]);
    git(d, &["checkout", "-q", "main"]);
    write(d, "b/y.py", "y = 'main'\n");
    git(d, &["commit", "-q", "-am", "main"]);
    let merge = Command::new("git")
        .current_dir(d)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["merge", "-q", "side"])
        .output()
        .expect("git runs");
    assert!(!merge.status.success(), "the merge conflicts");
    let index = assert_same_as_libgit2(d);
    assert!(index.has_conflicts());
    let stages: Vec<u8> = index
        .entries
        .iter()
        .filter(|e| index.path(e) == b"b/y.py")
        .map(|e| e.stage)
        .collect();
    assert_eq!(stages, vec![1, 2, 3]);
}

/// Our entries must equal `git ls-files --stage` (libgit2 cannot read split or
/// sparse indexes).
fn assert_same_as_git_ls_files(dir: &Path, index: &Index) {
    let mine: Vec<String> = index
        .entries
        .iter()
        .map(|e| {
            format!(
                "{:06o} {} {}\t{}",
                e.mode,
                e.oid,
                e.stage,
                String::from_utf8_lossy(index.path(e))
            )
        })
        .collect();
    let theirs = git(dir, &["ls-files", "--stage", "--sparse"]);
    assert_eq!(mine.join("\n"), theirs);
}

#[test]
fn split_index_merges_deletions_replacements_and_additions() {
    let tmp = repo();
    let d = tmp.path();
    // Keep every change in the split file (git would otherwise fold it back).
    git(d, &["config", "splitIndex.maxPercentChange", "100"]);
    git(d, &["update-index", "--split-index"]);
    write(d, "a/x.py", "x = 'replaced'\n");
    write(d, "a/aa.py", "added = 1\n");
    write(d, "zz.py", "added = 2\n");
    std::fs::remove_file(d.join("b/y.py")).expect("rm");
    git(d, &["add", "-A"]);
    let bytes = std::fs::read(d.join(".git/index")).expect("read");
    assert!(bytes.windows(4).any(|w| w == b"link"), "a split index");
    let shared: Vec<_> = std::fs::read_dir(d.join(".git"))
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("sharedindex."))
        .collect();
    assert_eq!(shared.len(), 1);
    let index = read_file(&d.join(".git/index"), &d.join(".git")).expect("merged");
    assert_same_as_git_ls_files(d, &index);
    let paths: Vec<&[u8]> = index.entries.iter().map(|e| index.path(e)).collect();
    assert!(paths.contains(&&b"a/aa.py"[..]) && !paths.contains(&&b"b/y.py"[..]));
    // Truncated or flipped bytes of the split file: errors, never panics.
    let shared_index = read_one(&shared[0].path(), false).expect("shared index");
    for len in 0..bytes.len() {
        let _ = parse(&bytes[..len]);
    }
    for pos in 0..bytes.len() {
        for byte in [0x00, 0xff, 0x7f, 0x80] {
            let mut bad = bytes.clone();
            bad[pos] = byte;
            if let Ok(split) = parse(&bad) {
                if split.link.is_some() {
                    let _ = merge_split(&shared_index, &split);
                }
            }
        }
    }
    // Without its shared index the split file is an error, not a guess.
    let err = read_file(&d.join(".git/index"), d).map(|i| i.version);
    assert!(matches!(err, Err(IndexError::Io(_))), "{err:?}");
}

#[test]
fn sparse_index_keeps_directory_entries_and_expands_them() {
    let tmp = repo();
    let d = tmp.path();
    git(
        d,
        &["sparse-checkout", "set", "--cone", "--sparse-index", "a"],
    );
    let index = read_file(&d.join(".git/index"), &d.join(".git")).expect("parses");
    assert!(index.sparse);
    assert_same_as_git_ls_files(d, &index);
    let dirs: Vec<&[u8]> = index
        .entries
        .iter()
        .filter(|e| e.mode == MODE_SPARSE_DIR)
        .map(|e| index.path(e))
        .collect();
    assert_eq!(dirs, vec![&b"b/"[..]]);
    let repo = git2::Repository::open(d).expect("open");
    let full = index.expand_sparse(&repo).expect("expands");
    let paths: Vec<String> = full
        .entries
        .iter()
        .map(|e| String::from_utf8_lossy(full.path(e)).into_owned())
        .collect();
    assert_eq!(
        paths.join(" "),
        git(d, &["ls-tree", "-r", "--name-only", "HEAD"]).replace('\n', " ")
    );
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let tmp = repo();
    let d = tmp.path();
    git(d, &["update-index", "--index-version", "4"]);
    let good = std::fs::read(d.join(".git/index")).expect("read");
    assert!(parse(&good).is_ok());
    // Every truncation and a byte flipped at every position: errors, never panics.
    for len in 0..good.len() {
        let _ = parse(&good[..len]);
    }
    for pos in 0..good.len() {
        for byte in [0x00, 0xff, b'\n', b' ', 0x80] {
            let mut bad = good.clone();
            bad[pos] = byte;
            let _ = parse(&bad);
        }
    }
    let err = parse(b"NOPE\0\0\0\x02\0\0\0\0aaaaaaaaaaaaaaaaaaaa").map(|i| i.version);
    assert_eq!(
        err,
        Err(IndexError::Malformed(
            "bad signature (expected DIRC)".to_string()
        ))
    );
    let err = parse(&good[..good.len() - 30]).map(|i| i.version);
    assert!(matches!(err, Err(IndexError::Malformed(_))), "{err:?}");
}
