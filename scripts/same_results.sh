#!/usr/bin/env bash
# Does a change keep behaviour? Runs two ssotlint binaries (say, built from main and from
# a refactoring branch) on the same trees and diffs what they print, exit code included:
#   check --no-cache --output-format json .               (fast path, the default)
#   check --no-cache --no-fast-path --output-format json . (skipped with QUICK=1)
#   report --no-cache --format json .
# Trees default to bench/out/stdlib and bench/out/corpus (scripts/reduce_equivalence.sh
# creates them). Exit 0 when every pair is byte-identical, 1 otherwise.
#
#   scripts/same_results.sh OLD_BINARY NEW_BINARY [DIR...]
#
# Measured 2026-11-30 (issue 16: branch values at 9e55839, every move of the refactoring,
# against main at e8fa793; debug builds):
# stdlib 3 of 3 pairs identical (359 findings); corpus (10k files) check and report
# identical (1630 findings, QUICK=1).
# Re-run 2026-11-30 (issue 16 finished on branch s7-house at 3a5e491: comments from the
# scanner on every path, the rule table; release builds, against main's release binary):
# stdlib and corpus, all 6 pairs identical (359 and 1630 findings).
set -uo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 OLD_BINARY NEW_BINARY [DIR...]" >&2
    exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
old="$(realpath "$1")"
new="$(realpath "$2")"
shift 2
[ $# -gt 0 ] || set -- "$root/bench/out/stdlib" "$root/bench/out/corpus"

runs=("check --no-cache --output-format json ." "report --no-cache --format json .")
[ -n "${QUICK:-}" ] || runs+=("check --no-cache --no-fast-path --output-format json .")

source "$root/scripts/compare_runs.sh"
for dir in "$@"; do
    for run in "${runs[@]}"; do
        read -ra args <<< "$run"
        first=("$old" "${args[@]}")
        second=("$new" "${args[@]}")
        compare "$(basename "$dir") $run" "$dir"
    done
done
finish same_results
