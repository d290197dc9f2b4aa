#!/usr/bin/env bash
# Run every test of ssotlint on a fresh machine: installs what the tests need (Node
# packages for the SARIF schema check and the VS Code extension, Neovim for the editor
# test, pre-commit in a local virtualenv), then runs the Rust test suite, clippy, and
# the VS Code extension's type-check and lint.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing test dependencies"
npm ci --prefix tests/sarif --no-audit --no-fund --loglevel=error
if [ -x scripts/install-nvim.sh ]; then
  bash scripts/install-nvim.sh
fi
if [ ! -x .venv/bin/pre-commit ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet pre-commit
fi
export PATH="$PWD/.venv/bin:$PATH"

echo "== cargo test"
cargo test --all-targets

echo "== clippy and rustfmt"
cargo clippy --all-targets -- -D warnings
cargo fmt --check

if [ -f editors/vscode/package-lock.json ]; then
  echo "== VS Code extension"
  (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm test)
fi
