// The server half of bench/mcp-load.ts: a real Railyard app (group commit on, as `railyard serve`)
// on a fresh temp data dir, seeded with a project, a module and N developers with plugin keys, then
// listening on loopback. Prints one JSON line {url, keys, pid} on stdout once it accepts requests,
// and removes its data dir on SIGTERM. `--raw` serves the baseline instead: a plain Bun.serve JSON
// endpoint that parses the body and answers a JSON-RPC-shaped result of similar size.
//
//   bun bench/mcp-server.ts --agents 64 [--mcp fast|sdk] [--database-url URL [--join FIRST_NODE_DATA_DIR]]
//   bun bench/mcp-server.ts --raw
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App } from "../src/app.ts";
import { extractFlags, loadConfig, type Config } from "../src/config.ts";
import { SYSTEM, withActor } from "../src/core/context.ts";
import { createKey } from "../src/core/key/create-key.ts";
import { createModule } from "../src/core/project/create-module.ts";
import { createProject } from "../src/core/project/create-project.ts";
import { transact } from "../src/core/transact.ts";
import { insertUser } from "../src/core/user/create-user.ts";
import { hashPassword } from "../src/core/user/password.ts";
import { createHttpApp } from "../src/http/app.ts";
import { WEB_ASSETS } from "../src/http/web-assets.generated.ts";
import { createLogger } from "../src/logger.ts";
import { createMcpEndpoint } from "../src/mcp/handler.ts";

export interface BenchServer {
  readonly url: string;
  readonly keys: readonly string[];
  stop(): Promise<void>;
}

/** The app under test, seeded; `mcp: "sdk"` serves every request through the SDK (no fast path). */
export async function startBenchServer(agents: number, mcp: "fast" | "sdk" = "fast", postgres: { databaseUrl: string; join?: string } | null = null): Promise<BenchServer & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "railyard-bench-"));
  // A second node on the same database gets the first node's keys and seeds nothing.
  if (postgres?.join) for (const file of ["audit.key", "session.key"]) copyFileSync(join(postgres.join, file), join(dataDir, file));
  const flags = ["--data-dir", dataDir, "--log-level", "silent", "--key-rate-limit", "1000000", ...(postgres ? ["--database-url", postgres.databaseUrl] : [])];
  const config = loadConfig(extractFlags(flags).flags, {}, dataDir);
  const app = await createApp({ config, logger: createLogger("silent") });
  const system = withActor(app.services, SYSTEM);
  if (postgres?.join) return serveBench(app, config, mcp, dataDir, []);
  await createProject({ ctx: system, input: { slug: "bench", name: "Bench", protectedGlobs: ["vendor/**"] } });
  await createModule({ ctx: system, input: { projectSlug: "bench", name: "api", globs: ["src/api/**"] } });
  const passwordHash = await hashPassword("Bench-passphrase-not-secret-1");
  const keys: string[] = [];
  for (let i = 0; i < agents; i++) {
    const user = await transact(system, (tx, record) => insertUser(tx, record, Date.now(), { email: `agent${i}@bench.test`, name: `Agent ${i}`, role: "developer", passwordHash }));
    keys.push((await createKey({ ctx: system, input: { name: "bench", userId: user.id } })).key);
  }
  return serveBench(app, config, mcp, dataDir, keys);
}

function serveBench(app: App, config: Config, mcp: "fast" | "sdk", dataDir: string, keys: string[]): BenchServer & { dataDir: string } {
  // The same HTTP stack as the app's, with the MCP endpoint built for the variant under test.
  const http = mcp === "fast" ? app.http : createHttpApp({
    services: app.services, config, web: WEB_ASSETS,
    mcp: createMcpEndpoint(app.services, { version: "bench", maxBodyBytes: config.maxBodyBytes, fastPath: false }),
  });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: http.fetch, maxRequestBodySize: config.maxBodyBytes, idleTimeout: 60 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    keys,
    dataDir,
    stop: async () => {
      await server.stop(true);
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The baseline: what Bun.serve plus JSON.parse/JSON.stringify cost with nothing else. */
export function startRawServer(): BenchServer {
  const server = Bun.serve({
    hostname: "127.0.0.1", port: 0, idleTimeout: 60,
    fetch: async (request) => {
      const body = (await request.json()) as { id: number; params?: { name?: string } };
      const structured = { run_id: "run_AAAAAAAAAAAAAAAAAAAA", recorded: true, name: body.params?.name ?? null };
      return new Response(JSON.stringify({ result: { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured }, jsonrpc: "2.0", id: body.id }), { headers: { "content-type": "application/json" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, keys: [], stop: () => server.stop(true) };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const value = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
  const agents = Number(value("agents", "64"));
  const mcp = value("mcp", "fast");
  if (mcp !== "fast" && mcp !== "sdk") throw new Error(`--mcp must be fast or sdk, not ${mcp}`);
  const databaseUrl = value("database-url", "");
  const postgres = databaseUrl ? { databaseUrl, join: value("join", "") || undefined } : null;
  const served = argv.includes("--raw") ? { ...startRawServer(), dataDir: "" } : await startBenchServer(agents, mcp, postgres);
  process.stdout.write(`${JSON.stringify({ url: served.url, keys: served.keys, pid: process.pid, dataDir: served.dataDir })}\n`);
  const stop = () => void served.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
