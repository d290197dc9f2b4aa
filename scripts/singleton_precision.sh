#!/usr/bin/env bash
# Singleton findings (SSOT101-SSOT105) on real code, for reading by hand: the installed
# CPython stdlib (site-packages excluded) and rich, httpx and django from PyPI, each
# installed alone (`--no-deps`) into its own directory, so each corpus is its own project
# and its top-level packages are the first party. `[singletons] scope` is the default.
#
# Writes WORKDIR/<corpus>.txt (concise findings, sorted) and WORKDIR/<corpus>.sample.txt
# (all findings when there are at most 40, else 40 drawn with a fixed random source so a
# rerun draws the same ones), and prints the counts per rule. The verdicts read from
# those files are in docs/singleton-precision.md.
#
# Usage: scripts/singleton_precision.sh [WORKDIR]
#   SSOTLINT=path/to/binary   the binary to measure (default target/debug/ssotlint)
#   VERSIONS="rich==15.0.0 httpx==0.28.1 django==5.2.19"   pinned versions (these defaults)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$here/target/debug/ssotlint}"
work="${1:-/tmp/singleton-precision}"
versions="${VERSIONS:-rich==15.0.0 httpx==0.28.1 django==5.2.19}"
mkdir -p "$work"
stdlib="$(python3 -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
if [ ! -d "$work/stdlib" ]; then
  mkdir -p "$work/stdlib"
  (cd "$stdlib" && tar --exclude=./site-packages --exclude=__pycache__ -cf - .) | (cd "$work/stdlib" && tar -xf -)
fi
corpora=(stdlib)
for spec in $versions; do
  name="${spec%%==*}"
  corpora+=("$name")
  if [ ! -d "$work/$name" ]; then
    python3 -m pip install --quiet --no-deps --no-compile --target "$work/$name" "$spec"
  fi
done
echo "binary: $bin"
for corpus in "${corpora[@]}"; do
  printf '' > "$work/$corpus/ssotlint.toml"
  (cd "$work/$corpus" && "$bin" check . --config ssotlint.toml --select SSOT1 \
    --output-format concise --quiet 2>/dev/null | sort > "$work/$corpus.txt") || true
  total=$(wc -l < "$work/$corpus.txt")
  if [ "$total" -le 40 ]; then
    cp "$work/$corpus.txt" "$work/$corpus.sample.txt"
  else
    shuf -n 40 --random-source=<(yes) "$work/$corpus.txt" | sort > "$work/$corpus.sample.txt"
  fi
  echo "== $corpus: $total findings, $(wc -l < "$work/$corpus.sample.txt") sampled"
  grep -oE ' SSOT1[0-9]+ ' "$work/$corpus.txt" | sort | uniq -c || true
done
