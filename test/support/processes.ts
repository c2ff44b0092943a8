// Real `railyard serve` processes for end-to-end tests: started on a free port, their output
// collected, MCP tool calls as plain JSON-RPC POSTs, and CLI commands run as processes.
import { join } from "node:path";

const main = join(import.meta.dir, "../../src/main.ts");
/** The environment of spawned processes: PATH only (no RAILYARD_* of the test run leaks in). */
export const processEnv = { PATH: process.env.PATH ?? "" };
const env = processEnv;

export interface Server {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  port: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process ended and its output was read. */
  exited: () => Promise<number>;
}

function collect(stream: ReadableStream<Uint8Array>, into: { text: string }, onText?: () => void): Promise<void> {
  return (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      into.text += decoder.decode(chunk, { stream: true });
      onText?.();
    }
  })();
}

/** Starts `railyard serve` on `dataDir` (a free port unless given) and waits until it listens. */
export async function startServer(dataDir: string, args: string[] = []): Promise<Server> {
  const proc = Bun.spawn([process.execPath, main, "serve", "--data-dir", dataDir, "--port", "0", "--key-rate-limit", "1000000", ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env });
  const out = { text: "" };
  const err = { text: "" };
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const reading = Promise.all([collect(proc.stdout, out, () => /"msg":"railyard listening"/.test(out.text) && listening()), collect(proc.stderr, err)]);
  const ended = proc.exited.then(async (code) => {
    await reading;
    return code;
  });
  await Promise.race([ready, ended.then((code) => Promise.reject(new Error(`server exited ${code} before listening: ${out.text} ${err.text}`)))]);
  const url = /"url":"(http[^"]+)"/.exec(out.text)![1]!;
  return { proc, url, port: Number(new URL(url).port), stdout: () => out.text, stderr: () => err.text, exited: () => ended };
}

export function runCli(args: string[], stdin?: string) {
  // Bounded: a server that starts when it should have been refused must not hang the suite.
  const result = Bun.spawnSync([process.execPath, main, ...args], { env, stdin: stdin === undefined ? "ignore" : new Blob([stdin]), timeout: 15_000 });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

export interface Rpc {
  status: number;
  result: any;
  error: any;
}

/** One MCP tool call as a plain JSON-RPC POST (stateless 2025-11-25 era, as test/support/mcp-call.ts). */
export async function callToolAt(url: string, key: string, name: string, args: unknown, signal?: AbortSignal): Promise<Rpc> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
    signal,
  });
  const body = await res.text();
  const data = body.startsWith("{") ? body : body.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
  const message = data ? JSON.parse(data) : {};
  return { status: res.status, result: message.result ?? null, error: message.error ?? null };
}

/** The structured result of a successful call, or null (refused, failed, or not answered). */
export const acknowledged = (rpc: Rpc): any => (rpc.status === 200 && rpc.result && rpc.result.isError !== true ? rpc.result.structuredContent : null);

