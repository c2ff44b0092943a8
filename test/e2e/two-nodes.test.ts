// Several nodes on one PostgreSQL database: a long poll on one node wakes when a person decides on
// another (LISTEN/NOTIFY), and when a node is killed under load the agents carry on against the
// other node without losing an acknowledged write; the shared trail then verifies.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decideCheckpoint } from "../../src/core/checkpoint/decide-checkpoint.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import { createTestApp, seedUser, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { createTestDatabase, dropTestDatabase, onPostgres, psql } from "../support/backend.ts";
import { api, login } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent } from "../support/mcp.ts";
import { startCluster } from "../../scripts/pg-cluster.ts";
import { acknowledged, callToolAt, runCli, startServer } from "../support/processes.ts";

const roots: string[] = [];
const databases: string[] = [];
afterAll(async () => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const url of databases.splice(0)) await dropTestDatabase(url);
});

/** A second node's data dir: the first node's audit and session keys, nothing else. */
function secondDataDir(first: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "railyard-node-b-")), "data");
  roots.push(dirname(dir));
  mkdirSync(dir, { mode: 0o700 });
  for (const file of ["audit.key", "session.key"]) copyFileSync(join(first, file), join(dir, file));
  return dir;
}
const dirname = (path: string) => path.slice(0, path.lastIndexOf("/"));

describe.skipIf(!onPostgres)("two nodes on one PostgreSQL database (needs a PostgreSQL server: npm run test:postgres)", () => {
  test("an agent's get_checkpoint long poll on node A answers within 1 s of a lead's approval on node B", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const a: TestApp = await createTestApp({ "database-url": url, "key-rate-limit": "1000000" });
    const b: TestApp = await createTestApp({ "database-url": url, "data-dir": secondDataDir(a.dataDir) });
    try {
      await createProject({ ctx: a.ctx(), input: { slug: "shop", name: "Shop" } });
      const dev = await seedAgent(a, "developer");
      const lead = (await seedUser(a, "lead")).actor;
      const ok = async (name: string, args: unknown) => {
        const r = await callTool(a, dev.key, name, args);
        if (r.isError || r.rpcError) throw new Error(`${name}: ${r.text}`);
        return r.structured;
      };
      const { run_id } = await ok("start_run", { project: "shop", title: "Across nodes" });
      await ok("advance_phase", { run_id, phase: "build" });
      await ok("advance_phase", { run_id, phase: "test" });
      await ok("report_build", { run_id, kind: "test", exit_code: 0, duration_ms: 5 });
      const gate = await ok("advance_phase", { run_id, phase: "review" });
      expect(gate.status).toBe("awaiting_approval");

      const polling = callTool(a, dev.key, "get_checkpoint", { checkpoint_id: gate.checkpoint_id, wait_seconds: 20 });
      await Bun.sleep(300);
      const decidedAt = performance.now();
      await decideCheckpoint({ ctx: b.ctx(lead), input: { checkpointId: gate.checkpoint_id, decision: "approve", reason: "looks right" } });
      const answer = await polling;
      const waited = performance.now() - decidedAt;
      expect(answer.structured.status).toBe("approved");
      expect(waited).toBeLessThan(1000);
    } finally {
      await b.close();
      await a.dispose();
    }
  }, 30_000);

  test("a plugin key's per-minute limit is shared by the nodes: the calls over it are refused whichever node they reach, and audited once", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const a: TestApp = await createTestApp({ "database-url": url, "key-rate-limit": "6" });
    const b: TestApp = await createTestApp({ "database-url": url, "key-rate-limit": "6", "data-dir": secondDataDir(a.dataDir) });
    try {
      await createProject({ ctx: a.ctx(), input: { slug: "shop", name: "Shop" } });
      const dev = await seedAgent(a, "developer");
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await callTool(i % 2 === 0 ? a : b, dev.key, "get_scope", { project: "shop" })).status);
      // Ten calls in one minute (the test clocks stand still), alternating nodes: the first six pass,
      // the other four are refused, and one refusal event is recorded for the window.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
      expect(Number(psql(url, "SELECT count(*) AS n FROM audit_events WHERE type = 'rate.limited'")[0]!.n)).toBe(1);
    } finally {
      await b.close();
      await a.dispose();
    }
  }, 30_000);

  test("a session made on node A works on node B; sign-in failures on both nodes add up to one lock", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const a: TestApp = await createTestApp({ "database-url": url });
    const b: TestApp = await createTestApp({ "database-url": url, "data-dir": secondDataDir(a.dataDir) });
    try {
      const { user } = await seedUser(a, "lead", "lee@example.test");
      const cookie = await login(a, "lee@example.test", TEST_PASSWORD);
      const me = await api(b, "GET", "/api/auth/me", { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(me.json.user.id).toBe(user.id);
      // Five wrong passwords for one account from one address, alternating nodes: both nodes lock it.
      const wrong = (node: TestApp) => api(node, "POST", "/api/auth/login", { body: { email: "lee@example.test", password: "wrong-synthetic-guess" } });
      for (let i = 0; i < 5; i++) expect((await wrong(i % 2 === 0 ? a : b)).status).toBe(401);
      for (const node of [a, b]) {
        const locked = await api(node, "POST", "/api/auth/login", { body: { email: "lee@example.test", password: TEST_PASSWORD } });
        expect(locked.status).toBe(429);
      }
    } finally {
      await b.close();
      await a.dispose();
    }
  }, 60_000);

  test("a person's live-update stream on node A shows a run an agent starts on node B", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const a: TestApp = await createTestApp({ "database-url": url });
    const b: TestApp = await createTestApp({ "database-url": url, "data-dir": secondDataDir(a.dataDir) });
    try {
      await createProject({ ctx: a.ctx(), input: { slug: "shop", name: "Shop" } });
      await seedUser(a, "lead", "lia@example.test");
      const cookie = await login(a, "lia@example.test", TEST_PASSWORD);
      const dev = await seedAgent(a, "developer");
      const stream = await a.request("/api/events", { headers: { cookie, origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-origin", accept: "text/event-stream" } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      const started = await callTool(b, dev.key, "start_run", { project: "shop", title: "Seen across nodes" });
      const runId = started.structured.run_id as string;
      let text = "";
      const deadline = Date.now() + 3000;
      while (!text.includes(runId) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      await reader.cancel();
      expect(text).toContain("event: change");
      expect(text).toContain(runId);
    } finally {
      await b.close();
      await a.dispose();
    }
  }, 30_000);

  test("a periodic job runs on one node at a time: the other node skips it while it runs, and takes it afterwards", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const a: TestApp = await createTestApp({ "database-url": url });
    const b: TestApp = await createTestApp({ "database-url": url, "data-dir": secondDataDir(a.dataDir) });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const ranOnA = a.store.exclusive!("checkpoint-sweep", () => held);
      await Bun.sleep(200);
      let ranB = false;
      expect(await b.store.exclusive!("checkpoint-sweep", async () => void (ranB = true))).toBe(false);
      expect(ranB).toBe(false);
      // Another job is not held up by this one.
      expect(await b.store.exclusive!("audit-purge", async () => {})).toBe(true);
      release();
      expect(await ranOnA).toBe(true);
      expect(await b.store.exclusive!("checkpoint-sweep", async () => void (ranB = true))).toBe(true);
      expect(ranB).toBe(true);
    } finally {
      await b.close();
      await a.dispose();
    }
  }, 30_000);

  test("node A killed with SIGKILL under load: agents carry on against node B, every acknowledged run is there, and audit verify passes", async () => {
    const url = await createTestDatabase();
    databases.push(url);
    const root = mkdtempSync(join(tmpdir(), "railyard-two-nodes-"));
    roots.push(root);
    const dirA = join(root, "a");
    const db = ["--database-url", url];
    expect(runCli(["users", "create", "--data-dir", dirA, ...db, "--email", "dev@example.test", "--role", "developer", "--password-stdin"], "a-long-synthetic-passphrase").code).toBe(0);
    const created = runCli(["keys", "create", "--data-dir", dirA, ...db, "--email", "dev@example.test", "--name", "agent"]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    psql(url, "INSERT INTO projects (id, slug, name, remote_url, protected_globs, created_at, updated_at) VALUES ('prj_twonodes000000000001', 'shop', 'Shop', NULL, '[]', 1, 1)");
    const nodeA = await startServer(dirA, db);
    const nodeB = await startServer(secondDataDir(dirA), db);

    const acked: string[] = [];
    let killed = false;
    const agent = async (n: number) => {
      for (let i = 0; i < 60; i++) {
        // Half the agents start on node A; when it dies they move to node B, as a load balancer would send them.
        const target = n % 2 === 0 && !killed ? nodeA : nodeB;
        try {
          const started = acknowledged(await callToolAt(target.url, key, "start_run", { project: "shop", title: `agent ${n} call ${i}` }));
          if (started?.run_id) acked.push(started.run_id);
        } catch {
          // Node A died mid-call: that call was not acknowledged; carry on against node B.
        }
      }
    };
    const agents = Array.from({ length: 8 }, (_, n) => agent(n));
    await Bun.sleep(400);
    nodeA.proc.kill("SIGKILL");
    killed = true;
    await nodeA.exited();
    await Promise.all(agents);

    const afterKill = acked.length;
    expect(afterKill).toBeGreaterThan(100);
    const stored = new Set(psql(url, "SELECT r.id FROM runs r WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.type = 'run.started' AND e.run_id = r.id)").map((r) => r.id as string));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);

    const verify = runCli(["audit", "verify", "--data-dir", dirA, ...db]);
    expect(verify.stdout).toContain("audit trail intact");
    expect(verify.code).toBe(0);
    nodeB.proc.kill("SIGTERM");
    expect(await nodeB.exited()).toBe(0);
  }, 90_000);
});

describe.skipIf(!onPostgres)("PostgreSQL goes away and comes back (a private cluster of its own; runs with npm run test:postgres)", () => {
  test("restarted under load: calls fail with a clear unavailable error meanwhile, the node recovers by itself, nothing acknowledged is lost", async () => {
    const cluster = await startCluster();
    const root = mkdtempSync(join(tmpdir(), "railyard-pg-restart-"));
    roots.push(root);
    const dir = join(root, "data");
    const db = ["--database-url", cluster.url];
    try {
      expect(runCli(["users", "create", "--data-dir", dir, ...db, "--email", "dev@example.test", "--role", "developer", "--password-stdin"], "a-long-synthetic-passphrase").code).toBe(0);
      const key = runCli(["keys", "create", "--data-dir", dir, ...db, "--email", "dev@example.test", "--name", "agent"]).stdout.trim();
      psql(cluster.url, "INSERT INTO projects (id, slug, name, remote_url, protected_globs, created_at, updated_at) VALUES ('prj_pgrestart00000000001', 'shop', 'Shop', NULL, '[]', 1, 1)");
      const node = await startServer(dir, db);

      const acked: string[] = [];
      const refusals: string[] = [];
      let down = false;
      let stop = false;
      const agent = async (n: number) => {
        for (let i = 0; !stop; i++) {
          const rpc = await callToolAt(node.url, key, "start_run", { project: "shop", title: `agent ${n} call ${i}` });
          const started = acknowledged(rpc);
          if (started?.run_id) acked.push(started.run_id);
          else if (down) refusals.push(rpc.status === 200 ? String(rpc.result?.content?.[0]?.text ?? rpc.error?.message) : `HTTP ${rpc.status}`);
          else await Bun.sleep(20);
        }
      };
      const agents = Array.from({ length: 4 }, (_, n) => agent(n));
      const started = Date.now() + 20_000;
      while (acked.length < 10 && Date.now() < started) await Bun.sleep(50);
      const beforeOutage = acked.length;
      down = true;
      cluster.ctl("stop", "fast");
      await Bun.sleep(500);
      cluster.ctl("start");
      down = false;
      const afterRestart = acked.length;
      // Recovered by itself: new calls are acknowledged again within a few seconds.
      const deadline = Date.now() + 10_000;
      while (acked.length < afterRestart + 20 && Date.now() < deadline) await Bun.sleep(100);
      stop = true;
      await Promise.all(agents);

      expect(beforeOutage).toBeGreaterThan(0);
      expect(acked.length).toBeGreaterThanOrEqual(afterRestart + 20);
      expect(refusals.length).toBeGreaterThan(0);
      for (const text of refusals) expect(text).toMatch(/unavailable|HTTP 503/);
      const stored = new Set(psql(cluster.url, "SELECT id FROM runs").map((r) => r.id as string));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      node.proc.kill("SIGTERM");
      expect(await node.exited()).toBe(0);
      expect(node.stdout() + node.stderr()).not.toContain("postgres://");
    } finally {
      cluster.stop();
    }
  }, 90_000);
});
