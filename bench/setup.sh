#!/usr/bin/env bash
# Installs what the benchmarks need, skipping whatever is already there:
#   - bench/.venv with ruff (from PyPI)
#   - hyperfine (Debian package; falls back to `cargo install hyperfine`)
# Safe to run any number of times.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating $venv"
    "$python" -m venv "$venv"
fi

if ! "$venv/bin/ruff" --version >/dev/null 2>&1; then
    echo "setup: installing ruff into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ruff
fi
echo "setup: $("$venv/bin/ruff" --version)"

if ! command -v hyperfine >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing hyperfine with apt-get"
        $sudo apt-get update -qq || true
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine || true
    fi
fi
if ! command -v hyperfine >/dev/null 2>&1 && command -v cargo >/dev/null 2>&1; then
    echo "setup: installing hyperfine with cargo"
    cargo install --locked hyperfine
fi
if ! command -v hyperfine >/dev/null 2>&1; then
    echo "setup: could not install hyperfine" >&2
    exit 2
fi
echo "setup: $(hyperfine --version)"
