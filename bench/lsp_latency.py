#!/usr/bin/env python3
"""LSP latency and memory of `ssotlint server` (a benchmark, not a test).

1. didChange (one character typed) -> publishDiagnostics for that version, in a
   5,000-line file, over stdio: p50/p99 over 1,000 edits. Once more with a second open
   document that imports from the edited one (`from big import Engine`): each edit
   re-lints it too (the editor overlay), timed to its publishDiagnostics as well.
2. RSS of the server (VmRSS from /proc) after opening a workspace of 10,000 files and
   waiting for its module index.

Usage: cargo build --release && python3 bench/lsp_latency.py [path/to/ssotlint]
Bars: p50 < 5 ms, p99 < 20 ms, RSS < 150 MB (judged on the file of top-level functions;
the same functions as methods of one class are measured too: typing at the indentation,
and typing at column 0, which splits the class).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "ssotlint")
CONFIG = '[canonical]\n"app.engine.Engine" = { legacy-modules = ["app.old"] }\n'


class Server:
    def __init__(self, root):
        self.proc = subprocess.Popen([BIN, "server"], cwd=root, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def recv(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("server closed stdout")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        msg = json.loads(self.proc.stdout.read(length))
        if "method" in msg and "id" in msg:
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        return msg

    def wait(self, pred):
        while True:
            msg = self.recv()
            if pred(msg):
                return msg

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, root):
        uri = "file://" + root
        self.request("initialize", {"processId": None, "rootUri": uri,
                                    "workspaceFolders": [{"uri": uri, "name": "ws"}],
                                    "capabilities": {"window": {"workDoneProgress": True}}})
        self.notify("initialized", {})

    def cpu_seconds(self):
        """User + system CPU time of the server so far (Linux /proc): less disturbed by
        other load on the machine than wall-clock latency."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.proc.wait(timeout=30)


def project(root, extra_files=0):
    os.makedirs(os.path.join(root, "app"), exist_ok=True)
    with open(os.path.join(root, "ssotlint.toml"), "w") as f:
        f.write(CONFIG)
    for name, text in [("__init__.py", ""), ("engine.py", "class Engine:\n    pass\n"),
                       ("old.py", "from app.engine import Engine\n")]:
        with open(os.path.join(root, "app", name), "w") as f:
            f.write(text)
    for i in range(extra_files):
        pkg = os.path.join(root, "pkg%d" % (i // 100))
        os.makedirs(pkg, exist_ok=True)
        with open(os.path.join(pkg, "m%d.py" % i), "w") as f:
            f.write("from app.old import Engine\nimport os\n\n\ndef f%d():\n    return Engine()\n" % i)


def big_file(in_class=False):
    """5,000 lines of small functions; with `in_class`, all of them methods of one class
    (the server then works per member, not per top-level statement)."""
    lines = ["import os", "from app.old import Engine", "from app.gone import Missing", ""]
    indent = ""
    if in_class:
        lines.append("class Big:")
        indent = "    "
    i = 0
    while len(lines) < 5000:
        lines += [indent + "def func_%d(self, x):" % i, indent + "    y = x + %d  # é" % i,
                  indent + "    return Engine(y)", ""]
        i += 1
    return "\n".join(lines[:5000]) + "\n"


def latency(in_class=False, indented=False, dependent=False):
    """Type "z" at the start of a line and delete it, 1,000 times; with `indented`, at
    the line's indentation (where typing in a method body happens) instead of column 0;
    with `dependent`, while `user.py` (which imports from the edited module) is open."""
    with tempfile.TemporaryDirectory() as root:
        project(root)
        server = Server(root)
        server.initialize(root)
        uri = "file://" + os.path.join(root, "big.py")
        user = "file://" + os.path.join(root, "user.py")
        text = big_file(in_class)
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        is_push = lambda v, u=uri: lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == u and m["params"].get("version") == v)
        first = server.wait(is_push(1))
        if dependent:
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": user, "languageId": "python", "version": 1,
                "text": "from big import Engine\n"}})
            user_diagnostics = len(server.wait(is_push(1, user))["params"]["diagnostics"])
        user_samples = []
        cpu_before = server.cpu_seconds()
        lines = text.split("\n")
        column = lambda line: len(lines[line]) - len(lines[line].lstrip()) if indented else 0
        samples = []
        for n in range(1000):
            version = n + 2
            line = 5 + (n * 37) % 4900
            # Type "z" at the start of a line, then delete it (alternating).
            if n % 2 == 0:
                col = column(line)
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col}}, "text": "z"}
            else:
                prev = 5 + ((n - 1) * 37) % 4900
                col = column(prev)
                change = {"range": {"start": {"line": prev, "character": col},
                                    "end": {"line": prev, "character": col + 1}}, "text": ""}
            start = time.perf_counter()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            server.wait(is_push(version))
            samples.append((time.perf_counter() - start) * 1000)
            if dependent:
                # A server without the editor overlay never pushes the importer again.
                signal.alarm(30)
                pushed = server.wait(is_push(1, user))
                signal.alarm(0)
                assert len(pushed["params"]["diagnostics"]) == user_diagnostics
                user_samples.append((time.perf_counter() - start) * 1000)
        cpu = (server.cpu_seconds() - cpu_before) * 1000 / len(samples)
        code = server.stop()
    p50, p99, top = percentiles(samples)
    print("5,000-line file%s: %d diagnostics; didChange -> publishDiagnostics over 1,000 "
          "edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms (exit %d)"
          % ((" (one class, typing at the indentation)" if indented else
              " (one class, typing at column 0)") if in_class else
             " with an importer open" if dependent else "",
             len(first["params"]["diagnostics"]),
             p50, p99, top, code))
    print("  server CPU time per edit (user + system, all threads): %.2f ms" % cpu)
    if dependent:
        # The importer is pushed after the edited file: its figures are the ones judged.
        p50, p99, top = percentiles(user_samples)
        print("  the importer (%d diagnostics), didChange -> its publishDiagnostics: "
              "p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (user_diagnostics, p50, p99, top))
    return p50, p99


def no_importer_push(*_):
    raise TimeoutError("the importer was not re-linted within 30 s of an edit")


signal.signal(signal.SIGALRM, no_importer_push)


def percentiles(samples):
    samples = sorted(samples)
    return (samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1], samples[-1])


def rss():
    with tempfile.TemporaryDirectory() as root:
        project(root, extra_files=10000)
        server = Server(root)
        server.initialize(root)
        uri = "file://" + os.path.join(root, "pkg0", "m0.py")
        with open(os.path.join(root, "pkg0", "m0.py")) as f:
            text = f.read()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        server.wait(lambda m: m.get("method") == "$/progress"
                    and m["params"]["value"].get("kind") == "end")
        server.request("workspace/diagnostic", {"previousResultIds": []})
        with open("/proc/%d/status" % server.proc.pid) as f:
            kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        server.stop()
    print("RSS after opening a 10,000-file workspace (index built): %.1f MB" % (kb / 1024))
    return kb / 1024


if __name__ == "__main__":
    p50, p99 = latency()
    dep_p50, dep_p99 = latency(dependent=True)
    latency(in_class=True, indented=True)
    latency(in_class=True)
    mb = rss()
    ok = max(p50, dep_p50) < 5 and max(p99, dep_p99) < 20 and mb < 150
    print("bars (p50 < 5 ms, p99 < 20 ms, RSS < 150 MB): %s" % ("met" if ok else "NOT met"))
