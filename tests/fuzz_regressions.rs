//! Every input the fuzzers ever crashed on (`fuzz/regressions/TARGET/*`) runs through the
//! same harness function as in `fuzz/` (`ssotlint::fuzz::TARGET`), in plain `cargo test`.
//! A panic on any thread fails: the server's state thread and tokio tasks included.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// A harness function of `ssotlint::fuzz`.
type Harness = fn(&[u8]);

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
fn replay(target: &str, harness: Harness) -> usize {
    count_panics();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
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

#[test]
fn recognize_regressions() {
    replay("recognize", ssotlint::fuzz::recognize);
}

/// A small deterministic generator (xorshift), so a smoke run can be repeated from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The entries of a libFuzzer dictionary (`name="value"` with `\\`, `\"`, `\xNN`).
fn dictionary(target: &str) -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fuzz/dict/{target}.dict"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut entries = Vec::new();
    for line in text.lines() {
        let Some(quoted) = line.split_once('=').and_then(|(_, v)| v.strip_prefix('"')) else {
            continue;
        };
        let raw = quoted.strip_suffix('"').unwrap_or(quoted).as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'\\' && raw.get(i + 1) == Some(&b'x') {
                let hex = std::str::from_utf8(raw.get(i + 2..i + 4).unwrap_or(b"")).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 4;
            } else if raw[i] == b'\\' && i + 1 < raw.len() {
                out.push(raw[i + 1]);
                i += 2;
            } else {
                out.push(raw[i]);
                i += 1;
            }
        }
        entries.push(out);
    }
    entries
}

/// Seeds for a smoke run: the kept crashes, the demo project's files, the test configs.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![
        root.join("fuzz/regressions").join(target),
        root.join("examples/demo"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut seeds: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    seeds.push(Vec::new());
    seeds
}

/// One random change: flip, insert a dictionary token, delete, duplicate, or splice.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, dict: &[Vec<u8>], other: &[u8]) {
    let at = rng.below(data.len() + 1);
    match rng.below(6) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] ^= 1 << rng.below(8);
        }
        1 | 2 if !dict.is_empty() => {
            let token = &dict[rng.below(dict.len())];
            data.splice(at..at, token.iter().copied());
        }
        3 => {
            let end = (at + rng.below(64)).min(data.len());
            data.drain(at..end);
        }
        4 => {
            let end = (at + rng.below(256)).min(data.len());
            let copy = data[at..end].to_vec();
            let to = rng.below(data.len() + 1);
            data.splice(to..to, copy);
        }
        _ => {
            let from = rng.below(other.len() + 1);
            let end = (from + rng.below(512)).min(other.len());
            data.splice(at..at, other[from..end].iter().copied());
        }
    }
}

/// A time-boxed run of every harness, for CI (`scripts/test.sh`): the libFuzzer build
/// (scripts/fuzz.sh) takes minutes, this reuses the test build. Seconds per target from
/// `SSOTLINT_FUZZ_SECONDS` (default 5). The generator's seed is fixed, so CI is
/// reproducible and does not fail on a hole it happened to draw that day; exploring is
/// scripts/fuzz.sh's job, or set `SSOTLINT_FUZZ_SEED` (a number, or `random`). A
/// failing input is written to `fuzz/artifacts/TARGET/` to be kept as a regression.
#[test]
#[ignore = "time-boxed smoke run; scripts/test.sh runs it"]
fn smoke() {
    count_panics();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let seconds: u64 = std::env::var("SSOTLINT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let seed = match std::env::var("SSOTLINT_FUZZ_SEED").as_deref() {
        Ok("random") => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64 | 1),
        Ok(number) => number
            .parse()
            .expect("SSOTLINT_FUZZ_SEED: a number or `random`"),
        Err(_) => 0x005e_ed0f_5507_11e7,
    };
    let targets: [(&str, Harness); 5] = [
        ("source", ssotlint::fuzz::source),
        ("config", ssotlint::fuzz::config),
        ("lsp", ssotlint::fuzz::lsp),
        ("frames", ssotlint::fuzz::frames),
        ("recognize", ssotlint::fuzz::recognize),
    ];
    for (target, harness) in targets {
        let mut rng = Rng(seed);
        let dict = dictionary(target);
        let pool = seeds(target);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        let mut runs = 0;
        while std::time::Instant::now() < deadline {
            let mut data = pool[rng.below(pool.len())].clone();
            data.truncate(16384);
            for _ in 0..1 + rng.below(8) {
                let other = &pool[rng.below(pool.len())];
                mutate(&mut rng, &mut data, &dict, other);
            }
            let before = PANICS.load(Ordering::SeqCst);
            let result = std::panic::catch_unwind(|| harness(&data));
            runs += 1;
            if result.is_err() || PANICS.load(Ordering::SeqCst) != before {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fuzz/artifacts")
                    .join(target);
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("smoke-{seed:x}-{runs}"));
                let _ = std::fs::write(&file, &data);
                panic!(
                    "{target}: an input fails (seed {seed:#x}), kept as {}",
                    file.display()
                );
            }
        }
        println!("{target}: {runs} inputs in {seconds}s (seed {seed:#x})");
    }
}
