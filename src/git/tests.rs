//! Unit tests of the git folder: the cache-tree walk and the line diff (the index
//! reader's are in `index_tests.rs`, beside its private parts).

/// What the git folder's tests share: the git CLI in a test repository, files written.
pub(super) mod support {
    use std::path::Path;
    use std::process::Command;

    /// `git ARGS` in `dir` with a fixed identity; its trimmed stdout.
    pub(in crate::git) fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub(in crate::git) fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

mod diff {
    use std::path::Path;

    use git2::Repository;

    use super::support::{git, write};
    use crate::git::diff::compare_index;
    use crate::git::index as git_index;

    /// The cache-tree walk finds exactly the paths `git diff --cached` lists.
    fn assert_changed_paths_match_git(dir: &Path) {
        let repo = Repository::open(dir).expect("open");
        let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
        let parsed =
            git_index::read_file(&dir.join(".git/index"), &dir.join(".git")).expect("index");
        let mut changed = Vec::new();
        compare_index(
            &repo,
            head.as_ref(),
            &parsed,
            0..parsed.entries.len(),
            b"",
            parsed.cache_tree.as_ref(),
            &mut changed,
        )
        .expect("walk");
        changed.sort();
        changed.dedup();
        let ours: Vec<String> = changed
            .into_iter()
            .map(|p| String::from_utf8(p).expect("utf-8"))
            .collect();
        let theirs: Vec<String> = git(dir, &["diff", "--cached", "--name-only", "--no-renames"])
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn changed_paths_equal_git_diff_cached() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        git(d, &["init", "-q", "-b", "main"]);
        for i in 0..5 {
            for j in 0..4 {
                write(d, &format!("p{i}/q{j}/m.py"), &format!("x = {i}{j}\n"));
            }
        }
        write(d, "top.py", "t = 1\n");
        write(d, "gone/a.py", "a = 1\n");
        write(d, "gone/deeper/b.py", "b = 1\n");
        write(d, "becomes_dir", "f\n");
        write(d, "becomes_file/c.py", "c = 1\n");
        write(d, "run.sh", "#!/bin/sh\n");
        git(d, &["add", "-A"]);
        assert_changed_paths_match_git(d);
        git(d, &["commit", "-q", "-m", "init"]);
        assert_changed_paths_match_git(d);

        write(d, "p1/q2/m.py", "x = 'changed'\n");
        write(d, "p4/new/n.py", "n = 1\n");
        write(d, "p3/q0/extra.py", "e = 1\n");
        std::fs::remove_file(d.join("p0/q1/m.py")).expect("rm");
        std::fs::remove_dir_all(d.join("gone")).expect("rm");
        std::fs::remove_file(d.join("becomes_dir")).expect("rm");
        write(d, "becomes_dir/inside.py", "i = 1\n");
        std::fs::remove_dir_all(d.join("becomes_file")).expect("rm");
        write(d, "becomes_file", "now a file\n");
        git(d, &["add", "-A"]);
        git(d, &["update-index", "--chmod=+x", "top.py"]);
        write(d, "p2/ita.py", "not committed\n");
        git(d, &["add", "-N", "p2/ita.py"]);
        assert_changed_paths_match_git(d);

        // Without a cache tree every directory is compared entry by entry.
        git(d, &["read-tree", "HEAD"]);
        write(d, "p2/q3/m.py", "x = 'again'\n");
        git(d, &["add", "p2/q3/m.py"]);
        let parsed = git_index::read_file(&d.join(".git/index"), &d.join(".git")).expect("index");
        assert!(parsed
            .cache_tree
            .as_ref()
            .and_then(git_index::CacheTree::valid_oid)
            .is_none());
        assert_changed_paths_match_git(d);

        // A fully valid cache tree equal to HEAD: nothing to walk.
        git(d, &["reset", "-q", "--hard"]);
        git(d, &["write-tree"]);
        assert_changed_paths_match_git(d);
        git(d, &["update-index", "--index-version", "4"]);
        write(d, "p0/q0/m.py", "x = 'v4'\n");
        git(d, &["add", "-A"]);
        assert_changed_paths_match_git(d);
    }
}

mod lines {
    use crate::git::lines::added_rows;

    fn rows(old: &str, new: &str) -> Vec<usize> {
        let mut rows: Vec<usize> = added_rows(old.as_bytes(), new.as_bytes())
            .into_iter()
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn rows_follow_lf_crlf_and_cr() {
        assert_eq!(rows("a\nb\nc\n", "a\nx\nb\nc\ny\n"), vec![2, 5]);
        assert_eq!(rows("a\rb\r", "a\rb\rc\r"), vec![3]);
        assert_eq!(rows("a\nb\n", "a\r\nb\r\n"), Vec::<usize>::new());
        assert_eq!(rows("a\nb", "a\nb\n"), Vec::<usize>::new());
        assert_eq!(rows("", "a\nb"), vec![1, 2]);
        // One line of three can stay; which one is the diff's choice.
        assert_eq!(rows("a\nb\nc", "c\nb\na").len(), 2);
        assert_eq!(rows("x\na\nx\n", "x\na\nb\nx\n"), vec![3]);
    }
}
