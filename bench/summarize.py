#!/usr/bin/env python3
"""Summarize a bench/check_vs_ruff.sh run: print a table, write OUT/results.md.

Reads, for each corpus NAME in OUT (corpus, stdlib):
  NAME.hyperfine.json    timings of both tools
  NAME.ruff.json         ruff --output-format json (TID251 findings counted)
  NAME.ssotlint.json     ssotlint --output-format json (+ NAME.ssotlint.rc)
and for the synthetic corpus its .expected.json (planted findings), which the
ssotlint findings are compared with.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from pathlib import Path

CORPORA = [
    ("corpus", "synthetic repo (scripts/gen_corpus.py)"),
    ("stdlib", "CPython stdlib copy"),
]


def tree_size(root: Path) -> tuple[int, int]:
    files = lines = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            if name.endswith(".py"):
                files += 1
                with open(os.path.join(dirpath, name), "rb") as fh:
                    lines += fh.read().count(b"\n")
    return files, lines


def load_json(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ssotlint_findings(data, root: Path) -> list[tuple[str, int, int, str]] | None:
    if not isinstance(data, list):
        return None
    out = []
    for d in data:
        try:
            path = os.path.relpath(os.path.join(root, d["filename"]), root).replace(os.sep, "/")
            out.append((path, d["location"]["row"], d["location"]["column"], d["code"]))
        except (KeyError, TypeError):
            return None
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--ruff-version", default="ruff")
    ap.add_argument("--ssotlint-version", default="ssotlint")
    ap.add_argument("--hyperfine-version", default="hyperfine")
    ap.add_argument("--command", action="append", default=[])
    ap.add_argument("--strict", action="store_true", help="exit 1 when ssotlint is slower than ruff anywhere")
    args = ap.parse_args()
    out: Path = args.out

    rows = []
    details = []
    slower = False
    for name, label in CORPORA:
        hf = load_json(out / f"{name}.hyperfine.json")
        if not hf:
            continue
        by_cmd = {r["command"]: r for r in hf["results"]}
        ruff, ssot = by_cmd.get("ruff TID251"), by_cmd.get("ssotlint")
        if not ruff or not ssot:
            continue
        files, lines = tree_size(out / name)
        ruff_json = load_json(out / f"{name}.ruff.json") or []
        ruff_n = sum(1 for d in ruff_json if d.get("code") == "TID251")
        rc = (out / f"{name}.ssotlint.rc").read_text().strip() if (out / f"{name}.ssotlint.rc").exists() else "?"
        found = ssotlint_findings(load_json(out / f"{name}.ssotlint.json"), out / name)
        ssot_n = str(len(found)) if found is not None else f"n/a (exit {rc})"
        ratio = ruff["mean"] / ssot["mean"] if ssot["mean"] else float("inf")
        slower |= ratio < 1.0
        rows.append((label, files, lines, ruff["mean"], ruff["stddev"] or 0.0, ssot["mean"], ssot["stddev"] or 0.0,
                     ratio, ruff_n, ssot_n))
        note = [f"### {label}: `bench/out/{name}`", ""]
        md = out / f"{name}.hyperfine.md"
        if md.exists():
            note += [md.read_text().strip(), ""]
        note.append(f"ssotlint exit code: {rc}.")
        if name == "corpus":
            expected = load_json(out / name / ".expected.json")
            if expected is not None and found is not None:
                want = {(e["path"], e["row"], e["column"], e["code"]) for e in expected}
                got = set(found)
                missing, extra = sorted(want - got), sorted(got - want)
                note.append(f"Planted findings: {len(want)}; ssotlint found {len(want & got)} of them, "
                            f"missed {len(missing)}, reported {len(extra)} unplanted.")
                for title, items in (("missed", missing), ("unplanted", extra)):
                    if items:
                        note.append("")
                        note.append(f"First {min(10, len(items))} {title}:")
                        note += [f"    {p}:{r}:{c}: {code}" for p, r, c, code in items[:10]]
        stderr = out / f"{name}.ssotlint.stderr"
        if stderr.exists() and stderr.read_text().strip():
            first = stderr.read_text().strip().splitlines()[:5]
            note += ["", "ssotlint stderr (first lines):", ""] + [f"    {l}" for l in first]
        details.append("\n".join(note))

    if not rows:
        print("summarize: no hyperfine results found in", out, file=sys.stderr)
        return 2

    header = ("| corpus | files | lines | ruff TID251 | ssotlint | ruff / ssotlint | ruff findings | ssotlint findings |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|")
    table = [header]
    for label, files, lines, rm, rs, sm, ss, ratio, rn, sn in rows:
        table.append(f"| {label} | {files:,} | {lines:,} | {rm * 1000:.0f} ± {rs * 1000:.0f} ms "
                     f"| {sm * 1000:.0f} ± {ss * 1000:.0f} ms | {ratio:.2f}x | {rn:,} | {sn} |")
    table_text = "\n".join(table)
    print()
    print(table_text)
    print()
    print("ruff / ssotlint > 1 means ssotlint is faster.")

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        "# ssotlint vs ruff: full check, cold-ish",
        "",
        f"Run {now} on {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}.",
        f"{args.ssotlint_version}; {args.ruff_version}; {args.hyperfine_version}.",
        "",
        "Mean wall time of hyperfine runs after one warm-up (page cache warm, tool caches off).",
        "`ruff / ssotlint` above 1 means ssotlint is faster.",
        "",
        table_text,
        "",
        "Commands (run from each corpus directory):",
        "",
        *[f"    {c}" for c in args.command],
        "",
        "\n\n".join(details),
        "",
    ]
    (out / "results.md").write_text("\n".join(md))
    print(f"summarize: wrote {out / 'results.md'}")
    if args.strict and slower:
        print("summarize: ssotlint is slower than ruff on at least one corpus", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
