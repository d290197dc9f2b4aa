#!/usr/bin/env python3
"""Server memory for one big document (a benchmark, not a test).

Opens a Python document of SIZE_MB megabytes (default 10; the standard library's modules
concatenated) in `ssotlint server`
over stdio, waits for its diagnostics, then closes it, and prints the server's resident
memory (VmRSS from /proc/PID/status) before opening, after the diagnostics and after
closing, and its peak while the document was open (VmHWM); RssAnon besides (VmRSS also
counts the pages of the binary's code that a lint touched). Bar (issue 13): memory a few times the text, returned after close.

Usage: cargo build --release && python3 bench/lsp_memory.py [path/to/ssotlint] [SIZE_MB]

SSOTLINT_WRAP="heaptrack -o /tmp/srv" runs the server under that command (split on
spaces), to trace its heap; the RSS figures are then the wrapper's, not the server's.
"""
import os
import subprocess
import sys
import sysconfig
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_latency import BIN, Server  # noqa: E402

SIZE_MB = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def document(size):
    """Real code: the installed CPython standard library's modules (no site-packages),
    concatenated in path order up to `size` bytes, plus one import of a legacy module (a diagnostic)."""
    lib = sysconfig.get_paths()["stdlib"]
    parts = ["from app.old import Engine\n"]
    total = len(parts[0])
    files = sorted(os.path.join(d, n) for d, _, names in os.walk(lib)
                   if "site-packages" not in d for n in names if n.endswith(".py"))
    for path in files:
        if total >= size:
            break
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()[: size - total]
        parts.append(text)
        total += len(text)
    return "".join(parts)


def main():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "app"))
        with open(os.path.join(root, "ssotlint.toml"), "w") as f:
            # The default max-file-size (4 MiB) would skip the document.
            f.write('[project]\nmax-file-size = "1GiB"\n\n'
                    '[canonical]\n"app.engine.Engine" = { legacy-modules = ["app.old"] }\n')
        for name in ("__init__.py", "engine.py", "old.py"):
            with open(os.path.join(root, "app", name), "w") as f:
                f.write("class Engine:\n    pass\n" if name == "engine.py" else "")
        server = Server(root)
        wrap = os.environ.get("SSOTLINT_WRAP", "").split()
        if wrap:
            server.proc.kill()
            server.proc.wait()
            server.proc = subprocess.Popen(wrap + [BIN, "server"], cwd=root,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL)
        server.initialize(root)
        time.sleep(1.0)
        pid = server.proc.pid
        before = rss_mb(pid)
        before_anon = rss_mb(pid, "RssAnon")
        text = document(int(SIZE_MB * 1024 * 1024))
        uri = "file://" + os.path.join(root, "big.py")
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri and m["params"].get("version") == 1)
        # The server hands its lint's temporaries back right after publishing.
        time.sleep(0.5)
        opened = rss_mb(pid)
        opened_anon = rss_mb(pid, "RssAnon")
        peak = rss_mb(pid, "VmHWM")
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri and not m["params"]["diagnostics"])
        time.sleep(0.5)
        closed = rss_mb(pid)
        closed_anon = rss_mb(pid, "RssAnon")
        server.stop()
        print(f"document {len(text) / 1e6:.1f} MB: RSS before {before:.0f} MB, "
              f"open {opened:.0f} MB (peak {peak:.0f} MB), after close {closed:.0f} MB; "
              f"of which anonymous (heap, stacks; not the binary's code pages): "
              f"{before_anon:.0f} / {opened_anon:.0f} / {closed_anon:.0f} MB")


if __name__ == "__main__":
    main()
