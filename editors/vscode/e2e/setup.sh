#!/usr/bin/env bash
# Install what the VS Code end-to-end test needs, inside this directory, idempotently:
#   - code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) and
#     puppeteer-core from npm (package-lock.json); puppeteer-core downloads no browser;
#   - Debian packages with apt-get when missing (root only): `chromium`, `ripgrep`, and
#     what code-server's native modules build against (`libkrb5-dev` for kerberos,
#     `build-essential`, `pkg-config`).
#
# Two snags of the code-server install are handled here:
#   - `@vscode/ripgrep`'s postinstall downloads ripgrep from GitHub unless
#     `os.tmpdir()/vscode-ripgrep-cache-<version>/ripgrep-<rg version>-<target>.tar.gz`
#     exists. We point TMPDIR into .cache/ and put Debian's `rg` there under that name.
#   - node-pty's build runs `npx node-gyp`, which asks before installing: npm_config_yes.
# Native modules are built with node-gyp against the installed Node headers
# (npm_config_nodedir), so nothing is downloaded from nodejs.org either.
#
# Usage: editors/vscode/e2e/setup.sh   (prints progress on stderr)
set -euo pipefail
cd "$(dirname "$0")"

log() { printf 'vscode-e2e setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The ripgrep archive @vscode/ripgrep 1.15.11 (pinned by code-server 4.100.3's
# npm-shrinkwrap.json) looks for; see its lib/postinstall.js and lib/download.js.
RG_PACKAGE_VERSION=1.15.11
RG_RELEASE=v13.0.0-10

STAMP=node_modules/.ssotlint-e2e-installed
if [ -f "$STAMP" ] && cmp -s package-lock.json "$STAMP"; then
  log "already installed"
  exit 0
fi

missing=()
for pkg in chromium ripgrep libkrb5-dev build-essential pkg-config; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
  fi
fi

case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) die "unsupported machine $(uname -m)" ;;
esac

TMPDIR="$PWD/.cache/tmp"
export TMPDIR
rg_cache="$TMPDIR/vscode-ripgrep-cache-$RG_PACKAGE_VERSION"
mkdir -p "$rg_cache"
rg_bin="$(readlink -f "$(command -v rg)")"
tar czf "$rg_cache/ripgrep-$RG_RELEASE-$RG_TARGET.tar.gz" -C "$(dirname "$rg_bin")" "$(basename "$rg_bin")"

NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODE_PREFIX/include/node/node.h" ] || die "no Node headers under $NODE_PREFIX/include/node"

log "npm ci (code-server builds its native modules; about a minute)"
npm_config_yes=true \
  npm_config_unsafe_perm=true \
  npm_config_nodedir="$NODE_PREFIX" \
  npm ci --no-audit --no-fund --loglevel=error >&2

[ -x node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg ] \
  || die "code-server's ripgrep is missing: did @vscode/ripgrep change its cache name?"
cp package-lock.json "$STAMP"
log "installed"
