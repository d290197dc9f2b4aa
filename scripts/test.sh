#!/usr/bin/env bash
# Run every test of ssotlint on a fresh machine: installs what the tests need (Node
# packages for the SARIF schema check and the VS Code extension, Neovim for the editor
# test, pre-commit in a local virtualenv), checks the VS Code extension (type-check and
# lint), clippy and rustfmt, then runs the whole Rust test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing test dependencies"
npm ci --prefix tests/sarif --no-audit --no-fund --loglevel=error
NVIM="$(bash scripts/install-nvim.sh)"
export NVIM
if [ ! -x .venv/bin/pre-commit ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet pre-commit
fi
export PRE_COMMIT="$PWD/.venv/bin/pre-commit"

echo "== VS Code extension: type-check and lint"
(cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm test)

echo "== clippy and rustfmt"
cargo clippy --all-targets -- -D warnings
cargo fmt --check

echo "== cargo test"
cargo test --all-targets

echo "== fuzz smoke run (20 s per target; the libFuzzer targets: scripts/fuzz.sh)"
SSOTLINT_FUZZ_SECONDS=20 cargo test --test fuzz_regressions smoke -- --ignored --nocapture
