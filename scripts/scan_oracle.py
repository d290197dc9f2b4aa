#!/usr/bin/env python3
"""Compare src/python/scan/ with CPython 3.12's tokenize on real files.

Usage: scripts/scan_oracle.py [--python3.12 PATH] DIR_OR_FILE...
(run with any python3; the oracle runs under a 3.12+ interpreter, found as `python3.12`
or in pyenv, since f-string tokens exist only from 3.12 on).

For every .py file CPython tokenizes without error, the token kinds and byte offsets
must be equal, up to the documented differences of the scanner (scan/mod.rs):
- INDENT is compared by its end (ours is zero-width at the first token);
- FSTRING_MIDDLE tokens are not compared (CPython splits them at doubled braces);
- ENCODING is skipped.
- a stray backtick is an Error token for us (CPython 3.12's tokenize module yields OP);
- for a multi-line STRING in a file with non-ASCII text only the start counts (3.12.1
  miscounts the end column of such strings: its end can fall inside the next token).
Files with a lone CR line end are skipped (CPython's readline splits lines differently).
Prints the first difference per file; exits 1 if there is one.
"""
import os
import shutil
import subprocess
import sys

ORACLE = r'''
import io, sys, tokenize, json
KINDS = {tokenize.NAME: "Name", tokenize.NUMBER: "Number", tokenize.STRING: "String",
         tokenize.OP: "Op", tokenize.NEWLINE: "Newline", tokenize.NL: "Nl",
         tokenize.COMMENT: "Comment", tokenize.INDENT: "Indent", tokenize.DEDENT: "Dedent",
         tokenize.ENDMARKER: "EndMarker", tokenize.FSTRING_START: "FStringStart",
         tokenize.FSTRING_END: "FStringEnd", tokenize.FSTRING_MIDDLE: "FStringMiddle"}
for path in sys.stdin.read().split("\0"):
    if not path:
        continue
    try:
        data = open(path, "rb").read()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        continue
    if "\r" in text.replace("\r\n", ""):
        continue
    starts = [0]
    for line in io.StringIO(text, newline="").readlines():
        starts.append(starts[-1] + len(line))
    ascii_ = text.isascii()
    if not ascii_:
        byte_at = [0]
        for ch in text:
            byte_at.append(byte_at[-1] + len(ch.encode("utf-8")))
    def off(rc):
        r, c = rc
        i = starts[r - 1] + c if r - 1 < len(starts) else len(text)
        i = min(i, len(text))
        return i if ascii_ else byte_at[i]
    out = []
    try:
        for t in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            kind = KINDS.get(t.type)
            if kind is None or kind == "FStringMiddle":
                continue
            s, e = off(t.start), off(t.end)
            if kind == "Indent":
                s = e
            out.append((kind, s, e))
    except (tokenize.TokenError, SyntaxError, ValueError):
        continue
    print(json.dumps([path, out]))
'''


def find_oracle(argv):
    if len(argv) > 1 and argv[0] == "--python3.12":
        return argv[1], argv[2:]
    import glob
    cands = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    cands += [shutil.which("python3.12"), shutil.which("python3.13"), shutil.which("python3")]
    for cand in cands:
        if cand and subprocess.run([cand, "-c", "import tokenize; tokenize.FSTRING_START"],
                                   capture_output=True).returncode == 0:
            return cand, argv
    sys.exit("scan_oracle: no python3.12 found (pass --python3.12 PATH)")


_raw = {}


def raw(path):
    if path not in _raw:
        _raw.clear()
        with open(path, "rb") as f:
            _raw[path] = f.read()
    return _raw[path]


def main():
    import json
    python, args = find_oracle(sys.argv[1:])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for a in args:
        if os.path.isfile(a):
            files.append(a)
        for d, _, names in os.walk(a):
            files.extend(os.path.join(d, n) for n in names if n.endswith(".py"))
    files.sort()
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "scan"],
                   cwd=root, check=True)
    scan = os.path.join(root, "target", "release", "examples", "scan")
    oracle = subprocess.run([python, "-c", ORACLE], input="\0".join(files),
                            capture_output=True, text=True, check=True).stdout
    bad = compared = 0
    batch = 500
    expected = {}
    for line in oracle.splitlines():
        path, toks = json.loads(line)
        expected[path] = toks
    paths = [p for p in files if p in expected]
    for i in range(0, len(paths), batch):
        dump = subprocess.run([scan, "dump", *paths[i:i + batch]], capture_output=True,
                              text=True, check=True).stdout
        ours, cur = {}, None
        for line in dump.splitlines():
            if line.startswith("= "):
                cur = line[2:]
                ours[cur] = []
            else:
                k, s, e = line.split()
                if k != "FStringMiddle":
                    ours[cur].append((k, int(s), int(e)))
        for path in paths[i:i + batch]:
            compared += 1
            want = [tuple(t) for t in expected[path]]
            got = ours.get(path, [])
            for j in range(len(want)):
                if j < len(got):
                    k, st, en = want[j]
                    quirk = (k == "String" and got[j][:2] == ("String", st)
                             and not raw(path).isascii() and b"\n" in raw(path)[st:got[j][2]])
                    tick = k == "Op" and got[j] == ("Error", st, en) and raw(path)[st:en] == b"`"
                    if quirk or tick:
                        want[j] = got[j]
            if want != got:
                bad += 1
                n = next((j for j, (a, b) in enumerate(zip(want, got)) if a != b),
                         min(len(want), len(got)))
                print(f"{path}: token {n}: cpython {want[n:n+3]} scan {got[n:n+3]}")
    print(f"scan_oracle: {compared} files compared, {bad} with differences")
    sys.exit(1 if bad else 0)


main()
