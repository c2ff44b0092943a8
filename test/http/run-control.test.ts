// People's control over a run from the run page: a rejection keeps the run blocked (the agent cannot
// move it on its own), a person unblocks it or approves a new checkpoint; a person cancels a run or
// revokes its key; the timeline shows the checkpoint history, the summary and why a run is blocked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Actor } from "../../src/core/context.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { connectV2, seedAgent, serve, structured, textOf, type Agent, type Served } from "../support/mcp.ts";
import { CANARY_PATH, seedCanaryProject } from "../support/projects.ts";
import { eventsOf, runRow } from "../support/runs.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let served: Served;
let dev: Agent;
const headers: Record<string, Record<string, string>> = {};
const people: Record<string, Actor> = {};
beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  served = serve(app);
  dev = await seedAgent(app, "developer");
  for (const role of ["owner", "admin", "lead", "developer", "auditor"] as const) {
    const { actor } = await seedUser(app, role);
    people[role] = actor;
    headers[role] = await sessionHeaders(app, actor);
  }
  headers.runOwner = await sessionHeaders(app, dev.human);
});
afterAll(async () => {
  await served.stop();
  await app.dispose();
});

const tool = async (agent: Agent, name: string, args: Record<string, unknown>) => {
  const c = await connectV2(served, agent.key);
  try {
    return await c.callTool({ name, arguments: args });
  } finally {
    await c.close();
  }
};
const ask = async (run: string, agent = dev) => structured(await tool(agent, "request_approval", { run_id: run, reason: "destructive_action", summary: "drop the old table" })).checkpoint_id as string;
const decide = (ck: string, decision: "approve" | "reject", reason = "decided", as = "lead") => api(app, "POST", `/api/checkpoints/${ck}/${decision}`, { headers: headers[as], body: { reason } });
/** A run its agent asked approval for, rejected by the lead: blocked. */
async function blockedRun(agent = dev, reason = "not like this"): Promise<{ run: string; ck: string }> {
  const run = structured(await tool(agent, "start_run", { project: "shop", title: "risky" })).run_id as string;
  const ck = await ask(run, agent);
  expect((await decide(ck, "reject", reason)).status).toBe(200);
  expect((await runRow(app, run)).status).toBe("blocked");
  return { run, ck };
}
const timeline = async (run: string, as = "lead") => (await api(app, "GET", `/api/runs/${run}`, { headers: headers[as] })).json as any;

describe("a rejection keeps the run blocked", () => {
  test("advance_phase on a blocked run is refused (forward and back), recorded as run.gate_refused, and tells the agent to ask again", async () => {
    const { run, ck } = await blockedRun();
    for (const phase of ["build", "plan"]) {
      const r = await tool(dev, "advance_phase", { run_id: run, phase });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("blocked");
      expect(textOf(r)).toContain(ck);
      expect(textOf(r)).toContain("request_approval");
    }
    const refused = await eventsOf(app, { type: "run.gate_refused", runId: run });
    expect(refused.map((e) => (JSON.parse(e.meta) as any).reason)).toEqual(["blocked", "blocked"]);
    expect(await runRow(app, run)).toMatchObject({ status: "blocked", phase: "plan" });
  });

  test("asking again through a new checkpoint: the run stays blocked while it waits, and its approval unblocks it", async () => {
    const { run } = await blockedRun();
    app.clock.advance(1);
    const again = await ask(run);
    expect((await runRow(app, run)).status).toBe("blocked");
    expect(textOf(await tool(dev, "advance_phase", { run_id: run, phase: "build" }))).toContain(again);
    const approved = await decide(again, "approve", "fine now");
    expect(approved.json.checkpoint.runStatus).toBe("active");
    expect((await runRow(app, run)).status).toBe("active");
    const unblocked = await eventsOf(app, { type: "run.unblocked", runId: run });
    expect(unblocked.map((e) => JSON.parse(e.meta))).toEqual([{ by: "checkpoint", checkpointId: again, status: "active" }]);
    expect(structured(await tool(dev, "advance_phase", { run_id: run, phase: "build" })).phase).toBe("build");
  });

  test("a new checkpoint that expires leaves the run blocked", async () => {
    const { run } = await blockedRun();
    app.clock.advance(1);
    const again = await ask(run);
    app.clock.advance(app.services.options.checkpointExpiryMs + 1);
    for (const role of Object.keys(people)) headers[role] = await sessionHeaders(app, people[role]!);
    headers.runOwner = await sessionHeaders(app, dev.human);
    expect(structured(await tool(dev, "get_checkpoint", { checkpoint_id: again })).status).toBe("expired");
    expect((await runRow(app, run)).status).toBe("blocked");
  });
});

describe("POST /api/runs/:id/unblock", () => {
  test("a lead who does not own the run unblocks it (run.unblocked by a person); the owner, a developer and an auditor cannot; a run not blocked is a conflict", async () => {
    const lead = await seedAgent(app, "lead");
    const { run, ck } = await blockedRun(lead);
    const ownHeaders = await sessionHeaders(app, lead.human);
    expect((await api(app, "POST", `/api/runs/${run}/unblock`, { headers: ownHeaders })).status).toBe(403);
    for (const role of ["developer", "auditor"]) expect((await api(app, "POST", `/api/runs/${run}/unblock`, { headers: headers[role] })).status).toBe(403);
    expect((await api(app, "POST", `/api/runs/${run}/unblock`, { headers: { authorization: `Bearer ${lead.key}` } })).status).toBe(401);
    expect((await runRow(app, run)).status).toBe("blocked");
    const r = await api(app, "POST", `/api/runs/${run}/unblock`, { headers: headers.admin });
    expect(r.status).toBe(200);
    expect(r.json.run).toEqual({ runId: run, status: "active" });
    const [event] = await eventsOf(app, { type: "run.unblocked", runId: run });
    expect(event).toMatchObject({ actorKind: "human", actorUserId: (people.admin as any).userId });
    expect(JSON.parse(event!.meta)).toEqual({ by: "person", checkpointId: ck, status: "active" });
    expect((await api(app, "POST", `/api/runs/${run}/unblock`, { headers: headers.admin })).status).toBe(409);
    expect(structured(await tool(lead, "advance_phase", { run_id: run, phase: "build" })).phase).toBe("build");
  });

  test("an unknown run is 404", async () => {
    expect((await api(app, "POST", "/api/runs/run_nope/unblock", { headers: headers.lead })).status).toBe(404);
  });
});

describe("POST /api/runs/:id/cancel", () => {
  test("the run's owner cancels it like finish_run cancelled: pending checkpoints expire, claims end, run.cancelled by the person", async () => {
    const run = structured(await tool(dev, "start_run", { project: "shop", title: "to cancel" })).run_id as string;
    await tool(dev, "plan_work", { run_id: run, units: [{ title: "api", paths: ["src/api/a.ts"] }] });
    const ck = await ask(run);
    for (const role of ["developer", "auditor"]) expect((await api(app, "POST", `/api/runs/${run}/cancel`, { headers: headers[role], body: {} })).status).toBe(403);
    const r = await api(app, "POST", `/api/runs/${run}/cancel`, { headers: headers.runOwner, body: { reason: "wrong ticket" } });
    expect(r.status).toBe(200);
    expect(await runRow(app, run)).toMatchObject({ status: "cancelled", summary: "wrong ticket" });
    expect((await app.store.read.checkpoints.byId(ck))!.status).toBe("expired");
    const expired = await eventsOf(app, { type: "checkpoint.expired", runId: run });
    expect(JSON.parse(expired[0]!.meta).why).toBe("run_finished");
    const view = await timeline(run);
    expect(view.claims.length).toBeGreaterThan(0);
    expect(view.claims.every((c: any) => c.endedAt !== null && c.endReason === "cancelled")).toBe(true);
    const [event] = await eventsOf(app, { type: "run.cancelled", runId: run });
    expect(event).toMatchObject({ actorKind: "human", actorUserId: dev.userId });
    expect((await api(app, "POST", `/api/runs/${run}/cancel`, { headers: headers.runOwner, body: {} })).status).toBe(409);
    expect((await tool(dev, "report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 })).isError).toBe(true);
  });

  test("a lead cancels someone else's blocked run", async () => {
    const { run } = await blockedRun();
    expect((await api(app, "POST", `/api/runs/${run}/cancel`, { headers: headers.lead, body: {} })).status).toBe(200);
    expect((await runRow(app, run)).status).toBe("cancelled");
  });
});

describe("the run timeline", () => {
  test("shows the checkpoint history with the decider's name and role, why a blocked run is blocked (masked for masked roles), and what the reader may do", async () => {
    const { run, ck } = await blockedRun(dev, `touches ${CANARY_PATH}, keep out`);
    const lead = await timeline(run, "lead");
    const leadName = (await app.store.read.users.byId((people.lead as any).userId))!.name;
    expect(lead.checkpoints[0]).toMatchObject({ id: ck, status: "rejected", deciderRole: "lead", decider: { name: leadName, role: "lead" }, decisionReason: `touches ${CANARY_PATH}, keep out` });
    expect(typeof lead.checkpoints[0].decidedAt).toBe("number");
    expect(lead.blocked.checkpoint).toMatchObject({ id: ck, decider: { name: leadName } });
    expect(lead.can).toEqual({ cancel: true, unblock: true, revokeKey: false });
    const devView = await timeline(run, "developer");
    expect(devView.blocked.checkpoint.decisionReason).toBe("touches ‹secret-billing›, keep out");
    expect(devView.can).toEqual({ cancel: false, unblock: false, revokeKey: false });
    const ownerView = await timeline(run, "runOwner");
    expect(ownerView.can).toEqual({ cancel: true, unblock: false, revokeKey: true });
    expect((await timeline(run, "admin")).can).toEqual({ cancel: true, unblock: true, revokeKey: true });
    await api(app, "POST", `/api/runs/${run}/unblock`, { headers: headers.lead });
    expect((await timeline(run, "lead")).blocked).toBeNull();
  });

  test("a finished run shows its final summary", async () => {
    const run = structured(await tool(dev, "start_run", { project: "shop", title: "summary" })).run_id as string;
    await tool(dev, "finish_run", { run_id: run, outcome: "failed", summary: "tests would not pass" });
    const view = await timeline(run);
    expect(view.run).toMatchObject({ status: "failed", summary: "tests would not pass" });
    expect(view.can.cancel).toBe(false);
  });

  test("revoking the run's key from the run page: the key's owner can, a lead cannot; the agent's next call fails", async () => {
    const agent = await seedAgent(app, "developer");
    const run = structured(await tool(agent, "start_run", { project: "shop", title: "key" })).run_id as string;
    const keyId = (await timeline(run)).key.id;
    expect(keyId).toBe(agent.keyId);
    expect((await api(app, "DELETE", `/api/keys/${keyId}`, { headers: headers.lead })).status).toBe(404);
    const own = await sessionHeaders(app, agent.human);
    expect((await api(app, "DELETE", `/api/keys/${keyId}`, { headers: own })).status).toBe(200);
    expect((await api(app, "GET", `/api/runs/${run}`, { headers: own })).json.can.revokeKey).toBe(false);
    expect(typeof (await timeline(run)).key.revokedAt).toBe("number");
    await expect(tool(agent, "report_build", { run_id: run, kind: "test", exit_code: 0, duration_ms: 1 })).rejects.toThrow();
  });
});
