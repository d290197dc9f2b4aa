#!/usr/bin/env bash
# Run every test of ssotlint on a fresh machine: installs what the tests need inside the
# checkout (Node packages for the SARIF schema check and the VS Code extension, Neovim
# under .tools/, pre-commit in .venv, code-server and puppeteer-core under
# editors/vscode/e2e; Debian packages with apt-get), checks the VS Code extension
# (type-check, lint, package, end to end in code-server), clippy and rustfmt, then runs
# the whole Rust test suite.
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
bash editors/vscode/e2e/setup.sh

echo "== VS Code extension: type-check and lint"
(cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm test && npm run package)

echo "== VS Code extension: end to end in code-server (screenshots in target/e2e)"
cargo build --bin ssotlint
node editors/vscode/e2e/run.mjs --ssotlint target/debug/ssotlint \
  --vsix "editors/vscode/ssotlint-$(node -p 'require("./editors/vscode/package.json").version').vsix" \
  --out target/e2e

echo "== clippy and rustfmt"
cargo clippy --all-targets -- -D warnings
cargo fmt --check

echo "== cargo test"
cargo test --all-targets

echo "== fuzz smoke run (20 s per target; the libFuzzer targets: scripts/fuzz.sh)"
SSOTLINT_FUZZ_SECONDS=20 cargo test --test fuzz_regressions smoke -- --ignored --nocapture
