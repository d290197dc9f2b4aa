// Unit tests of `ssotlint.lint.args` parsing: `npm run unit` (node:test, no VS Code needed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { lintArgs } from "./lintArgs";

void test("--select and --ignore take comma-separated codes, as separate or = arguments", () => {
  assert.deepEqual(lintArgs(["--select", "SSOT001, SSOT1", "--ignore=SSOT101", "--ignore", "SSOT102"]), {
    select: ["SSOT001", "SSOT1"],
    ignore: ["SSOT101", "SSOT102"],
    unknown: [],
  });
});

void test("--config names a file; the last one wins", () => {
  assert.deepEqual(lintArgs(["--config", "a.toml", "--config=b.toml"]), { config: "b.toml", unknown: [] });
});

void test("other arguments and flags without a value are reported, not applied", () => {
  assert.deepEqual(lintArgs(["--fix", "--select", "--ignore", "SSOT005", "--config"]), {
    ignore: ["SSOT005"],
    unknown: ["--fix", "--select", "--config"],
  });
});

void test("no arguments ask for nothing", () => {
  assert.deepEqual(lintArgs([]), { unknown: [] });
});
