// VS Code client for the ssotlint language server (`ssotlint server`, LSP 3.17 over stdio).
//
// The extension only starts the server and forwards settings; diagnostics, quick fixes
// and `source.fixAll.ssotlint` come from the server through vscode-languageclient.

import { constants as fsConstants } from "fs";
import * as fs from "fs/promises";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  State,
} from "vscode-languageclient/node";
import { lintArgs } from "./lintArgs";

const CLIENT_ID = "ssotlint";
const CLIENT_NAME = "ssotlint";
/** Settings that need a new server process when they change. */
const PROCESS_SETTINGS = ["ssotlint.enable", "ssotlint.path", "ssotlint.importStrategy", "ssotlint.args"];
/** Settings the server reads itself (initializationOptions / didChangeConfiguration). */
const SERVER_SETTINGS = [
  "ssotlint.configPath",
  "ssotlint.select",
  "ssotlint.ignore",
  "ssotlint.lint.args",
  "ssotlint.logLevel",
];
/** The server's "disable for this line" quick fix; every other quick fix fixes the violation. */
const DISABLE_RULE_TITLE = /^Disable \S+ for this line$/;
const EXE_SUFFIX = process.platform === "win32" ? ".exe" : "";
const CONFIG_FILES_GLOB = "**/{ssotlint.toml,.ssotlint.toml,pyproject.toml}";

/** The options object the server accepts, in initializationOptions and under `settings.ssotlint`. */
export interface ServerSettings {
  configPath?: string;
  select?: string[];
  ignore?: string[];
  logLevel: string;
}

let client: LanguageClient | undefined;
/** Where the extension is installed: `bundled/` below it may hold a server binary. */
let extensionDir = "";
let outputChannel: vscode.OutputChannel;
let traceChannel: vscode.OutputChannel;
let statusItem: vscode.LanguageStatusItem | undefined;
/** Serialises start/stop/restart so that quick successive commands do not race. */
let lifecycle: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  extensionDir = context.extensionPath;
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  traceChannel = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  statusItem = vscode.languages.createLanguageStatusItem("ssotlint.status", { language: "python" });
  statusItem.name = CLIENT_NAME;
  statusItem.command = { title: "Show Logs", command: "ssotlint.showLogs" };
  context.subscriptions.push(outputChannel, traceChannel, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand("ssotlint.restart", () => schedule(restart)),
    vscode.commands.registerCommand("ssotlint.showLogs", () => outputChannel.show(true)),
    vscode.commands.registerCommand("ssotlint.fixAll", () =>
      vscode.commands.executeCommand("editor.action.codeAction", {
        kind: "source.fixAll.ssotlint",
        apply: "first",
      }),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (PROCESS_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        void schedule(restart);
      } else if (SERVER_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        void pushSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => schedule(restart)),
  );

  void schedule(start);
}

export function deactivate(): Thenable<void> | undefined {
  return schedule(stop);
}

function schedule(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

async function start(): Promise<void> {
  if (!vscode.workspace.getConfiguration("ssotlint").get<boolean>("enable", true)) {
    outputChannel.appendLine("ssotlint.enable is false: the server is not started");
    updateStatus(State.Stopped, "disabled (ssotlint.enable)");
    return;
  }
  const found = await findExecutable();
  if (typeof found !== "string") {
    const message = `ENOENT: no ssotlint executable; tried ${found.tried.join(", ")} (PATH=${process.env.PATH ?? ""})`;
    updateStatus(State.Stopped, message);
    // Not awaited: the notification stays until dismissed, and must not hold up a restart.
    void reportStartFailure(found.tried.join(", "), new Error(message));
    return;
  }
  const serverOptions = buildServerOptions(found);
  const executable = serverOptions.command;
  outputChannel.appendLine(`Starting ${executable} ${(serverOptions.args ?? []).join(" ")}`);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    initializationOptions: serverSettings(undefined),
    outputChannel,
    traceOutputChannel: traceChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      // Config reload on change: the server also re-reads configs it knows about.
      fileEvents: vscode.workspace.createFileSystemWatcher(CONFIG_FILES_GLOB),
    },
    middleware: {
      // ssotlint.codeAction.* hide kinds of quick fixes the server offers.
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        if (!Array.isArray(actions)) {
          return actions;
        }
        const config = vscode.workspace.getConfiguration("ssotlint.codeAction", document.uri);
        const fixes = config.get<boolean>("fixViolation.enable", true);
        const disables = config.get<boolean>("disableRuleComment.enable", true);
        return actions.filter((action) => {
          if (!(action instanceof vscode.CodeAction) || action.kind?.value !== "quickfix") {
            return true;
          }
          return DISABLE_RULE_TITLE.test(action.title) ? disables : fixes;
        });
      },
      workspace: {
        // Answer workspace/configuration for section "ssotlint" with the same shape the
        // server receives at initialize, resolved for the requested resource.
        configuration: (params, token, next) => {
          const fallback = next(params, token);
          return Promise.resolve(fallback).then((values) => {
            if (!Array.isArray(values)) {
              return values;
            }
            return params.items.map((item, i) =>
              item.section === "ssotlint"
                ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : (values[i] as unknown),
            );
          });
        },
      },
    },
  };

  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  newClient.onDidChangeState((event) => updateStatus(event.newState));
  client = newClient;
  updateStatus(State.Starting);
  try {
    await newClient.start();
  } catch (error) {
    updateStatus(State.Stopped, String(error));
    void reportStartFailure(executable, error);
  }
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    if (current.needsStop()) {
      await current.stop();
    }
  } catch (error) {
    outputChannel.appendLine(`Error while stopping the server: ${String(error)}`);
  }
  try {
    await current.dispose();
  } catch {
    // Already stopped or never started: nothing left to release.
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function pushSettings(): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    return;
  }
  await client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { ssotlint: serverSettings(undefined) },
  });
}

function buildServerOptions(command: string): Executable {
  const config = vscode.workspace.getConfiguration("ssotlint");
  const args = config.get<string[]>("args") ?? ["server"];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return {
    command,
    args: args.map((arg) => expandVariables(arg, undefined)),
    options: folder === undefined ? {} : { cwd: folder },
  };
}

/**
 * The server binary, like ruff-vscode finds ruff: the first executable of `ssotlint.path`
 * (a list of candidates); else, by `ssotlint.importStrategy`, the environment's
 * (`fromEnvironment`: the workspace's `.venv`/`venv`, then `PATH`, then the bundled one)
 * or the one bundled under the extension's `bundled/` directory (`useBundled`).
 * The workspace's virtualenvs count only in a trusted workspace: a cloned repository must
 * not choose the binary VS Code runs.
 */
async function findExecutable(): Promise<string | { tried: string[] }> {
  const config = vscode.workspace.getConfiguration("ssotlint");
  const configured = config.get<string | string[]>("path") ?? [];
  const paths = (Array.isArray(configured) ? configured : [configured]).filter((p) => p.trim() !== "");
  const bundled = path.join(extensionDir, "bundled", `ssotlint${EXE_SUFFIX}`);
  let candidates: string[];
  if (paths.length > 0) {
    candidates = paths.map(resolveExecutable);
  } else if (config.get<string>("importStrategy") === "useBundled") {
    candidates = [bundled];
  } else {
    const folder = vscode.workspace.isTrusted ? workspaceFolderFor(undefined) : undefined;
    const bin = process.platform === "win32" ? "Scripts" : "bin";
    const venvs =
      folder === undefined ? [] : [".venv", "venv"].map((v) => path.join(folder, v, bin, `ssotlint${EXE_SUFFIX}`));
    candidates = [...venvs, "ssotlint", bundled];
  }
  for (const candidate of candidates) {
    const found = await executablePath(candidate);
    if (found !== undefined) {
      return found;
    }
  }
  return { tried: candidates };
}

/**
 * The settings the server understands; unset values are left out rather than sent as null.
 * `ssotlint.configPath`, `ssotlint.select` and `ssotlint.ignore` win over `ssotlint.lint.args`.
 */
export function serverSettings(scope: vscode.Uri | undefined): ServerSettings {
  const config = vscode.workspace.getConfiguration("ssotlint", scope);
  const settings: ServerSettings = { logLevel: config.get<string>("logLevel") ?? "info" };
  const fromArgs = lintArgs(config.get<string[]>("lint.args") ?? []);
  if (fromArgs.unknown.length > 0) {
    outputChannel.appendLine(
      `ssotlint.lint.args: ignored ${fromArgs.unknown.join(" ")} (only --select, --ignore and --config apply)`,
    );
  }
  if (fromArgs.config !== undefined) {
    settings.configPath = resolvePath(expandVariables(fromArgs.config, scope), scope);
  }
  if (fromArgs.select !== undefined) {
    settings.select = fromArgs.select;
  }
  if (fromArgs.ignore !== undefined) {
    settings.ignore = fromArgs.ignore;
  }
  const configPath = config.get<string | null>("configPath");
  if (typeof configPath === "string" && configPath.trim() !== "") {
    settings.configPath = resolvePath(expandVariables(configPath.trim(), scope), scope);
  }
  const select = config.get<string[] | null>("select");
  if (Array.isArray(select)) {
    settings.select = select;
  }
  const ignore = config.get<string[] | null>("ignore");
  if (Array.isArray(ignore)) {
    settings.ignore = ignore;
  }
  return settings;
}

function workspaceFolderFor(scope: vscode.Uri | undefined): string | undefined {
  const folder =
    (scope !== undefined ? vscode.workspace.getWorkspaceFolder(scope) : undefined) ??
    vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

function expandVariables(value: string, scope: vscode.Uri | undefined): string {
  let result = value;
  if (result === "~" || result.startsWith("~/")) {
    result = path.join(os.homedir(), result.slice(1));
  }
  result = result.replace(/\$\{userHome\}/g, os.homedir());
  const folder = workspaceFolderFor(scope);
  if (folder !== undefined) {
    result = result.replace(/\$\{workspaceFolder\}/g, folder);
  }
  return result;
}

function resolvePath(value: string, scope: vscode.Uri | undefined): string {
  if (path.isAbsolute(value)) {
    return value;
  }
  const folder = workspaceFolderFor(scope);
  return folder === undefined ? value : path.resolve(folder, value);
}

/** A bare name stays as it is (looked up on PATH); a relative path is taken from the workspace. */
function resolveExecutable(value: string): string {
  const expanded = expandVariables(value.trim() === "" ? "ssotlint" : value.trim(), undefined);
  if (!expanded.includes("/") && !expanded.includes("\\")) {
    return expanded;
  }
  return resolvePath(expanded, undefined);
}

/** The executable file `command` names, as a path or looked up on PATH; undefined when there is none. */
async function executablePath(command: string): Promise<string | undefined> {
  const candidates: string[] = [];
  if (command.includes("/") || command.includes("\\")) {
    candidates.push(command);
  } else {
    const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      if (dir !== "") {
        for (const ext of exts) {
          candidates.push(path.join(dir, command + ext));
        }
      }
    }
  }
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) {
        return candidate;
      }
    } catch {
      // Not there or not executable: try the next candidate.
    }
  }
  return undefined;
}

function updateStatus(state: State, detail?: string): void {
  if (statusItem === undefined) {
    return;
  }
  switch (state) {
    case State.Starting:
      statusItem.text = "ssotlint: starting";
      statusItem.severity = vscode.LanguageStatusSeverity.Information;
      statusItem.busy = true;
      break;
    case State.Running:
      statusItem.text = "ssotlint";
      statusItem.severity = vscode.LanguageStatusSeverity.Information;
      statusItem.busy = false;
      break;
    case State.Stopped:
      statusItem.text = "ssotlint: stopped";
      statusItem.severity = vscode.LanguageStatusSeverity.Warning;
      statusItem.busy = false;
      break;
  }
  statusItem.detail = detail;
}

async function reportStartFailure(executable: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  outputChannel.appendLine(`Failed to start ${executable}: ${message}`);
  const notFound = /ENOENT/.test(message);
  const text = notFound
    ? `ssotlint: no server executable found (tried ${executable}). Install ssotlint or set "ssotlint.path".`
    : `ssotlint: the language server failed to start: ${message}`;
  const choice = await vscode.window.showErrorMessage(text, "Open Settings", "Show Logs");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "ssotlint.path");
  } else if (choice === "Show Logs") {
    outputChannel.show(true);
  }
}
