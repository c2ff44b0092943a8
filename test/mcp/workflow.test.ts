// One run from start to finish through the real transport, with the server enforcing the runbook:
// exit evidence, gates held until a person (not the owner) approves, scope violations recorded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { connectV1, connectV2, seedAgent, serve, structured, textOf, type Agent, type Served } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { eventsOf, runRow, runSnapshot } from "../support/runs.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let served: Served;
let dev: Agent;
let leadHeaders: Record<string, string>;
beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  served = serve(app);
  dev = await seedAgent(app, "developer");
  leadHeaders = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

const events = (type: string, runId: string) => eventsOf(app, { type, runId });
const driftOf = async (runId: string) => (await runSnapshot(app, runId)).drift;

describe("a run from start to finish (v2 client, 2026-07-28 era)", () => {
  test("plan → build → test (passing test required) → review (gated) → ship (gated) → completed", async () => {
    const c = await connectV2(served, dev.key);
    expect(c.getProtocolEra()).toBe("modern");
    const call = async (name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args });

    const start = structured(await call("start_run", { project: "shop", title: "Add invoices", ticket: "SHOP-12" }));
    const run = start.run_id as string;
    expect(start.phase).toBe("plan");
    expect(start.runbook.phases.map((p: any) => p.name)).toEqual(["plan", "build", "test", "review", "ship"]);
    expect(start.scope.editable).toEqual(["src/api/**"]);
    expect(start.scope.excluded).toEqual(["‹secret-billing›"]);

    const plan = structured(await call("plan_work", { run_id: run, units: [{ title: "Invoice endpoint", paths: ["src/api/invoices.ts"] }] }));
    const unit = plan.units[0].unit_id;
    expect(plan.violations).toEqual([]);
    structured(await call("update_work_unit", { run_id: run, unit_id: unit, status: "in_progress" }));
    expect(structured(await call("advance_phase", { run_id: run, phase: "build" })).phase).toBe("build");
    structured(await call("report_files", { run_id: run, action: "modified", paths: ["src/api/invoices.ts"] }));
    structured(await call("update_work_unit", { run_id: run, unit_id: unit, status: "done", note: "endpoint added" }));
    expect(structured(await call("advance_phase", { run_id: run, phase: "test" })).phase).toBe("test");

    // Leaving "test" needs a passing test reported since entering it.
    const early = await call("advance_phase", { run_id: run, phase: "review" });
    expect(early.isError).toBe(true);
    expect(textOf(early)).toContain("passing test");
    structured(await call("report_build", { run_id: run, kind: "test", exit_code: 1, duration_ms: 900, log_tail: "1 failed" }));
    expect((await call("advance_phase", { run_id: run, phase: "review" })).isError).toBe(true);
    structured(await call("report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 800, log_tail: "12 passed" }));

    // The gate holds until a lead who is not the owner approves.
    const gated = structured(await call("advance_phase", { run_id: run, phase: "review", summary: "ready for review" }));
    expect(gated.status).toBe("awaiting_approval");
    expect(gated.phase).toBe("test");
    expect(gated.message).toContain("pending approval by a lead (not the run's owner)");
    const ck = gated.checkpoint_id as string;
    const again = structured(await call("advance_phase", { run_id: run, phase: "review" }));
    expect(again.checkpoint_id).toBe(ck);
    expect(again.phase).toBe("test");
    expect((await runRow(app, run)).status).toBe("awaiting_approval");

    const queue = await api(app, "GET", "/api/checkpoints?status=pending", { headers: leadHeaders });
    const item = queue.json.checkpoints.find((x: any) => x.id === ck);
    expect(item).toMatchObject({ runTitle: "Add invoices", targetPhase: "review", requiredRole: "lead", canDecide: true, owner: { id: dev.userId } });

    // Long poll: answered as soon as the decision lands.
    const waiting = call("get_checkpoint", { checkpoint_id: ck, wait_seconds: 20 });
    await Bun.sleep(50);
    const approved = await api(app, "POST", `/api/checkpoints/${ck}/approve`, { headers: leadHeaders, body: { reason: "looks good" } });
    expect(approved.status).toBe(200);
    const decided = structured(await waiting);
    expect(decided).toMatchObject({ status: "approved", decider_role: "lead", reason: "looks good" });

    expect(structured(await call("advance_phase", { run_id: run, phase: "review" })).phase).toBe("review");
    const ship = structured(await call("advance_phase", { run_id: run, phase: "ship" }));
    expect(ship.status).toBe("awaiting_approval");
    await api(app, "POST", `/api/checkpoints/${ship.checkpoint_id}/approve`, { headers: leadHeaders, body: { reason: "ship it" } });
    expect(structured(await call("advance_phase", { run_id: run, phase: "ship" })).phase).toBe("ship");
    structured(await call("link_change", { run_id: run, branch: "feat/invoices", pr_url: "https://git.example.test/shop/pull/7", commit_sha: "9f2c1ab" }));
    const done = structured(await call("finish_run", { run_id: run, outcome: "completed", summary: "Invoices endpoint shipped", learnings: ["Invoice totals are computed in cents"] }));
    expect(done).toMatchObject({ status: "completed", notes_recorded: 1 });

    // Nothing changes after a run finished.
    const after = await call("report_usage", { run_id: run, model: "m", input_tokens: 1, output_tokens: 1 });
    expect(after.isError).toBe(true);
    expect(textOf(after)).toContain("completed");
    expect(await events("checkpoint.approved", run)).toHaveLength(2);
    expect(await events("run.gate_refused", run)).toHaveLength(2);
    await c.close();
  });
});

describe("gates and checkpoints", () => {
  async function runInPhase(agent: Agent, phase: string): Promise<string> {
    const c = await connectV1(served, agent.key);
    const run = structured((await c.callTool({ name: "start_run", arguments: { project: "shop", title: `to ${phase}` } }))).run_id as string;
    for (const p of ["build", "test"].slice(0, ["plan", "build", "test"].indexOf(phase))) {
      structured(await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: p } }));
    }
    await c.close();
    return run;
  }

  test("skipping over a gated phase is refused, recorded as run.gate_refused and a gate_skip drift signal", async () => {
    const c = await connectV1(served, dev.key);
    const run = structured(await c.callTool({ name: "start_run", arguments: { project: "shop", title: "skipper" } })).run_id;
    const result = await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "ship" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("advance to 'build' first");
    expect((await runRow(app, run)).phase).toBe("plan");
    const drift = await driftOf(run);
    expect(drift.map((d) => d.kind)).toEqual(["gate_skip"]);
    expect(await events("run.gate_refused", run)).toHaveLength(1);
    const finish = await c.callTool({ name: "finish_run", arguments: { run_id: run, outcome: "completed", summary: "done?" } });
    expect(finish.isError).toBe(true);
    expect(textOf(finish)).toContain("last phase");
    await c.close();
  });

  test("the run's owner cannot approve their own gate, an auditor or developer cannot either, and a rejection blocks the run", async () => {
    const leadAgent = await seedAgent(app, "lead");
    const run = await runInPhase(leadAgent, "test");
    const c = await connectV2(served, leadAgent.key);
    structured(await c.callTool({ name: "report_build", arguments: { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 } }));
    const ck = structured(await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "review" } })).checkpoint_id;
    const own = await api(app, "POST", `/api/checkpoints/${ck}/approve`, { headers: await sessionHeaders(app, leadAgent.human), body: { reason: "self" } });
    expect(own.status).toBe(403);
    for (const role of ["developer", "auditor"] as const) {
      const other = await api(app, "POST", `/api/checkpoints/${ck}/approve`, { headers: await sessionHeaders(app, (await seedUser(app, role)).actor), body: { reason: "me" } });
      expect(other.status).toBe(403);
    }
    // Plugin keys have no way in: the REST routes need a person's session.
    const byKey = await api(app, "POST", `/api/checkpoints/${ck}/approve`, { headers: { authorization: `Bearer ${leadAgent.key}` }, body: { reason: "agent" } });
    expect(byKey.status).toBe(401);
    const tooLong = await api(app, "POST", `/api/checkpoints/${ck}/reject`, { headers: leadHeaders, body: { reason: "r".repeat(501) } });
    expect(tooLong.status).toBe(400);
    expect(structured(await c.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: ck } })).status).toBe("pending");
    const rejected = await api(app, "POST", `/api/checkpoints/${ck}/reject`, { headers: leadHeaders, body: { reason: "add tests for refunds" } });
    expect(rejected.status).toBe(200);
    expect((await runRow(app, run)).status).toBe("blocked");
    const view = structured(await c.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: ck } }));
    expect(view).toMatchObject({ status: "rejected", reason: "add tests for refunds", decider_role: "lead" });
    // Still not in review: the gate holds; the run stays blocked, so even rework (moving back) waits for a person.
    expect((await runRow(app, run)).phase).toBe("test");
    const back = await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "build" } });
    expect(back.isError).toBe(true);
    expect(textOf(back)).toContain("request_approval");
    expect((await runRow(app, run)).status).toBe("blocked");
    await c.close();
  });

  test("a pending checkpoint expires: lazily on read, then the agent must ask again", async () => {
    const run = await runInPhase(dev, "test");
    const c = await connectV2(served, dev.key);
    structured(await c.callTool({ name: "report_build", arguments: { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 } }));
    const ck = structured(await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "review" } })).checkpoint_id;
    app.clock.advance(app.services.options.checkpointExpiryMs + 1);
    // Sessions time out over a day as well: sign the lead in again.
    leadHeaders = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
    expect(structured(await c.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: ck } })).status).toBe("expired");
    expect(await events("checkpoint.expired", run)).toHaveLength(1);
    expect((await runRow(app, run)).status).toBe("active");
    const late = await api(app, "POST", `/api/checkpoints/${ck}/approve`, { headers: leadHeaders, body: { reason: "late" } });
    expect(late.status).toBe(409);
    const fresh = structured(await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "review" } }));
    expect(fresh.checkpoint_id).not.toBe(ck);
    await c.close();
  });

  test("request_approval creates a checkpoint a lead decides; get_checkpoint without a decision returns pending at once", async () => {
    const c = await connectV1(served, dev.key);
    const run = structured(await c.callTool({ name: "start_run", arguments: { project: "shop", title: "upgrade deps" } })).run_id;
    const ck = structured(await c.callTool({ name: "request_approval", arguments: { run_id: run, reason: "dependency_change", summary: "bump the HTTP client" } }));
    expect(ck.status).toBe("pending");
    expect(structured(await c.callTool({ name: "get_checkpoint", arguments: { checkpoint_id: ck.checkpoint_id, wait_seconds: 0 } })).status).toBe("pending");
    const blocked = await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "build" } });
    expect(blocked.isError).toBe(true);
    expect(textOf(blocked)).toContain(ck.checkpoint_id);
    await api(app, "POST", `/api/checkpoints/${ck.checkpoint_id}/approve`, { headers: leadHeaders, body: { reason: "fine" } });
    expect(structured(await c.callTool({ name: "advance_phase", arguments: { run_id: run, phase: "build" } })).phase).toBe("build");
    await c.close();
  });
});

describe("scope and concurrency", () => {
  test("read-only and excluded paths are violations: returned (masked), recorded as events and drift signals", async () => {
    const c = await connectV2(served, dev.key);
    const run = structured(await c.callTool({ name: "start_run", arguments: { project: "shop", title: "touch things" } })).run_id;
    const result = await c.callTool({ name: "report_files", arguments: { run_id: run, action: "modified", paths: ["src/api/ok.ts", "docs/guide.md", "src/secret-billing/CANARY_PATH.ts", "README.md"] } });
    expect(result.isError).toBe(true);
    const body = result.structuredContent as any;
    expect(body.violations).toEqual([
      { path: "docs/guide.md", access: "read_only", action: "modified" },
      { path: "‹secret-billing›", access: "excluded", action: "modified" },
      { path: "README.md", access: "read_only", action: "modified" },
    ]);
    expect(JSON.stringify(result)).not.toContain("CANARY");
    expect(textOf(result)).toContain("request_approval");
    expect(await events("scope.violation", run)).toHaveLength(3);
    expect((await driftOf(run)).filter((d) => d.kind === "scope_violation")).toHaveLength(3);
    // Reading a read-only path is fine; reading an excluded one is not.
    const read = await c.callTool({ name: "report_files", arguments: { run_id: run, action: "read", paths: ["docs/guide.md"] } });
    expect(read.isError).toBeFalsy();
    // Planning is not a change yet: the unit is stored and the call succeeds, its violation listed and recorded.
    const planned = await c.callTool({ name: "plan_work", arguments: { run_id: run, units: [{ title: "peek", paths: ["src/secret-billing/x.ts"] }] } });
    expect(planned.isError).toBeFalsy();
    expect((planned.structuredContent as any).units).toHaveLength(1);
    expect((planned.structuredContent as any).violations).toEqual([{ path: "‹secret-billing›", access: "excluded", action: "plan" }]);
    expect(await events("scope.violation", run)).toHaveLength(4);
    await c.close();
  });

  test("50 concurrent report_usage calls on one run all count (no lost updates)", async () => {
    const c = await connectV2(served, dev.key);
    const run = structured(await c.callTool({ name: "start_run", arguments: { project: "shop", title: "busy" } })).run_id;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => c.callTool({ name: "report_usage", arguments: { run_id: run, model: "claude-sonnet-4", input_tokens: 100 + i, output_tokens: 10, cache_tokens: 1, calls: 1 } })));
    expect(results.every((r) => !r.isError)).toBe(true);
    const row = await runRow(app, run);
    expect(row.inputTokens).toBe(50 * 100 + (49 * 50) / 2);
    expect(row.outputTokens).toBe(500);
    expect(row.calls).toBe(50);
    await c.close();
  });

  test("another user's key cannot see or touch a run", async () => {
    const c = await connectV2(served, dev.key);
    const run = structured(await c.callTool({ name: "start_run", arguments: { project: "shop", title: "mine" } })).run_id;
    const stranger = await seedAgent(app, "developer");
    const s = await connectV1(served, stranger.key);
    const result = await s.callTool({ name: "report_usage", arguments: { run_id: run, model: "m", input_tokens: 1, output_tokens: 1 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("not found");
    await s.close();
    await c.close();
  });
});
