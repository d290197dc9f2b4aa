//! End to end in a real editor: headless Neovim loads `editors/nvim`, opens a Python file
//! with a fragmented import, waits for the diagnostic, applies the quick fix through
//! `vim.lsp.buf.code_action`, and we check the buffer's final text (tests/nvim/README.md).
//! Needs `nvim` >= 0.9: `$NVIM`, else `.tools/bin/nvim` (where `scripts/install-nvim.sh`
//! installs it), else `nvim` on PATH.

mod common;

use common::write;

use std::process::{Command, Stdio};

#[test]
fn neovim_applies_the_quick_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("shop");
    write(
        &root.join("ssotlint.toml"),
        "[canonical]\n\"app.engine.Engine\" = { legacy-modules = [\"app.old\"] }\n",
    );
    write(&root.join("app/__init__.py"), "");
    write(&root.join("app/engine.py"), "class Engine:\n    pass\n");
    write(&root.join("app/old.py"), "from app.engine import Engine\n");
    let file = root.join("main.py");
    let original = "import os\nfrom app.old import Engine  # the café 😀\n\nEngine()\n";
    write(&file, original);
    let out = tmp.path().join("out");
    let manifest = env!("CARGO_MANIFEST_DIR");
    let local = format!("{manifest}/.tools/bin/nvim");
    let nvim = std::env::var("NVIM").unwrap_or_else(|_| {
        if std::path::Path::new(&local).exists() {
            local
        } else {
            "nvim".to_string()
        }
    });
    let status = Command::new(&nvim)
        .current_dir(manifest)
        .env("SSOTLINT_BIN", common::BIN)
        .env("SSOTLINT_FILE", &file)
        .env("SSOTLINT_OUT", &out)
        .env("SSOTLINT_TIMEOUT_MS", "30000")
        .env("XDG_STATE_HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path())
        .args(["--headless", "-u", "NONE", "-i", "NONE", "--cmd"])
        .arg(format!("set rtp+={manifest}/editors/nvim"))
        .args(["-c", "luafile tests/nvim/e2e.lua"])
        .stdin(Stdio::null())
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run `{nvim}` (install it with scripts/install-nvim.sh): {e}")
        });
    assert!(status.success(), "nvim e2e failed: {status}");
    let read = |suffix: &str| {
        let path = format!("{}{suffix}", out.display());
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    // Neovim 0.11 pulls diagnostics, so the server does not also push them: one line.
    assert_eq!(read(".diags"), "SSOT001\t1\t20\n");
    assert_eq!(
        read(""),
        "import os\nfrom app.engine import Engine  # the café 😀\n\nEngine()\n"
    );
    assert_eq!(read(".exit"), "0 0\n");
    // The file on disk is untouched: only the buffer changed.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
}
