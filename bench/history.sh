#!/usr/bin/env bash
# Measure `ssotlint report --history N` on a synthetic repository: wall time, CPU time and
# peak memory (GNU time), and how many blobs were parsed compared with N x files (what a
# checkout-per-commit would parse).
#
#   bench/history.sh [FILES] [COMMITS]      (defaults: 5000 files, 200 commits)
#
# Uses scripts/gen_corpus.py (from this tree or /work/main) with --git --commits.
set -euo pipefail
files=${1:-5000}
commits=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
gen=$here/scripts/gen_corpus.py
[ -f "$gen" ] || gen=/work/main/scripts/gen_corpus.py
work=${BENCH_DIR:-$(mktemp -d)}
corpus=$work/corpus-$files-$commits
if [ ! -d "$corpus/.git" ]; then
    python3 "$gen" "$corpus" --files "$files" --git --commits "$commits" >&2
fi
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/ssotlint
cd "$corpus"
n=$((commits))
start=$(date +%s.%N)
/usr/bin/time -v "$bin" report --history "$n" --format json > "$work/history.json" 2> "$work/history.err"
end=$(date +%s.%N)
grep -v -E '^\s' "$work/history.err" || true
# Peak memory (bar: under 256 MB on the 10k corpus) and CPU time, from GNU time.
grep -E 'Maximum resident|User time' "$work/history.err"
python3 - "$work/history.json" "$start" "$end" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
s = h["stats"]
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"commits={s['commits']} wall={wall:.2f}s file_versions={s['file_versions']} "
      f"blobs_parsed={s['blobs_parsed']} files_linted={s['files_linted']} module_reads={s['module_reads']} "
      f"parsed/versions={s['blobs_parsed'] / max(s['file_versions'], 1):.4f}")
first, last = h["rows"][0], h["rows"][-1]
print(f"first {first['commit']}: canonical {first['canonical_share']}% singletons {first['singletons']} score {first['score']}")
print(f"last  {last['commit']}: canonical {last['canonical_share']}% singletons {last['singletons']} score {last['score']}")
PY
