#!/usr/bin/env bash
# Rename fixes as the work grows: one module importing N canonical classes under aliases
# (`from pkg.core import C0 as A0`, each used twice), for N = 500 and 2,000 (or $SIZES);
# times `ssotlint check --no-cache --diff --unsafe-fixes` (every SSOT002 rename shown).
# Linear work means the 2,000 run takes about 4x the 500 run.
#   SSOTLINT=PATH  binary (default: target/release/ssotlint, built if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$root/target/release/ssotlint}"
[ -x "$bin" ] || (cd "$root" && cargo build --release --quiet)
out="$root/bench/out/aliases"
for n in ${SIZES:-500 2000}; do
    dir="$out/$n"
    rm -rf "$dir" && mkdir -p "$dir/pkg"
    python3 - "$n" "$dir" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
open(f"{d}/pkg/__init__.py", "w").write("")
open(f"{d}/pkg/core.py", "w").write("\n".join(f"class C{i}:\n    pass\n" for i in range(n)))
imports = "\n".join(f"from pkg.core import C{i} as A{i}" for i in range(n))
body = "\n".join(f"def f{i}():\n    return A{i}(), A{(i + 1) % n}\n" for i in range(n))
open(f"{d}/pkg/use.py", "w").write(imports + "\n\n" + body)
open(f"{d}/ssotlint.toml", "w").write("[canonical]\n" + "".join(f'"pkg.core.C{i}" = {{}}\n' for i in range(n)))
PY
    # Exit 1 (there is a diff) is the expected outcome.
    (cd "$dir" && /usr/bin/time -f "aliases=$n: %e s wall, %M KB peak" \
        "$bin" check --no-cache --diff --unsafe-fixes . > /dev/null || true) 2>&1 | tail -1
done
