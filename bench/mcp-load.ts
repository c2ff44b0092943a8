// MCP load. Workload: N concurrent agents (64, then 4), each looping start_run → report_files →
// report_build → advance_phase → finish_run as plain 2026-07-28 (stateless) JSON-RPC over keep-alive
// fetch, bounded by iterations and seconds per round. Every call is a durable write.
//
// The servers run in their own processes pinned to CPU 0 (`taskset -c 0`), each on a fresh temp
// data dir (bench/mcp-server.ts); this process re-executes itself pinned to CPU 1 and generates the
// load. Servers measured in the same run: the app with the MCP fast path, the app with every
// request through the SDK (`--mcp sdk`, the old way), and the baseline, a raw Bun.serve JSON
// endpoint under the same load. Prints calls/s, p50/p99 for each and the ratios.
//
// With --only …,pg,pg2 it also measures the app on PostgreSQL: a private cluster (scripts/pg-cluster.ts,
// fsync on) with one node, and two nodes on one database with the agents split between them. The
// PostgreSQL server's processes are not pinned: they share the machine with the nodes and the load.
//
//   bun bench/mcp-load.ts [--agents 64] [--small 4] [--iterations 2000] [--seconds 10] [--only raw,fast,sdk,pg,pg2]
//                         [--workload cycle|scope] [--in-process] [--profile DIR]
//
// --workload scope: every call is get_scope (a read, nothing to commit), to see the edge without fsync.
// --in-process: the servers run inside this process instead (no pinning; quick look, not the figure).
// --profile DIR: the app servers run under `bun --cpu-prof --cpu-prof-md` and write their profiles to DIR.
import { startCluster } from "../scripts/pg-cluster.ts";
import { startBenchServer, startRawServer, type BenchServer } from "./mcp-server.ts";

const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const AGENTS = Number(value("agents", "64"));
const SMALL = Number(value("small", "4"));
const ITERATIONS = Number(value("iterations", "2000"));
const SECONDS = Number(value("seconds", "10"));
const ONLY = value("only", "raw,fast,sdk").split(",");
const IN_PROCESS = argv.includes("--in-process");
const PROFILE_DIR = value("profile", "");
const WORKLOAD = value("workload", "cycle");
if (WORKLOAD !== "cycle" && WORKLOAD !== "scope") throw new Error("--workload is cycle or scope");
const PROTOCOL = "2026-07-28";
const SERVER_SCRIPT = new URL("./mcp-server.ts", import.meta.url).pathname;

const canPin = !IN_PROCESS && Bun.which("taskset") !== null && navigator.hardwareConcurrency >= 2;
if (canPin && !argv.includes("--pinned")) {
  // Re-execute this script pinned to CPU 1 (argument array, no shell); the servers get CPU 0.
  const child = Bun.spawn(["taskset", "-c", "1", process.execPath, import.meta.path, ...argv, "--pinned"], { stdio: ["ignore", "inherit", "inherit"] });
  process.exit(await child.exited);
}

interface Round { readonly calls: number; readonly errors: number; readonly firstError: string | null; readonly seconds: number; readonly latencies: Float64Array; readonly serverCpuMs: number }
type Served = BenchServer & { readonly pid: number | null; readonly dataDir?: string; readonly urls?: readonly string[]; readonly pids?: readonly number[] };

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
async function cpuMs(pid: number | null): Promise<number> {
  if (pid === null) return Number.NaN;
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Starts a server variant in its own pinned process and waits for its JSON line. */
async function spawnServer(args: string[]): Promise<Served> {
  const profile = PROFILE_DIR && !args.includes("--raw") ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${args.join("").replace(/\W+/g, "-")}.md`] : [];
  const proc = Bun.spawn(["taskset", "-c", "0", process.execPath, ...profile, SERVER_SCRIPT, ...args], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let seen = "";
  const deadline = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server ${args.join(" ")} exited before reporting its URL: ${seen}`);
    seen += new TextDecoder().decode(value);
  }
  clearTimeout(deadline);
  reader.releaseLock();
  const { url, keys, dataDir } = JSON.parse(seen.slice(0, seen.indexOf("\n"))) as { url: string; keys: string[]; dataDir: string };
  return {
    url, keys, pid: proc.pid, dataDir,
    stop: async () => {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(killer);
    },
  };
}

const meta = { "io.modelcontextprotocol/protocolVersion": PROTOCOL, "io.modelcontextprotocol/clientInfo": { name: "railyard-bench", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} };

/** One agent: one call at a time over Bun's keep-alive connection pool (as many sockets as calls in flight). */
async function agentLoop(url: string, key: string, deadline: number, iterations: number, sink: { latencies: number[]; errors: number; firstError: string | null }): Promise<number> {
  let id = 0;
  let calls = 0;
  const headers = (method: string, name?: string): Record<string, string> => ({
    "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`,
    "mcp-protocol-version": PROTOCOL, "mcp-method": method, ...(name ? { "mcp-name": name } : {}),
  });
  const call = async (name: string, args: Record<string, unknown>): Promise<any> => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name, arguments: args, _meta: meta } });
    const t = performance.now();
    const response = await fetch(`${url}/mcp`, { method: "POST", headers: headers("tools/call", name), body });
    const text = await response.text();
    sink.latencies.push(performance.now() - t);
    calls++;
    const parsed = response.status === 200 ? (JSON.parse(text) as { result?: { isError?: boolean; structuredContent?: any } }) : null;
    if (!parsed?.result || parsed.result.isError) {
      sink.errors++;
      sink.firstError ??= `${name}: HTTP ${response.status} ${text.slice(0, 300)}`;
    }
    return parsed?.result?.structuredContent ?? {};
  };
  for (let i = 0; i < iterations && performance.now() < deadline; i++) {
    if (WORKLOAD === "scope") {
      for (let j = 0; j < 5; j++) await call("get_scope", { project: "bench" });
      continue;
    }
    const run = (await call("start_run", { project: "bench", title: `load ${i}` })).run_id ?? "run_AAAAAAAAAAAAAAAAAAAA";
    await call("report_files", { run_id: run, action: "modified", paths: ["src/api/a.ts", "src/api/b.ts", "src/api/c.ts"] });
    await call("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1234, log_tail: "42 passed" });
    await call("advance_phase", { run_id: run, phase: "build" });
    await call("finish_run", { run_id: run, outcome: "cancelled", summary: "load test" });
  }
  return calls;
}

async function round(server: Served, agents: number, iterations: number, seconds: number): Promise<Round> {
  const sink = { latencies: [] as number[], errors: 0, firstError: null as string | null };
  const keys = server.keys.length > 0 ? server.keys : Array.from({ length: agents }, () => "ryd_raw");
  const pids = server.pids ?? [server.pid];
  const urls = server.urls ?? [server.url];
  const cpu = async () => (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
  const cpuBefore = await cpu();
  const started = performance.now();
  // With several nodes, agent i talks to node i mod n (a round-robin load balancer).
  const counts = await Promise.all(keys.slice(0, agents).map((key, i) => agentLoop(urls[i % urls.length]!, key, started + seconds * 1000, iterations, sink)));
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuMs = (await cpu()) - cpuBefore;
  return { calls: counts.reduce((a, b) => a + b, 0), errors: sink.errors, firstError: sink.firstError, seconds: elapsed, latencies: Float64Array.from(sink.latencies).sort(), serverCpuMs };
}

const inProcess = async (server: Promise<BenchServer> | BenchServer): Promise<Served> => ({ ...(await server), pid: null });
const VARIANTS: Record<string, { label: string; start: () => Promise<Served> }> = {
  raw: { label: "raw Bun.serve JSON (baseline)", start: () => (IN_PROCESS ? inProcess(startRawServer()) : spawnServer(["--raw"])) },
  fast: { label: "Railyard /mcp (fast path)", start: () => (IN_PROCESS ? inProcess(startBenchServer(AGENTS, "fast")) : spawnServer(["--agents", String(AGENTS), "--mcp", "fast"])) },
  sdk: { label: "Railyard /mcp (SDK per request)", start: () => (IN_PROCESS ? inProcess(startBenchServer(AGENTS, "sdk")) : spawnServer(["--agents", String(AGENTS), "--mcp", "sdk"])) },
};

/** PostgreSQL variants: a private cluster (fsync on, as in production) shared by one or two nodes. */
const pg: { cluster: Awaited<ReturnType<typeof startCluster>> | null } = { cluster: null };
async function pgNodes(nodes: 1 | 2): Promise<Served> {
  const cluster = (pg.cluster ??= await startCluster());
  const db = new URL(cluster.url);
  db.pathname = `/bench_${nodes}_${Date.now()}`;
  Bun.spawnSync(["psql", "-X", "-q", "-d", cluster.url, "-c", `CREATE DATABASE ${db.pathname.slice(1)}`]);
  const first = await spawnServer(["--agents", String(AGENTS), "--mcp", "fast", "--database-url", db.toString()]);
  if (nodes === 1) return first;
  const second = await spawnServer(["--agents", String(AGENTS), "--mcp", "fast", "--database-url", db.toString(), "--join", first.dataDir!]);
  return {
    url: first.url, keys: first.keys, pid: first.pid, urls: [first.url, second.url], pids: [first.pid!, second.pid!],
    stop: async () => {
      await second.stop();
      await first.stop();
    },
  };
}
VARIANTS.pg = { label: "Railyard on PostgreSQL, 1 node", start: () => pgNodes(1) };
VARIANTS.pg2 = { label: "Railyard on PostgreSQL, 2 nodes", start: () => pgNodes(2) };

const results = new Map<string, Round>();
for (const name of ONLY) {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`unknown variant ${name}; use raw, fast, sdk, pg, pg2`);
  const server = await variant.start();
  try {
    await round(server, AGENTS, 2, 5); // warm-up: JIT, connections, statement caches
    results.set(`${name}@${AGENTS}`, await round(server, AGENTS, ITERATIONS, SECONDS));
    results.set(`${name}@${SMALL}`, await round(server, SMALL, ITERATIONS, SECONDS));
  } finally {
    await server.stop();
  }
}

pg.cluster?.stop();

const rate = (r: Round) => r.calls / r.seconds;
const fmt = (label: string, r: Round) =>
  `${label.padEnd(34)} ${String(r.calls).padStart(7)} calls in ${r.seconds.toFixed(2)} s = ${rate(r).toFixed(0).padStart(6)} calls/s  p50 ${percentile(r.latencies, 50).toFixed(2)} ms  p99 ${percentile(r.latencies, 99).toFixed(2)} ms  server CPU ${(r.serverCpuMs / r.calls).toFixed(3)} ms/call${r.errors ? `  ERRORS ${r.errors} (${r.firstError})` : ""}`;
console.log(`workload: ${WORKLOAD === "scope" ? "get_scope × 5" : "start_run → report_files → report_build → advance_phase → finish_run"} per agent, ≤${ITERATIONS} loops, ≤${SECONDS} s per round; ${IN_PROCESS ? "servers in this process" : "servers pinned to CPU 0 in their own processes, load pinned to CPU 1"}`);
for (const agents of [AGENTS, SMALL]) {
  console.log(`\n${agents} agents`);
  for (const name of ONLY) console.log(fmt(VARIANTS[name]!.label, results.get(`${name}@${agents}`)!));
  const raw = results.get(`raw@${agents}`);
  for (const name of ONLY.filter((n) => n !== "raw")) {
    const r = results.get(`${name}@${agents}`)!;
    if (raw) console.log(`ratio ${name} ÷ raw: calls/s ${(rate(r) / rate(raw)).toFixed(3)}, p50 ${(percentile(r.latencies, 50) / percentile(raw.latencies, 50)).toFixed(1)}×`);
  }
  const fast = results.get(`fast@${agents}`);
  const sdk = results.get(`sdk@${agents}`);
  if (fast && sdk) console.log(`ratio fast ÷ sdk: calls/s ${(rate(fast) / rate(sdk)).toFixed(2)}×, p50 ${(percentile(fast.latencies, 50) / percentile(sdk.latencies, 50)).toFixed(2)}×, server CPU per call ${(fast.serverCpuMs / fast.calls / (sdk.serverCpuMs / sdk.calls)).toFixed(2)}×`);
}
