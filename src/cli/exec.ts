import { constants } from "node:os";
import pkg from "../../package.json" with { type: "json" };
import { reportBuildOverMcp } from "../mcp/report-build-client.ts";
import { redact, scan } from "../scanner/index.ts";
import type { Command } from "./io.ts";

export const EXEC_HELP = `railyard exec: run a build, test or lint command locally and report its result

Usage: railyard exec --run RUN_ID [--kind build|test|lint] -- CMD ARGS…

The command runs directly (an argument array, never a shell). Its output is shown as usual; the
exit code, the duration and the last 500 characters of output (scanned locally, findings redacted)
are reported to the run with the report_build tool. Exits with the command's exit code.

Environment: RAILYARD_URL (e.g. http://127.0.0.1:7433) and RAILYARD_KEY (a plugin key). The command
runs without them: every RAILYARD_* variable is removed from its environment.`;

export const LOG_TAIL_CHARS = 500;
const KINDS = ["build", "test", "lint"] as const;

/**
 * The command's environment: ours without Railyard's own variables. The command (a build, tests,
 * a post-install script) must not be able to read the plugin key, or any other RAILYARD_* setting.
 */
export function childEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !name.toUpperCase().startsWith("RAILYARD_")) out[name] = value;
  }
  return out;
}

/** Keeps the last `limit` characters of everything appended (bounded memory for any output size). */
class Tail {
  private text = "";
  constructor(private readonly limit: number) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit * 4);
  }
  value(): string {
    return this.text.slice(-this.limit);
  }
}

async function pump(stream: ReadableStream<Uint8Array>, write: (text: string) => void, tail: Tail): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    write(text);
    tail.push(text);
  }
}

/** `railyard exec`: runs CMD ARGS…, reports exit code, duration and the scanned log tail, exits with the command's code. */
export const execCommand: Command = async (argv, io) => {
  if (argv[0] === "--help" || argv[0] === "-h") {
    io.stdout(EXEC_HELP + "\n");
    return 0;
  }
  const split = argv.indexOf("--");
  const options = split === -1 ? argv : argv.slice(0, split);
  const cmd = split === -1 ? [] : argv.slice(split + 1);
  let runId: string | null = null;
  let kind: (typeof KINDS)[number] = "build";
  for (let i = 0; i < options.length; i++) {
    const [flag, inline] = options[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? options[++i];
    if (flag === "--run" && value) runId = value;
    else if (flag === "--kind" && value && (KINDS as readonly string[]).includes(value)) kind = value as (typeof KINDS)[number];
    else {
      io.stderr(`railyard exec: unexpected ${flag}; see railyard exec --help\n`);
      return 2;
    }
  }
  if (!runId || cmd.length === 0) {
    io.stderr("railyard exec: give --run RUN_ID and the command after --; see railyard exec --help\n");
    return 2;
  }
  const url = io.env.RAILYARD_URL;
  const key = io.env.RAILYARD_KEY;
  if (!url || !key) {
    io.stderr("railyard exec: set RAILYARD_URL (the server address) and RAILYARD_KEY (your plugin key)\n");
    return 2;
  }

  const tail = new Tail(LOG_TAIL_CHARS);
  const started = performance.now();
  let code: number;
  try {
    const child = Bun.spawn({ cmd, cwd: io.cwd, env: childEnv(io.env), stdin: "inherit", stdout: "pipe", stderr: "pipe" });
    await Promise.all([pump(child.stdout, io.stdout, tail), pump(child.stderr, io.stderr, tail)]);
    const exit = await child.exited;
    // Killed by a signal: report it the way shells do (128 + the signal number).
    code = child.signalCode ? 128 + (constants.signals[child.signalCode as keyof typeof constants.signals] ?? 15) : exit;
  } catch {
    io.stderr(`railyard exec: could not start ${cmd[0]} (not found or not executable)\n`);
    code = 127;
  }
  const durationMs = Math.max(0, Math.round(performance.now() - started));
  // Secrets and personal data in the output never leave this machine.
  const raw = tail.value();
  const logTail = redact(raw, scan(raw)).slice(-LOG_TAIL_CHARS);
  try {
    const refused = await reportBuildOverMcp({ url, key, version: pkg.version, report: { run_id: runId, kind, exit_code: code, duration_ms: durationMs, ...(logTail ? { log_tail: logTail } : {}) } });
    if (refused) io.stderr(`railyard exec: the server did not record the result: ${refused}\n`);
  } catch (error) {
    io.stderr(`railyard exec: could not report to ${url} (${(error as Error)?.name ?? "error"}); the command's exit code is kept\n`);
  }
  return code;
};
