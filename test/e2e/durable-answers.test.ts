// Durable answers by construction: with every COMMIT and every log sync slowed down, no answer of
// either MCP era (long polls included) and no REST answer reaches the client before the write it
// reports is committed and synced. Each answer is checked at once through a second, independent
// connection to the database file (what is committed), and against the newest audit seq that a
// completed sync covered (what is durable).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import type { Client } from "@modelcontextprotocol/client";
import type { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { auditEvents, checkpoints, fileReports, projects, runs } from "../../src/db/schema/index.ts";
import { DAY } from "../../src/lib/time.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { inspect } from "../support/inspect.ts";
import { connectV1, connectV2, seedAgent, serve, structured, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { signedInAs } from "../support/session-cookie.ts";

// Long enough that an answer sent before its COMMIT would be read back as missing.
const SLOW_COMMIT_MS = 60;

let app: TestApp;
let served: Served;
let agent: Agent;
let v2: Client;
let v1: V1Client;
let commits = 0;
/** The newest audit seq a completed log sync covered. */
let durableSeq = 0;
const newestSeq = () => db().select({ seq: auditEvents.seq }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get()?.seq ?? 0;
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" }, {
    storeOptions: {
      beforeCommit: async () => {
        commits++;
        await Bun.sleep(SLOW_COMMIT_MS);
      },
      // Everything committed when the sync starts is durable once it ends.
      beforeSync: async () => {
        const covered = app ? newestSeq() : 0;
        await Bun.sleep(SLOW_COMMIT_MS);
        queueMicrotask(() => (durableSeq = Math.max(durableSeq, covered)));
      },
    },
  });
  await seedCanaryProject(app);
  agent = await seedAgent(app, "developer");
  served = serve(app);
  v2 = await connectV2(served, agent.key);
  v1 = await connectV1(served, agent.key);
});
afterAll(async () => {
  await v2?.close();
  await v1?.close();
  await served?.stop();
  await app?.dispose();
});

const db = () => inspect(app);
/** The run's events of `type`, each required to be durable already (covered by a completed sync). */
const eventsOf = (type: string, runId: string) => {
  const rows = db().select().from(auditEvents).where(and(eq(auditEvents.type, type), eq(auditEvents.runId, runId))).all();
  for (const row of rows) expect(row.seq).toBeLessThanOrEqual(durableSeq);
  return rows;
};

/** Drives a fresh run to the gated review phase; returns its id and the pending checkpoint. */
async function runAtReviewGate(client: Client | V1Client): Promise<{ runId: string; checkpointId: string }> {
  const call = async (name: string, args: Record<string, unknown>) => structured(await client.callTool({ name, arguments: args }));
  const { run_id: runId } = await call("start_run", { project: "shop", title: "Durable answers" });
  await call("advance_phase", { run_id: runId, phase: "build" });
  await call("advance_phase", { run_id: runId, phase: "test" });
  await call("report_build", { run_id: runId, kind: "test", exit_code: 0, duration_ms: 10 });
  const gate = await call("advance_phase", { run_id: runId, phase: "review" });
  expect(gate.status).toBe("awaiting_approval");
  return { runId, checkpointId: gate.checkpoint_id };
}

describe.each([["2026-07-28 (stateless)", () => v2], ["2025-11-25 (initialize handshake)", () => v1]] as const)("MCP era %s", (_era, client) => {
  test("every tool answer is already committed when it arrives", async () => {
    const before = commits;
    const started = structured(await client().callTool({ name: "start_run", arguments: { project: "shop", title: "Committed first" } }));
    expect(db().select().from(runs).where(eq(runs.id, started.run_id)).get()?.status).toBe("active");
    expect(eventsOf("run.started", started.run_id)).toHaveLength(1);

    await client().callTool({ name: "report_files", arguments: { run_id: started.run_id, action: "modified", paths: ["src/api/a.ts", "src/api/b.ts"] } });
    expect(db().select().from(fileReports).where(eq(fileReports.runId, started.run_id)).all()).toHaveLength(2);

    const { runId, checkpointId } = await runAtReviewGate(client());
    expect(db().select().from(checkpoints).where(eq(checkpoints.id, checkpointId)).get()?.status).toBe("pending");
    expect(db().select().from(runs).where(eq(runs.id, runId)).get()?.status).toBe("awaiting_approval");
    // The slowed commit really was on the path of these answers.
    expect(commits).toBeGreaterThan(before);
  });

  test("a refusal's audit event is committed before the refusal arrives", async () => {
    const started = structured(await client().callTool({ name: "start_run", arguments: { project: "shop", title: "Refused" } }));
    const refused = await client().callTool({ name: "advance_phase", arguments: { run_id: started.run_id, phase: "ship", summary: "skipping ahead" } });
    expect(refused.isError).toBe(true);
    expect(eventsOf("run.gate_refused", started.run_id)).toHaveLength(1);
  });

  test("a long poll that sees its checkpoint expire answers only after the expiry is committed", async () => {
    const { runId, checkpointId } = await runAtReviewGate(client());
    const waiting = client().callTool({ name: "get_checkpoint", arguments: { checkpoint_id: checkpointId, wait_seconds: 1 } });
    await Bun.sleep(50);
    // Time runs past the checkpoint's expiry while the agent waits.
    app.clock.advance(2 * DAY);
    const answer = structured(await waiting);
    expect(answer.status).toBe("expired");
    expect(db().select().from(checkpoints).where(eq(checkpoints.id, checkpointId)).get()?.status).toBe("expired");
    expect(eventsOf("checkpoint.expired", runId)).toHaveLength(1);
  });

  test("a long poll woken by a person's decision answers with what is committed", async () => {
    const { runId, checkpointId } = await runAtReviewGate(client());
    const lead = await signedInAs(app, "lead");
    const waiting = client().callTool({ name: "get_checkpoint", arguments: { checkpoint_id: checkpointId, wait_seconds: 10 } });
    await Bun.sleep(50);
    const decided = await app.request(`/api/checkpoints/${checkpointId}/approve`, { method: "POST", headers: { ...lead.headers, "content-type": "application/json" }, body: JSON.stringify({ reason: "looks right" }) });
    expect(decided.status).toBe(200);
    // The REST answer itself came after its commit.
    expect(db().select().from(checkpoints).where(eq(checkpoints.id, checkpointId)).get()?.status).toBe("approved");
    expect(structured(await waiting).status).toBe("approved");
    expect(eventsOf("checkpoint.approved", runId)).toHaveLength(1);
  });
});

describe("REST", () => {
  test("a created resource is committed before the 201/200 answer arrives", async () => {
    const admin = await signedInAs(app, "admin");
    const res = await app.request("/api/projects", { method: "POST", headers: { ...admin.headers, "content-type": "application/json" }, body: JSON.stringify({ slug: "durable", name: "Durable" }) });
    expect(res.status).toBeLessThan(300);
    expect(db().select().from(projects).where(eq(projects.slug, "durable")).get()?.name).toBe("Durable");
  });

  test("a refused request's audit event is committed before the refusal arrives", async () => {
    const before = db().select().from(auditEvents).where(eq(auditEvents.type, "origin.rejected")).all().length;
    const res = await app.request("/api/projects", { method: "POST", headers: { host: "evil.example", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(db().select().from(auditEvents).where(eq(auditEvents.type, "origin.rejected")).all()).toHaveLength(before + 1);
  });
});
