//! Progress of long work (`report --history`, later `init`) on one redrawn stderr line:
//! `[#####     ] 12/50 commits, 3.4s elapsed, 120 blobs parsed`.
//!
//! Shown only where a person watches: stderr is a terminal and the command is not
//! `--quiet`. It never goes to stdout, so machine-readable output stays clean. Nothing is
//! drawn during the first second (short runs stay silent) and redraws are at most ten a
//! second, so the terminal does not slow the work down. The writer and the clock are
//! injectable, so the printer is tested without a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Quiet period before the first line is drawn.
const DELAY: Duration = Duration::from_secs(1);
/// Least time between two redraws.
const INTERVAL: Duration = Duration::from_millis(100);
const BAR: usize = 30;

/// A progress line for `total` units of `what` (`"commits"`, `"files"`).
pub struct Progress<W: Write> {
    out: Option<W>,
    what: &'static str,
    total: usize,
    started: Instant,
    last: Option<Instant>,
    /// Width of the longest line drawn, to blank it when done.
    drawn: usize,
}

impl Progress<std::io::Stderr> {
    /// On stderr when it is a terminal and `quiet` is off; otherwise it draws nothing.
    pub fn stderr(what: &'static str, total: usize, quiet: bool) -> Self {
        let err = std::io::stderr();
        let shown = !quiet && err.is_terminal();
        Progress::new(shown.then_some(err), what, total, Instant::now())
    }
}

impl<W: Write> Progress<W> {
    /// A printer writing to `out` (`None`: draws nothing), counting from `started`.
    pub fn new(out: Option<W>, what: &'static str, total: usize, started: Instant) -> Self {
        Progress {
            out,
            what,
            total,
            started,
            last: None,
            drawn: 0,
        }
    }

    /// `done` units finished; `detail` (may be empty) follows the counts.
    pub fn update(&mut self, done: usize, detail: &str) {
        self.update_at(done, detail, Instant::now());
    }

    /// [`Progress::update`] at the time `now`.
    pub fn update_at(&mut self, done: usize, detail: &str, now: Instant) {
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed < DELAY
            || self
                .last
                .is_some_and(|last| now.saturating_duration_since(last) < INTERVAL)
        {
            return;
        }
        self.last = Some(now);
        let text = line(done, self.total, self.what, elapsed, detail);
        let width = text.chars().count();
        let pad = self.drawn.saturating_sub(width);
        self.drawn = self.drawn.max(width);
        // A failed write to stderr must not stop the work it reports on.
        let _ = write!(out, "\r{text}{}", " ".repeat(pad)).and_then(|()| out.flush());
    }

    /// Blank the line, if one was drawn, so what follows starts on a clean line.
    pub fn finish(&mut self) {
        if let Some(out) = self.out.as_mut() {
            if self.drawn > 0 {
                let _ = write!(out, "\r{}\r", " ".repeat(self.drawn)).and_then(|()| out.flush());
                self.drawn = 0;
            }
        }
    }

    /// The writer back (tests read what was drawn).
    pub fn into_inner(self) -> Option<W> {
        self.out
    }
}

/// One progress line: a bar, `done/total what`, the elapsed time, then `detail`.
pub fn line(done: usize, total: usize, what: &str, elapsed: Duration, detail: &str) -> String {
    let filled = (done.min(total) * BAR).checked_div(total).unwrap_or(BAR);
    let mut text = format!(
        "[{}{}] {done}/{total} {what}, {:.1}s elapsed",
        "#".repeat(filled),
        " ".repeat(BAR - filled),
        elapsed.as_secs_f64()
    );
    if !detail.is_empty() {
        text.push_str(", ");
        text.push_str(detail);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(p: Progress<Vec<u8>>) -> String {
        String::from_utf8(p.into_inner().expect("a writer")).expect("utf-8")
    }

    #[test]
    fn line_shows_counts_elapsed_and_detail() {
        assert_eq!(
            line(
                3,
                10,
                "commits",
                Duration::from_millis(2345),
                "7 blobs parsed"
            ),
            format!(
                "[{}{}] 3/10 commits, 2.3s elapsed, 7 blobs parsed",
                "#".repeat(9),
                " ".repeat(21)
            )
        );
        assert_eq!(
            line(0, 0, "files", Duration::ZERO, ""),
            format!("[{}] 0/0 files, 0.0s elapsed", "#".repeat(30))
        );
        // More done than announced never overflows the bar.
        assert!(
            line(12, 10, "files", Duration::ZERO, "").starts_with(&format!("[{}]", "#".repeat(30)))
        );
    }

    #[test]
    fn silent_in_the_first_second_then_throttled_then_blanked() {
        let t0 = Instant::now();
        let mut p = Progress::new(Some(Vec::new()), "commits", 4, t0);
        p.update_at(1, "", t0 + Duration::from_millis(500));
        p.update_at(2, "long detail", t0 + Duration::from_millis(1000));
        p.update_at(3, "", t0 + Duration::from_millis(1050));
        p.update_at(4, "", t0 + Duration::from_millis(1200));
        p.finish();
        let bar = |n: usize| format!("[{}{}]", "#".repeat(n), " ".repeat(30 - n));
        let first = format!("{} 2/4 commits, 1.0s elapsed, long detail", bar(15));
        let second = format!("{} 4/4 commits, 1.2s elapsed", bar(30));
        let pad = first.len() - second.len();
        assert_eq!(
            drawn(p),
            format!(
                "\r{first}\r{second}{}\r{}\r",
                " ".repeat(pad),
                " ".repeat(first.len())
            )
        );
    }

    #[test]
    fn nothing_without_a_writer_or_before_the_delay() {
        let t0 = Instant::now();
        let mut off: Progress<Vec<u8>> = Progress::new(None, "files", 2, t0);
        off.update_at(1, "", t0 + Duration::from_secs(5));
        off.finish();
        assert!(off.into_inner().is_none());
        let mut quick = Progress::new(Some(Vec::new()), "files", 2, t0);
        quick.update_at(2, "", t0 + Duration::from_millis(900));
        quick.finish();
        assert_eq!(drawn(quick), "");
    }
}
