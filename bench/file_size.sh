#!/usr/bin/env bash
# Check time as one file grows (issue 11 item 6): one module of 1 MB and one of 8 MB (or
# $SIZES, in MB), each the installed CPython standard library's modules concatenated in
# path order (real code), timed with `ssotlint check --no-cache` (median of $RUNS runs,
# hyperfine).
# Linear work means the 8 MB file takes about 8x the 1 MB file; the bar is 12x.
#   SSOTLINT=PATH  binary (default: target/release/ssotlint, built if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SSOTLINT:-$root/target/release/ssotlint}"
[ -x "$bin" ] || (cd "$root" && cargo build --release --quiet)
out="$root/bench/out/file_size"
runs=${RUNS:-10}
for mb in ${SIZES:-1 8}; do
    dir="$out/$mb"
    rm -rf "$dir" && mkdir -p "$dir"
    # The default max-file-size (4 MiB) would skip the bigger file.
    printf '[project]\nmax-file-size = "1GiB"\n\n[legacy-modules]\n"typing" = "collections.abc"\n' >"$dir/ssotlint.toml"
    python3 - "$mb" "$dir/big.py" <<'PY'
import os, sys, sysconfig
size, path = int(float(sys.argv[1]) * 1024 * 1024), sys.argv[2]
lib = sysconfig.get_paths()["stdlib"]
files = sorted(os.path.join(d, n) for d, _, names in os.walk(lib)
               if "site-packages" not in d for n in names if n.endswith(".py"))
total = 0
with open(path, "w", encoding="utf-8") as out:
    for f in files:
        if total >= size:
            break
        with open(f, encoding="utf-8", errors="replace") as src:
            text = src.read()[: size - total]
        out.write(text)
        total += len(text)
PY
    # hyperfine without a shell (-N): `time`'s %e has 10 ms steps, a third of the 1 MB
    # run. Exit 1 (findings) is an expected outcome.
    (cd "$dir" && hyperfine -N --warmup 1 --runs "$runs" --ignore-failure --style none \
        --export-json "$dir/hyperfine.json" "$bin check --no-cache big.py" >/dev/null 2>&1)
    (cd "$dir" && /usr/bin/time -o "$dir/time" -f "%M" "$bin" check --no-cache big.py \
        >/dev/null 2>&1 || true)
    python3 - "$mb" "$runs" "$dir/hyperfine.json" "$(tail -1 "$dir/time")" <<'PY'
import json, sys
mb, runs, path, peak = sys.argv[1:]
median = json.load(open(path))["results"][0]["median"]
print(f"{mb} MB: {median:.3f} s wall (median of {runs}), {peak} KB peak")
PY
done
