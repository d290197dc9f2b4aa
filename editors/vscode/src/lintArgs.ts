// `ssotlint.lint.args`, kept free of the `vscode` module so that it is unit-tested in plain Node.

/** What `ssotlint.lint.args` asks of the server; `unknown` lists the arguments it cannot apply. */
export interface LintArgs {
  select?: string[];
  ignore?: string[];
  config?: string;
  unknown: string[];
}

/**
 * `ssotlint.lint.args` in the server's terms: `--select`, `--ignore` (codes, comma
 * separated) and `--config FILE`, as on the command line. Anything else is reported.
 */
export function lintArgs(args: string[]): LintArgs {
  const result: LintArgs = { unknown: [] };
  for (let i = 0; i < args.length; i++) {
    const match = /^(--select|--ignore|--config)(?:=(.*))?$/.exec(args[i]);
    if (match === null) {
      result.unknown.push(args[i]);
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      // A flag without its value (last, or followed by another flag) cannot apply.
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) {
        result.unknown.push(args[i]);
        continue;
      }
      value = next;
      i++;
    }
    const codes = value.split(",").map((c) => c.trim()).filter((c) => c !== "");
    if (match[1] === "--select") {
      result.select = [...(result.select ?? []), ...codes];
    } else if (match[1] === "--ignore") {
      result.ignore = [...(result.ignore ?? []), ...codes];
    } else {
      result.config = value;
    }
  }
  return result;
}
