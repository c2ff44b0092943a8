// Two agents on one project through the real /mcp transport, with the SDK's own clients of both
// protocol eras: a collision on a claimed path, and an agent that lost its context finding its run
// again with get_run and carrying on.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decideCheckpoint } from "../../src/core/checkpoint/decide-checkpoint.ts";
import { listProjectClaims } from "../../src/core/run/list-claims.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { connectV1, connectV2, seedAgent, serve, structured, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";

let app: TestApp;
let served: Served;
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" });
  served = serve(app);
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

type Caller = (name: string, args: Record<string, unknown>) => Promise<any>;
type Client = { listTools(): Promise<unknown>; callTool(p: { name: string; arguments: Record<string, unknown> }): Promise<unknown>; close(): Promise<void> };
const ERAS = [["v2 (2026-07-28)", connectV2], ["v1 (2025-11-25)", connectV1]] as const;

async function caller(client: Client): Promise<Caller> {
  await client.listTools();
  return async (name, args) => structured(await client.callTool({ name, arguments: args }));
}

describe.each(ERAS)("two agents in the %s era", (_era, connect) => {
  test("the second agent to plan a claimed path is told who holds it; after the holder finishes the path is free", async () => {
    const { slug } = await seedCanaryProject(app, `collide-${_era.slice(0, 2)}`);
    const alice = await seedAgent(app, "developer");
    const bob = await seedAgent(app, "lead");
    const [ca, cb] = [await connect(served, alice.key), await connect(served, bob.key)];
    const [a, b] = [await caller(ca as Client), await caller(cb as Client)];
    const runA = (await a("start_run", { project: slug, title: "Invoice PDF export" })).run_id;
    const runB = (await b("start_run", { project: slug, title: "Invoice totals" })).run_id;
    // Both plan at the same moment: exactly one holds the path.
    const [pa, pb] = await Promise.all([
      a("plan_work", { run_id: runA, units: [{ title: "export", paths: ["src/api/invoices.ts", "src/api/pdf.ts"] }] }),
      b("plan_work", { run_id: runB, units: [{ title: "totals", paths: ["src/api/invoices.ts"] }] }),
    ]);
    const [winner, loser] = pa.conflicts.length === 0 ? [{ call: a, run: runA, title: "Invoice PDF export", owner: "Test developer" }, { call: b, run: runB, conflict: pb.conflicts }] : [{ call: b, run: runB, title: "Invoice totals", owner: "Test lead" }, { call: a, run: runA, conflict: pa.conflicts }];
    expect(loser.conflict).toEqual([{ path: "src/api/invoices.ts", run_id: loser.run, held_by: { run_id: null, path: "src/api/invoices.ts", title: winner.title, owner: winner.owner, phase: "plan", since: expect.any(String) } }]);
    // The loser sees the conflict in get_scope and get_run; reporting a change to the path repeats it.
    expect((await loser.call("get_scope", { project: slug })).conflicts.map((c: any) => c.held_by.title)).toEqual([winner.title]);
    expect((await loser.call("report_files", { run_id: loser.run, action: "modified", paths: ["src/api/invoices.ts"] })).conflicts).toHaveLength(1);
    expect((await loser.call("get_run", { run_id: loser.run })).run.conflicts).toHaveLength(1);
    // People see the claim per project.
    const owner = (await seedUser(app, "owner")).actor;
    expect((await listProjectClaims({ ctx: app.ctx(owner), input: { slug } })).claims.map((c) => c.run.id)).toContain(winner.run);
    // The holder finishes: its claims end and the path can be claimed.
    await winner.call("finish_run", { run_id: winner.run, outcome: "cancelled", summary: "handing over" });
    expect((await loser.call("get_run", { run_id: loser.run })).run.conflicts).toEqual([]);
    expect((await loser.call("update_work_unit", { run_id: loser.run, unit_id: (await loser.call("get_run", { run_id: loser.run })).run.units[0].unit_id, status: "in_progress", paths: ["src/api/invoices.ts"] })).conflicts).toEqual([]);
    expect((await loser.call("get_run", { run_id: loser.run })).run.claims.map((c: any) => c.path)).toContain("src/api/invoices.ts");
    await ca.close();
    await cb.close();
  });

  test("an agent that lost its run id finds the run with get_run, sees where it stands, and carries on", async () => {
    const { slug } = await seedCanaryProject(app, `resume-${_era.slice(0, 2)}`);
    const agent = await seedAgent(app, "developer");
    const lead = (await seedUser(app, "lead")).actor;
    const first = await connect(served, agent.key);
    const before = await caller(first as Client);
    const run = (await before("start_run", { project: slug, title: "Resumable story", branch: "feat/resume" })).run_id;
    await before("plan_work", { run_id: run, units: [{ title: "endpoint", paths: ["src/api/resume.ts"] }] });
    await before("advance_phase", { run_id: run, phase: "build" });
    await before("advance_phase", { run_id: run, phase: "test" });
    await first.close();

    // A new session with no memory of the run.
    const second = await connect(served, agent.key);
    const after = await caller(second as Client);
    const again = await after("start_run", { project: slug, title: "Resumable story" });
    expect(again.warnings).toEqual([expect.stringContaining(run)]);
    await after("finish_run", { run_id: again.run_id, outcome: "cancelled", summary: "duplicate of an open run" });
    const open = (await after("get_run", {})).runs;
    expect(open).toEqual([expect.objectContaining({ run_id: run, title: "Resumable story", project: slug, phase: "test", status: "active", branch: "feat/resume", pending_checkpoints: 0 })]);
    const state = (await after("get_run", { run_id: run })).run;
    expect(state.units.map((u: any) => [u.title, u.status, u.paths])).toEqual([["endpoint", "planned", ["src/api/resume.ts"]]]);
    expect(state.claims.map((c: any) => c.path)).toEqual(["src/api/resume.ts"]);
    const forward = state.next_phases.find((p: any) => p.direction === "forward");
    expect(forward.phase).toBe("review");
    expect(forward.needs).toContain("report_build with kind 'test' and exit_code 0");
    expect(state.runbook.phases.find((p: any) => p.name === "test")).toMatchObject({ exit_requires: "passing_test", exit_evidence: expect.stringContaining("passing test") });

    // It supplies the evidence and reaches the gate; get_run then names the pending checkpoint.
    await after("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 10 });
    const gated = await after("advance_phase", { run_id: run, phase: "review" });
    const waiting = (await after("get_run", { run_id: run })).run;
    expect(waiting.status).toBe("awaiting_approval");
    expect(waiting.pending_checkpoints.map((c: any) => c.checkpoint_id)).toEqual([gated.checkpoint_id]);
    expect(waiting.message).toContain(gated.checkpoint_id);
    await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: gated.checkpoint_id, decision: "approve", reason: "ok" } });
    expect((await after("advance_phase", { run_id: run, phase: "review" })).phase).toBe("review");
    await second.close();
  });
});
