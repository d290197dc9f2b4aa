#!/usr/bin/env bash
# The recognizer's promise (src/python/recognize/): a file it calls certainly valid has
# no syntax error for tree-sitter and no TabError for CPython. Runs
# examples/recognize_diff.rs over the installed CPython standard library (site-packages
# included), the synthetic corpus in bench/out/corpus when it exists and any
# directories given as arguments, with 20 broken variants of every 10th accepted file.
# Prints the share of valid files accepted; exits 1 on a counterexample.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
stdlib="$(python3 -c "import sysconfig;print(sysconfig.get_paths()['stdlib'])")"
dirs=("$stdlib" "$@")
[ -d "$here/bench/out/corpus" ] && dirs+=("$here/bench/out/corpus")
cd "$here"
cargo run --quiet --release --example recognize_diff -- --mutations 20 --step 10 "${dirs[@]}"
