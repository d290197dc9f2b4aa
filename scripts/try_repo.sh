#!/usr/bin/env bash
# Manual check of the `ssotlint` hook id (language: python): pre-commit pip-installs
# this checkout (maturin builds the binary in release mode) and runs it on a scratch
# repository with one violation. Too slow for the test suite (a release build); the
# `ssotlint-system` id is tested in tests/precommit.rs.
#
#   scripts/try_repo.sh                       # reuses this checkout's target/ (faster)
#   FRESH=1 scripts/try_repo.sh               # build from scratch, as a user's first run
#
# Needs pre-commit (.venv/bin/pre-commit from scripts/test.sh, or PRE_COMMIT=...) and a
# Rust toolchain. Prints the time taken; exits non-zero when the result is not the
# expected one (exit 1 from the hook, the exact diagnostic line).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pre_commit=${PRE_COMMIT:-$root/.venv/bin/pre-commit}
[ -x "$pre_commit" ] || { echo "no pre-commit at $pre_commit (run scripts/test.sh or set PRE_COMMIT)" >&2; exit 2; }
if [ -z "${FRESH:-}" ]; then
    export CARGO_TARGET_DIR=$root/target
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME=$work/cache
repo=$work/repo
mkdir -p "$repo/app"
git -C "$repo" init -q -b main
printf '[legacy-modules]\n"app.old" = "app.new"\n' >"$repo/ssotlint.toml"
: >"$repo/app/__init__.py"
printf 'import os\nimport app.old\n' >"$repo/app/m.py"
git -C "$repo" add -A
start=$(date +%s)
set +e
out=$(cd "$repo" && "$pre_commit" try-repo "$root" ssotlint --all-files 2>&1)
code=$?
set -e
echo "$out"
echo "try-repo took $(( $(date +%s) - start )) s, exit $code"
expected='app/m.py:2:8: SSOT003 legacy module `app.old` imported; use `app.new`'
if [ "$code" -eq 1 ] && grep -qF "$expected" <<<"$out"; then
    echo "OK: the hook installed itself and reported the violation"
else
    echo "FAILED: expected exit 1 and: $expected" >&2
    exit 1
fi
