// MCP load: N concurrent agents (default 64) each loop start_run → report_files → report_build →
// advance_phase → finish_run against the real server (Bun.serve on loopback, v2 SDK client), bounded
// by iterations and time. Baseline in the same run: a raw Bun.serve JSON endpoint under the same
// concurrency. Prints tool calls/s, p50/p99 latency, RSS before/after (two rounds, to show memory
// stays flat: the server keeps no per-session state) and the ratio against the baseline.
//
//   bun bench/mcp-load.ts [--agents 64] [--iterations 5] [--seconds 20]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createApp } from "../src/app.ts";
import { extractFlags, loadConfig } from "../src/config.ts";
import { withActor, SYSTEM } from "../src/core/context.ts";
import { createKey } from "../src/core/key/create-key.ts";
import { createModule } from "../src/core/project/create-module.ts";
import { createProject } from "../src/core/project/create-project.ts";
import { transact } from "../src/core/transact.ts";
import { insertUser } from "../src/core/user/create-user.ts";
import { hashPassword } from "../src/core/user/password.ts";
import { createLogger } from "../src/logger.ts";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const AGENTS = flag("agents", 64);
const ITERATIONS = flag("iterations", 5);
const SECONDS = flag("seconds", 20);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const dataDir = mkdtempSync(join(tmpdir(), "railyard-bench-"));
const config = loadConfig(extractFlags(["--data-dir", dataDir, "--log-level", "silent", "--key-rate-limit", "1000000"]).flags, {}, dataDir);
const app = createApp({ config, logger: createLogger("silent"), groupCommit: !process.argv.includes("--no-group-commit") });
const system = withActor(app.services, SYSTEM);
createProject({ ctx: system, input: { slug: "bench", name: "Bench", protectedGlobs: ["vendor/**"] } });
createModule({ ctx: system, input: { projectSlug: "bench", name: "api", globs: ["src/api/**"] } });
const passwordHash = await hashPassword("Bench-passphrase-not-secret-1");
const keys = Array.from({ length: AGENTS }, (_, i) => {
  const user = transact(system, (tx, record) => insertUser(tx, record, Date.now(), { email: `agent${i}@bench.test`, name: `Agent ${i}`, role: "developer", passwordHash }));
  return createKey({ ctx: system, input: { name: "bench", userId: user.id } }).key;
});

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.http.fetch, maxRequestBodySize: config.maxBodyBytes });
const url = `http://127.0.0.1:${server.port}`;

async function agentLoop(key: string, deadline: number, latencies: number[]): Promise<number> {
  const client = new Client({ name: "bench", version: "1" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  let calls = 0;
  const call = async (name: string, args: Record<string, unknown>) => {
    const t = performance.now();
    const result = await client.callTool({ name, arguments: args });
    latencies.push(performance.now() - t);
    calls++;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 200)}`);
    return result.structuredContent as any;
  };
  for (let i = 0; i < ITERATIONS && performance.now() < deadline; i++) {
    const run = (await call("start_run", { project: "bench", title: `load ${i}` })).run_id;
    await call("report_files", { run_id: run, action: "modified", paths: ["src/api/a.ts", "src/api/b.ts", "src/api/c.ts"] });
    await call("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1234, log_tail: "42 passed" });
    await call("advance_phase", { run_id: run, phase: "build" });
    await call("finish_run", { run_id: run, outcome: "cancelled", summary: "load test" });
  }
  await client.close();
  return calls;
}

async function mcpRound(): Promise<{ calls: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const counts = await Promise.all(keys.map((key) => agentLoop(key, started + SECONDS * 1000, latencies)));
  return { calls: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

async function rawRound(requestsPerAgent: number): Promise<{ calls: number; seconds: number; latencies: number[] }> {
  const raw = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (request) => Response.json({ ok: true, echo: ((await request.json()) as { id: number }).id }) });
  const latencies: number[] = [];
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "report_build", arguments: { run_id: "run_x", kind: "test", exit_code: 0, duration_ms: 1 } } });
  const started = performance.now();
  await Promise.all(Array.from({ length: AGENTS }, async () => {
    for (let i = 0; i < requestsPerAgent; i++) {
      const t = performance.now();
      await (await fetch(`http://127.0.0.1:${raw.port}/`, { method: "POST", headers: { "content-type": "application/json" }, body })).json();
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await raw.stop(true);
  return { calls: AGENTS * requestsPerAgent, seconds, latencies: latencies.sort((a, b) => a - b) };
}

Bun.gc(true);
const rssBefore = process.memoryUsage().rss;
const round1 = await mcpRound();
Bun.gc(true);
const rssAfter1 = process.memoryUsage().rss;
const round2 = await mcpRound();
Bun.gc(true);
const rssAfter2 = process.memoryUsage().rss;
const baseline = await rawRound(Math.max(1, Math.round(round2.calls / AGENTS)));

const line = (label: string, r: { calls: number; seconds: number; latencies: number[] }) =>
  `${label.padEnd(28)} ${r.calls} calls in ${r.seconds.toFixed(2)} s = ${(r.calls / r.seconds).toFixed(0)} calls/s, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms`;
console.log(`workload: ${AGENTS} concurrent agents × ≤${ITERATIONS} loops of 5 tool calls (≤${SECONDS} s per round), server and clients in one process`);
console.log(line("MCP round 1", round1));
console.log(line("MCP round 2", round2));
console.log(line("raw Bun.serve JSON (baseline)", baseline));
console.log(`ratio (baseline calls/s ÷ MCP calls/s, round 2): ${((baseline.calls / baseline.seconds) / (round2.calls / round2.seconds)).toFixed(1)}×`);
console.log(`RSS: before ${mb(rssBefore)}, after round 1 ${mb(rssAfter1)}, after round 2 ${mb(rssAfter2)} (round 2 growth ${mb(rssAfter2 - rssAfter1)})`);

await server.stop(true);
app.close();
rmSync(dataDir, { recursive: true, force: true });
