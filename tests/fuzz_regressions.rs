//! Every input the fuzzers ever crashed on (`fuzz/regressions/TARGET/*`) runs through the
//! same harness function as in `fuzz/` (`ssotlint::fuzz::TARGET`), in plain `cargo test`.
//! A panic on any thread fails: the server's state thread and tokio tasks included.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

static PANICS: AtomicUsize = AtomicUsize::new(0);
/// One input at a time: the panic counter is global.
static SERIAL: Mutex<()> = Mutex::new(());

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

/// Run `harness` on every file of `fuzz/regressions/TARGET`; returns how many ran.
fn replay(target: &str, harness: fn(&[u8])) -> usize {
    count_panics();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let before = PANICS.load(Ordering::SeqCst);
        let result = std::panic::catch_unwind(|| harness(&data));
        if result.is_err() || PANICS.load(Ordering::SeqCst) != before {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: these inputs fail: {failed:?}");
    files.len()
}

#[test]
fn source_regressions() {
    replay("source", ssotlint::fuzz::source);
}

#[test]
fn config_regressions() {
    replay("config", ssotlint::fuzz::config);
}

#[test]
fn lsp_regressions() {
    replay("lsp", ssotlint::fuzz::lsp);
}

#[test]
fn frames_regressions() {
    replay("frames", ssotlint::fuzz::frames);
}
