// Claims (DESIGN §13): a run claims the in-scope paths it plans or changes while it is active;
// another active run asking for one is told who holds it (masked for its role), a claim_conflict
// drift is recorded, and the path stays with the holder until its run finishes or goes idle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { finishRun } from "../../../src/core/run/finish-run.ts";
import { getRun } from "../../../src/core/run/get-run.ts";
import { getRunState } from "../../../src/core/run/get-run-state.ts";
import { getScope } from "../../../src/core/run/get-scope.ts";
import { listProjectClaims } from "../../../src/core/run/list-claims.ts";
import { CLAIM_IDLE_MS } from "../../../src/core/run/claims.ts";
import { planWork } from "../../../src/core/run/plan-work.ts";
import { reportFiles } from "../../../src/core/run/report-files.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { updateWorkUnit } from "../../../src/core/run/update-work-unit.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, seedCanaryProject } from "../../support/projects.ts";
import { eventsOf, runSnapshot } from "../../support/runs.ts";

let app: TestApp;
let dev: Agent;
let other: Agent;
let lead: Agent;
let slugN = 0;
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" });
  dev = await seedAgent(app, "developer");
  other = await seedAgent(app, "developer");
  lead = await seedAgent(app, "lead");
});
afterAll(() => app.dispose());

/** A fresh project per test, so claims of one test never meet another's. */
async function project(): Promise<string> {
  const slug = `claims-${++slugN}`;
  await seedCanaryProject(app, slug);
  return slug;
}
const as = (agent: Agent) => app.ctx(agent.actor);
const start = async (agent: Agent, slug: string, title = "a story", branch?: string) =>
  startRun({ ctx: as(agent), input: { project: slug, title, ...(branch ? { branch } : {}) } });
const plan = (agent: Agent, run: string, paths: string[], title = "unit") => planWork({ ctx: as(agent), input: { run_id: run, units: [{ title, paths }] } });
const claimDrift = async (run: string) => (await runSnapshot(app, run)).drift.filter((d) => d.kind === "claim_conflict");

describe("claiming", () => {
  test("a planned path is claimed; another active run planning it gets a conflict naming the holder's title and owner, and a claim_conflict drift", async () => {
    const slug = await project();
    const a = (await start(dev, slug, "Invoice endpoint")).run_id;
    expect((await plan(dev, a, ["src/api/invoices.ts"])).conflicts).toEqual([]);
    const b = (await start(other, slug, "Refunds")).run_id;
    const result = await plan(other, b, ["src/api/invoices.ts", "src/api/refunds.ts"]);
    expect(result.conflicts).toEqual([{
      path: "src/api/invoices.ts", run_id: b,
      held_by: { run_id: null, path: "src/api/invoices.ts", title: "Invoice endpoint", owner: "Test developer", phase: "plan", since: expect.any(String) },
    }]);
    // The unit is planned all the same; only the free path is claimed for the second run.
    expect(result.units).toHaveLength(1);
    const state = (await getRunState({ ctx: as(other), input: { run_id: b } })).run!;
    expect(state.claims.map((c) => c.path)).toEqual(["src/api/refunds.ts"]);
    expect(state.conflicts.map((c) => c.held_by.title)).toEqual(["Invoice endpoint"]);
    expect((await claimDrift(b)).map((d) => [d.path, d.detail])).toEqual([["src/api/invoices.ts", { holder_run_id: a, source: "plan_work" }]]);
    expect((await eventsOf(app, { type: "drift.detected", runId: b })).map((e) => JSON.parse(e.meta))).toEqual([{ holder_run_id: a, source: "plan_work", kind: "claim_conflict" }]);
    // The holder keeps its claim and sees no conflict.
    expect((await getRunState({ ctx: as(dev), input: { run_id: a } })).run!.claims.map((c) => c.path)).toEqual(["src/api/invoices.ts"]);
  });

  test("a directory and a path inside it overlap, in both directions; sibling paths with a common prefix do not", async () => {
    const slug = await project();
    const a = (await start(dev, slug)).run_id;
    await plan(dev, a, ["src/api/billing"]);
    const b = (await start(other, slug)).run_id;
    const r = await plan(other, b, ["src/api/billing/x.ts", "src/api/billing-old.ts", "src/api"]);
    expect(r.conflicts.map((c) => [c.path, c.held_by.path])).toEqual([["src/api/billing/x.ts", "src/api/billing"], ["src/api", "src/api/billing"]]);
  });

  test("changing a path claims it (report_files), reading does not; out-of-scope paths are not claimed", async () => {
    const slug = await project();
    const a = (await start(dev, slug)).run_id;
    await reportFiles({ ctx: as(dev), input: { run_id: a, action: "read", paths: ["src/api/read.ts"] } });
    await reportFiles({ ctx: as(dev), input: { run_id: a, action: "modified", paths: ["src/api/changed.ts", "docs/guide.md", CANARY_PATH] } });
    const claims = (await getRunState({ ctx: as(dev), input: { run_id: a } })).run!.claims;
    expect(claims.map((c) => [c.path, c.source])).toEqual([["src/api/changed.ts", "modified"]]);
    const b = (await start(other, slug)).run_id;
    const r = await reportFiles({ ctx: as(other), input: { run_id: b, action: "created", paths: ["src/api/changed.ts", "src/api/read.ts"] } });
    expect(r.conflicts.map((c) => c.path)).toEqual(["src/api/changed.ts"]);
  });

  test("update_work_unit's paths are added to the unit and claimed", async () => {
    const slug = await project();
    const a = (await start(dev, slug)).run_id;
    await plan(other, (await start(other, slug)).run_id, ["src/api/taken.ts"]);
    const unit = (await plan(dev, a, ["src/api/one.ts"])).units[0]!.unit_id;
    const r = await updateWorkUnit({ ctx: as(dev), input: { run_id: a, unit_id: unit, status: "in_progress", paths: ["src/api/two.ts", "src/api/taken.ts"] } });
    expect(r.conflicts.map((c) => c.path)).toEqual(["src/api/taken.ts"]);
    expect((await getRunState({ ctx: as(dev), input: { run_id: a } })).run!.claims.map((c) => c.path).sort()).toEqual(["src/api/one.ts", "src/api/two.ts"]);
  });

  test("a repeated call records its conflict once (plan_work stays idempotent)", async () => {
    const slug = await project();
    await plan(dev, (await start(dev, slug)).run_id, ["src/api/a.ts"]);
    const b = (await start(other, slug)).run_id;
    const first = await plan(other, b, ["src/api/a.ts"]);
    const before = await runSnapshot(app, b);
    expect(await plan(other, b, ["src/api/a.ts"])).toEqual(first);
    expect(await runSnapshot(app, b)).toEqual(before);
    expect(await claimDrift(b)).toHaveLength(1);
  });

  test("the holder is masked for the asking role: a title naming an excluded module reads ‹module›", async () => {
    const slug = await project();
    const a = (await start(lead, slug, `Move ${CANARY_PATH} behind the API`)).run_id;
    await plan(lead, a, ["src/api/billing.ts"]);
    const b = (await start(dev, slug)).run_id;
    const [conflict] = (await plan(dev, b, ["src/api/billing.ts"])).conflicts;
    expect(conflict!.held_by.title).toBe("Move ‹secret-billing› behind the API");
    expect(conflict!.held_by.owner).toBe("Test lead");
    for (const canary of CANARY_STRINGS) expect(JSON.stringify(await getRunState({ ctx: as(dev), input: { run_id: b } }))).not.toContain(canary);
  });
});

describe("claims end", () => {
  for (const outcome of ["failed", "cancelled"] as const) {
    test(`when the holding run finishes as ${outcome}: the path is free for the next run`, async () => {
      const slug = await project();
      const a = (await start(dev, slug)).run_id;
      await plan(dev, a, ["src/api/a.ts"]);
      await finishRun({ ctx: as(dev), input: { run_id: a, outcome, summary: "stop" } });
      const b = (await start(other, slug)).run_id;
      expect((await plan(other, b, ["src/api/a.ts"])).conflicts).toEqual([]);
      const timeline = await getRun({ ctx: app.ctx((await seedUser(app, "lead")).actor), input: { runId: a } });
      expect(timeline.claims).toEqual([{ path: "src/api/a.ts", source: "plan", claimedAt: expect.any(Number), endedAt: expect.any(Number), endReason: outcome }]);
    });
  }

  test("a conflict no longer shows once the holder finished", async () => {
    const slug = await project();
    const a = (await start(dev, slug)).run_id;
    await plan(dev, a, ["src/api/a.ts"]);
    const b = (await start(other, slug)).run_id;
    await plan(other, b, ["src/api/a.ts"]);
    expect((await getScope({ ctx: as(other), input: { project: slug } })).conflicts).toHaveLength(1);
    await finishRun({ ctx: as(dev), input: { run_id: a, outcome: "cancelled", summary: "stop" } });
    expect((await getScope({ ctx: as(other), input: { project: slug } })).conflicts).toEqual([]);
    expect((await getRunState({ ctx: as(other), input: { run_id: b } })).run!.conflicts).toEqual([]);
  });

  test("when the holding run has been idle past the limit, the next run asking takes the path (claim.expired); an active holder keeps it", async () => {
    const slug = await project();
    const idle = (await start(dev, slug)).run_id;
    await plan(dev, idle, ["src/api/a.ts", "src/api/b.ts"]);
    app.clock.advance(CLAIM_IDLE_MS - 60_000);
    const b = (await start(other, slug)).run_id;
    expect((await plan(other, b, ["src/api/a.ts"])).conflicts).toHaveLength(1);
    app.clock.advance(120_000);
    const c = (await start(other, slug, "later")).run_id;
    expect((await plan(other, c, ["src/api/a.ts"])).conflicts).toEqual([]);
    expect((await getRunState({ ctx: as(other), input: { run_id: c } })).run!.claims.map((x) => x.path)).toEqual(["src/api/a.ts"]);
    expect((await eventsOf(app, { type: "claim.expired", runId: idle })).map((e) => JSON.parse(e.meta).claimedBy)).toEqual([c]);
    // Only the path asked for changed hands; the idle run's other claim is still listed.
    expect((await getRunState({ ctx: as(dev), input: { run_id: idle } })).run!.claims.map((x) => x.path)).toEqual(["src/api/b.ts"]);
  });
});

describe("concurrency", () => {
  test("two runs claiming the same path at the same moment: exactly one holds it, the other is told", async () => {
    const slug = await project();
    const a = (await start(dev, slug)).run_id;
    const b = (await start(other, slug)).run_id;
    const [ra, rb] = await Promise.all([plan(dev, a, ["src/api/race.ts"]), plan(other, b, ["src/api/race.ts"])]);
    expect([ra.conflicts.length, rb.conflicts.length].sort()).toEqual([0, 1]);
    const holders = (await listProjectClaims({ ctx: app.ctx((await seedUser(app, "owner")).actor), input: { slug } })).claims;
    expect(holders.map((c) => c.path)).toEqual(["src/api/race.ts"]);
    expect(holders[0]!.run.id).toBe(ra.conflicts.length === 0 ? a : b);
  });

  test("eight runs racing for one path through plan_work and report_files: one claim, seven conflicts", async () => {
    const slug = await project();
    const agents = await Promise.all(Array.from({ length: 8 }, () => seedAgent(app, "developer")));
    const runs = await Promise.all(agents.map(async (agent) => ({ agent, run: (await start(agent, slug)).run_id })));
    const results = await Promise.all(runs.map(({ agent, run }, i) =>
      i % 2 ? plan(agent, run, ["src/api/hot.ts"]) : reportFiles({ ctx: as(agent), input: { run_id: run, action: "modified", paths: ["src/api/hot.ts"] } })));
    expect(results.filter((r) => r.conflicts.length === 0)).toHaveLength(1);
    const claims = (await listProjectClaims({ ctx: app.ctx((await seedUser(app, "owner")).actor), input: { slug } })).claims;
    expect(claims).toHaveLength(1);
    const drift = (await Promise.all(runs.map(({ run }) => claimDrift(run)))).flat();
    expect(drift).toHaveLength(7);
    expect(new Set(drift.map((d) => d.detail.holder_run_id))).toEqual(new Set([claims[0]!.run.id]));
  });
});

describe("what the caller and people see", () => {
  test("get_scope lists the caller's claims and conflicts in the project, and nothing of other projects", async () => {
    const slug = await project();
    const elsewhere = await project();
    const a = (await start(dev, slug)).run_id;
    await plan(dev, a, ["src/api/mine.ts"]);
    await plan(dev, (await start(dev, elsewhere)).run_id, ["src/api/far.ts"]);
    await plan(other, (await start(other, slug, "Theirs")).run_id, ["src/api/theirs.ts"]);
    await plan(dev, a, ["src/api/theirs.ts"]);
    const scope = await getScope({ ctx: as(dev), input: { project: slug } });
    expect(scope.claims.map((c) => [c.path, c.run_id])).toEqual([["src/api/mine.ts", a]]);
    expect(scope.conflicts.map((c) => [c.path, c.held_by.title])).toEqual([["src/api/theirs.ts", "Theirs"]]);
  });

  test("the per-project view lists live claims with their runs, masked for roles that see runs masked", async () => {
    const slug = await project();
    const a = (await start(lead, slug, `Audit ${CANARY_PATH}`)).run_id;
    await reportFiles({ ctx: as(lead), input: { run_id: a, action: "modified", paths: [CANARY_PATH, "src/api/x.ts"] } });
    const forDev = await listProjectClaims({ ctx: app.ctx(dev.human), input: { slug } });
    expect(forDev.claims.map((c) => [c.path, c.run.title, c.run.owner.name, c.idle])).toEqual([["src/api/x.ts", "Audit ‹secret-billing›", "Test lead", false], ["‹secret-billing›", "Audit ‹secret-billing›", "Test lead", false]]);
    for (const canary of CANARY_STRINGS) expect(JSON.stringify(forDev)).not.toContain(canary);
    const forOwner = await listProjectClaims({ ctx: app.ctx((await seedUser(app, "owner")).actor), input: { slug } });
    expect(forOwner.claims.map((c) => c.path).sort()).toEqual([CANARY_PATH, "src/api/x.ts"].sort());
    await expect(listProjectClaims({ ctx: as(dev), input: { slug } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("finding a run again", () => {
  test("start_run warns, in its result, about an open run of the caller on the project with the same title or branch, naming it", async () => {
    const slug = await project();
    const first = (await start(dev, slug, "Add invoices", "feat/invoices")).run_id;
    const sameTitle = await start(dev, slug, "Add invoices");
    expect(sameTitle.warnings).toEqual([expect.stringContaining(`open run ${first} 'Add invoices'`)]);
    expect(sameTitle.warnings[0]).toContain("same title");
    const sameBranch = await start(dev, slug, "Something else", "feat/invoices");
    expect(sameBranch.warnings.some((w) => w.includes(first) && w.includes("same branch"))).toBe(true);
    // Another person's run, another project or a finished run is no reason to warn.
    expect((await start(other, slug, "Add invoices")).warnings).toEqual([]);
    expect((await start(dev, await project(), "Add invoices")).warnings).toEqual([]);
    for (const run of [first, sameTitle.run_id, sameBranch.run_id]) await finishRun({ ctx: as(dev), input: { run_id: run, outcome: "cancelled", summary: "done" } });
    expect((await start(dev, slug, "Add invoices", "feat/invoices")).warnings).toEqual([]);
  });

  test("get_run without an id lists only the caller's open runs; with another person's run id it is not found", async () => {
    const slug = await project();
    const mine = (await start(dev, slug, "mine")).run_id;
    const theirs = (await start(other, slug, "theirs")).run_id;
    const listed = (await getRunState({ ctx: as(dev), input: {} })).runs.map((r) => r.run_id);
    expect(listed).toContain(mine);
    expect(listed).not.toContain(theirs);
    await expect(getRunState({ ctx: as(dev), input: { run_id: theirs } })).rejects.toMatchObject({ code: "not_found" });
    await finishRun({ ctx: as(dev), input: { run_id: mine, outcome: "cancelled", summary: "x" } });
    expect((await getRunState({ ctx: as(dev), input: {} })).runs.map((r) => r.run_id)).not.toContain(mine);
  });
});
