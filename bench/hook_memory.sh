#!/usr/bin/env bash
# Peak memory of the pre-commit mode on one large staged file (issue 13 #10: a 20 MB
# staged file cost 583 MB resident). Two cases, each `ssotlint hook` under
# /usr/bin/time -v (maximum resident set size):
#   new       the file is added (every line is new)
#   modified  the file is committed, then one line in the middle and one at the end are
#             changed and staged (the line diff runs over the whole file)
#
#   bench/hook_memory.sh                         # 20 MB, target/release/ssotlint
#   SIZE_MB=5 SSOTLINT_BIN=/path/to/ssotlint bench/hook_memory.sh
#   SHAPE=short bench/hook_memory.sh             # one short assignment per line
#
# The repository is generated under $BENCH_DIR (default target/bench-hook-memory).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SSOTLINT_BIN:-$root/target/release/ssotlint}
work=${BENCH_DIR:-$root/target/bench-hook-memory}
size_mb=${SIZE_MB:-20}
shape=${SHAPE:-code}

[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no ssotlint binary at $bin (cargo build --release)" >&2; exit 2; }

repo=$work/repo-$shape-$size_mb
rm -rf "$repo"
mkdir -p "$repo/app"
git -C "$repo" init -q -b main
# The default max-file-size (4 MiB) would skip the file.
printf '[project]\nmax-file-size = "1GiB"\n\n[legacy-modules]\n"app.old" = "app.new"\n' >"$repo/ssotlint.toml"
: >"$repo/app/__init__.py"
: >"$repo/app/new.py"
# Ordinary Python: imports, classes, functions, calls; about 1 KB per block.
python3 - "$repo/app/big.py" "$size_mb" "$shape" <<'PY'
import sys
path, mb, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3]
block = '''
import os
from app.new import helper_{i}


class Service{i}:
    """A service."""

    def __init__(self, name):
        self.name = name
        self.items = [1, 2, 3]

    def run(self, value):
        if value > {i}:
            return os.path.join(self.name, str(value))
        return helper_{i}(value, key="k{i}")


def build_{i}(x, y=None):
    data = {{"a": x, "b": y, "c": [x, y]}}
    for k, v in data.items():
        print(k, v)
    return Service{i}(str(x))
'''
if shape == "short":
    block = "v{i} = {i}\n"
with open(path, "w") as f:
    i = 0
    while f.tell() < mb * 1024 * 1024:
        f.write(block.format(i=i))
        i += 1
PY
bytes=$(stat -c %s "$repo/app/big.py")

measure() {
    local name=$1
    # time's report goes to stderr with ssotlint's; the hook exits 1 (violations).
    (cd "$repo" && /usr/bin/time -v "$bin" hook >/dev/null 2>"$work/stderr-$name") || true
    local rss wall
    rss=$(grep 'Maximum resident set size' "$work/stderr-$name" | awk '{print $NF}')
    wall=$(grep 'Elapsed (wall clock)' "$work/stderr-$name" | awk '{print $NF}')
    printf "%-6s %-9s %10d %12s %10.1f %8s\n" "$shape" "$name" "$bytes" "$rss" "$(awk -v r="$rss" -v b="$bytes" 'BEGIN { print r / (b / 1024) }')" "$wall"
}

printf "%-6s %-9s %10s %12s %10s %8s\n" shape case file_bytes max_rss_kb rss/size wall
git -C "$repo" add -A
measure new
git -C "$repo" -c user.name=b -c user.email=b@example.com commit -q --no-verify -m big
python3 - "$repo/app/big.py" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().split("\n")
lines.insert(len(lines) // 2, "import app.old")
lines.append("import app.old")
open(path, "w").write("\n".join(lines))
PY
bytes=$(stat -c %s "$repo/app/big.py")
git -C "$repo" add -A
measure modified
