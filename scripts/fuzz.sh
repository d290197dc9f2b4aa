#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/) and run each for SECONDS (default 20), one at a time.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Works on the stable toolchain: libfuzzer-sys links libFuzzer, and the coverage
# instrumentation is LLVM's sancov pass, which stable rustc accepts. Crashes are written
# to fuzz/artifacts/TARGET/; the corpus grows in fuzz/corpus/TARGET/ (seeded from
# the kept regressions, the demo project and the installed CPython
# stdlib). Keep every crash as fuzz/regressions/TARGET/NAME: tests/fuzz_regressions.rs
# runs those in plain `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-20}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(source config lsp frames recognize)
fi
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
# --target keeps the instrumentation off build scripts and proc macros.
(cd fuzz && cargo build --release --locked --target "$TRIPLE" --bins)
BIN="fuzz/target/$TRIPLE/release"

seed() {
  local target=$1 dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  [ -d "fuzz/regressions/$target" ] && cp -n fuzz/regressions/"$target"/* "$dir"/ 2>/dev/null || true
  case "$target" in
    source | lsp | recognize)
      local stdlib
      stdlib="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null || true)"
      # A bounded sample: small files keep executions fast. (`cp -n` fails on files
      # already there, `head` cuts its pipe: neither is an error here.)
      {
        find examples -name '*.py'
        if [ -n "$stdlib" ]; then
          find "$stdlib" -maxdepth 2 -name '*.py' -size -24k 2>/dev/null | sort | head -n 400 || true
        fi
      } | while read -r f; do
        cp -n "$f" "$dir/$(echo "$f" | tr '/' '_')" 2>/dev/null || true
      done
      ;;
    config) find examples tests -name '*.toml' | while read -r f; do
        cp -n "$f" "$dir/$(echo "$f" | tr '/' '_')" 2>/dev/null || true; done ;;
  esac
}

for target in "${TARGETS[@]}"; do
  seed "$target"
  mkdir -p "fuzz/artifacts/$target"
  dict="fuzz/dict/$target.dict"
  echo "== fuzz $target for ${SECONDS_PER_TARGET}s"
  "$BIN/$target" "fuzz/corpus/$target" -max_total_time="$SECONDS_PER_TARGET" \
    -artifact_prefix="fuzz/artifacts/$target/" -dict="$dict" -max_len=16384 \
    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 >"fuzz/artifacts/$target.log" 2>&1 || true
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^==[0-9]+== ERROR|panicked at' \
    "fuzz/artifacts/$target.log" || true
  if [ -n "$(ls -A "fuzz/artifacts/$target")" ]; then
    echo "crash inputs in fuzz/artifacts/$target:" >&2
    ls "fuzz/artifacts/$target" >&2
    exit 1
  fi
done
