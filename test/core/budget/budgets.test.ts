// Budgets (DESIGN §13): a project's monthly token budget (UTC) and a default per-run budget. At
// 80% owners, admins and leads get one notice per budget and period; at 100% the run waits on a
// `budget` checkpoint a lead or above approves (raising that run's budget); report_usage says what is left.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import { createChannel } from "../../../src/core/notify/create-channel.ts";
import { advancePhase } from "../../../src/core/run/advance-phase.ts";
import { dashboardSummary } from "../../../src/core/run/dashboard-summary.ts";
import { reportBuild } from "../../../src/core/run/report-build.ts";
import { reportFiles } from "../../../src/core/run/report-files.ts";
import { reportUsage } from "../../../src/core/run/report-usage.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { updateSettings } from "../../../src/core/setting/update-settings.ts";
import { putProjectBudget } from "../../../src/core/budget/put-budget.ts";
import { getProjectBudget } from "../../../src/core/budget/get-budget.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";
import { eventsOf, runRow, runSnapshot } from "../../support/runs.ts";

let app: TestApp;
let dev: Agent;
let other: Agent;
let lead: Awaited<ReturnType<typeof seedUser>>;
let owner: Awaited<ReturnType<typeof seedUser>>;
let n = 0;
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" }, { notifier: false });
  dev = await seedAgent(app, "developer");
  other = await seedAgent(app, "developer");
  lead = await seedUser(app, "lead");
  owner = await seedUser(app, "owner");
  // An enabled channel, so notifiable events write outbox rows (the worker is off: nothing is sent).
  await createChannel({ ctx: app.ctx(owner.actor), input: { kind: "webhook", name: "team", url: "https://hooks.example.test/railyard", secret: "a-signing-secret-of-enough-length", events: ["budget.threshold"] } });
});
afterAll(() => app.dispose());

async function project(budget: { monthlyTokens: number | null; runTokens: number | null }): Promise<string> {
  const slug = `budget-${++n}`;
  await seedCanaryProject(app, slug);
  await putProjectBudget({ ctx: app.ctx(owner.actor), input: { projectSlug: slug, ...budget } });
  return slug;
}
const as = (a: Agent) => app.ctx(a.actor);
const start = async (a: Agent, slug: string) => (await startRun({ ctx: as(a), input: { project: slug, title: "a story" } })).run_id;
const usage = (a: Agent, run: string, tokens: number) => reportUsage({ ctx: as(a), input: { run_id: run, model: "model-a", input_tokens: tokens, output_tokens: 0 } });
const budgetCheckpoints = async (run: string) => (await runSnapshot(app, run)).checkpoints.filter((c) => c.kind === "budget");
const notices = async (projectId: string) => (await eventsOf(app, { type: "budget.threshold_reached" })).filter((e) => e.projectId === projectId);

describe("budgets", () => {
  test("report_usage returns the remaining budget of the run and of the project's month", async () => {
    const slug = await project({ monthlyTokens: 10_000, runTokens: 1_000 });
    const run = await start(dev, slug);
    const r = await reportUsage({ ctx: as(dev), input: { run_id: run, model: "model-a", input_tokens: 300, output_tokens: 100, cache_tokens: 5000 } });
    // Cache tokens are priced, not budgeted: input + output count.
    expect(r.budget).toEqual({
      run: { limit_tokens: 1_000, used_tokens: 400, remaining_tokens: 600 },
      project: { month: "2026-11", limit_tokens: 10_000, used_tokens: 400, remaining_tokens: 9_600 },
      checkpoint_id: null,
    });
  });

  test("without budgets nothing is limited and report_usage says so", async () => {
    const slug = await project({ monthlyTokens: null, runTokens: null });
    const r = await usage(dev, await start(dev, slug), 1_000_000);
    expect(r.budget.run.remaining_tokens).toBeNull();
    expect(r.budget.project.remaining_tokens).toBeNull();
    expect(r.budget.checkpoint_id).toBeNull();
    expect(r.message).toContain("no token budget");
  });

  test("concurrent reports crossing 80% and 100% of a run's budget make exactly one notice and exactly one budget checkpoint", async () => {
    const slug = await project({ monthlyTokens: null, runTokens: 1_000 });
    const run = await start(dev, slug);
    const results = await Promise.all(Array.from({ length: 30 }, () => usage(dev, run, 50)));
    expect((await runRow(app, run)).inputTokens).toBe(1_500);
    const ck = await budgetCheckpoints(run);
    expect(ck).toHaveLength(1);
    expect(ck[0]!.requiredRole).toBe("lead");
    expect((await runRow(app, run)).status).toBe("awaiting_approval");
    const projectId = (await runRow(app, run)).projectId;
    expect((await notices(projectId)).map((e) => JSON.parse(e.meta))).toEqual([{ scope: "run", percent: 80, limitTokens: 1_000, usedTokens: 800, period: "1000" }]);
    expect((await eventsOf(app, { type: "budget.exceeded", runId: run }))).toHaveLength(1);
    // Every report after the crossing names the checkpoint.
    expect(new Set(results.map((r) => r.budget.checkpoint_id).filter(Boolean))).toEqual(new Set([ck[0]!.id]));
    // The notice is in the outbox for owners, admins and leads.
    const outbox = (await app.store.read.notify.unexpanded(1000)).filter((o) => o.kind === "budget.threshold" && o.projectId === projectId);
    expect(outbox).toHaveLength(1);
  });

  test("two runs crossing 80% of the project's month at once make one project notice; each run reporting at 100% waits on its own checkpoint", async () => {
    const slug = await project({ monthlyTokens: 2_000, runTokens: null });
    const a = await start(dev, slug);
    const b = await start(other, slug);
    await Promise.all(Array.from({ length: 20 }, (_, i) => usage(i % 2 ? dev : other, i % 2 ? a : b, 100)));
    const projectId = (await runRow(app, a)).projectId;
    expect((await notices(projectId)).map((e) => JSON.parse(e.meta).scope)).toEqual(["project"]);
    // Each run waits at its first report at or over 100%, on a checkpoint of its own (one each however many follow).
    await Promise.all([usage(dev, a, 1), usage(other, b, 1), usage(dev, a, 1), usage(other, b, 1)]);
    expect(await budgetCheckpoints(a)).toHaveLength(1);
    expect(await budgetCheckpoints(b)).toHaveLength(1);
    const view = await getProjectBudget({ ctx: app.ctx(lead.actor), input: { projectSlug: slug } });
    expect(view).toMatchObject({ monthlyTokens: 2_000, usedTokens: 2_004, remainingTokens: 0, percent: 100, month: "2026-11" });
    expect(view.notices.map((x) => [x.scope, x.percent])).toContainEqual(["project", 80]);
  });

  test("while the run waits on its budget, advance_phase and report_build are refused naming the checkpoint; report_files still records violations", async () => {
    const slug = await project({ monthlyTokens: null, runTokens: 100 });
    const run = await start(dev, slug);
    const ck = (await usage(dev, run, 150)).budget.checkpoint_id!;
    expect(ck).toMatch(/^ck_/);
    await expect(advancePhase({ ctx: as(dev), input: { run_id: run, phase: "build" } })).rejects.toMatchObject({ code: "gate_closed", message: expect.stringContaining(ck) });
    await expect(reportBuild({ ctx: as(dev), input: { run_id: run, kind: "test", exit_code: 0, duration_ms: 5 } })).rejects.toMatchObject({ code: "gate_closed", message: expect.stringContaining(ck) });
    await expect(reportFiles({ ctx: as(dev), input: { run_id: run, action: "modified", paths: ["docs/guide.md"] } })).rejects.toMatchObject({ code: "gate_closed" });
    const snap = await runSnapshot(app, run);
    expect(snap.builds).toHaveLength(0);
    expect(snap.files).toHaveLength(0);
    // The scope wall holds: the read-only path is recorded as a violation although the report was refused.
    expect(snap.drift.map((d) => [d.kind, d.path])).toEqual([["scope_violation", "docs/guide.md"]]);
    expect((await eventsOf(app, { type: "budget.report_refused", runId: run })).map((e) => JSON.parse(e.meta).action)).toEqual(["report_build", "report_files"]);
    expect((await eventsOf(app, { type: "run.gate_refused", runId: run })).map((e) => JSON.parse(e.meta).reason)).toEqual(["budget"]);
    // Usage is still recorded: what was spent is spent.
    expect((await usage(dev, run, 10)).totals.input_tokens).toBe(160);
    expect(await budgetCheckpoints(run)).toHaveLength(1);
  });

  test("a lead approving the budget checkpoint raises that run's budget; the owner of the run cannot approve it", async () => {
    const slug = await project({ monthlyTokens: null, runTokens: 100 });
    const run = await start(dev, slug);
    const ck = (await usage(dev, run, 120)).budget.checkpoint_id!;
    await expect(decideCheckpoint({ ctx: app.ctx(dev.human), input: { checkpointId: ck, decision: "approve", reason: "mine" } })).rejects.toMatchObject({ code: "forbidden" });
    await decideCheckpoint({ ctx: app.ctx(lead.actor), input: { checkpointId: ck, decision: "approve", reason: "worth it" } });
    expect((await runRow(app, run)).status).toBe("active");
    expect((await eventsOf(app, { type: "budget.raised", runId: run })).map((e) => JSON.parse(e.meta))).toEqual([{ runLimitTokens: 220, projectExtraTokens: 0 }]);
    const after = await usage(dev, run, 10);
    expect(after.budget.run).toEqual({ limit_tokens: 220, used_tokens: 130, remaining_tokens: 90 });
    expect(after.budget.checkpoint_id).toBeNull();
    await reportBuild({ ctx: as(dev), input: { run_id: run, kind: "build", exit_code: 0, duration_ms: 5 } });
    expect((await advancePhase({ ctx: as(dev), input: { run_id: run, phase: "build" } })).phase).toBe("build");
  });

  test("an approved run over the project's month gets room past it; other runs still wait", async () => {
    const slug = await project({ monthlyTokens: 1_000, runTokens: null });
    const a = await start(dev, slug);
    const ck = (await usage(dev, a, 1_000)).budget.checkpoint_id!;
    await decideCheckpoint({ ctx: app.ctx(lead.actor), input: { checkpointId: ck, decision: "approve", reason: "release week" } });
    expect((await usage(dev, a, 50)).budget).toMatchObject({ project: { limit_tokens: 1_100, used_tokens: 1_050, remaining_tokens: 50 }, checkpoint_id: null });
    const b = await start(other, slug);
    expect((await usage(other, b, 1)).budget.checkpoint_id).toMatch(/^ck_/);
  });

  test("only owners and admins set budgets; bad input changes nothing", async () => {
    const slug = await project({ monthlyTokens: 5_000, runTokens: null });
    await expect(putProjectBudget({ ctx: app.ctx(lead.actor), input: { projectSlug: slug, monthlyTokens: 1, runTokens: null } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(putProjectBudget({ ctx: app.ctx(owner.actor), input: { projectSlug: slug, monthlyTokens: -5, runTokens: null } })).rejects.toMatchObject({ code: "invalid" });
    await expect(putProjectBudget({ ctx: app.ctx(owner.actor), input: { projectSlug: slug, monthlyTokens: 5, runTokens: null, extra: 1 } })).rejects.toMatchObject({ code: "invalid" });
    expect((await getProjectBudget({ ctx: app.ctx(owner.actor), input: { projectSlug: slug } })).monthlyTokens).toBe(5_000);
    const changed = (await eventsOf(app, { type: "budget.changed" })).filter((e) => JSON.parse(e.meta).monthlyTokens === 5_000);
    expect(changed.length).toBeGreaterThan(0);
  });

  test("owner-set per-model prices turn this month's tokens into money on the dashboard and the budget; no price, no guess", async () => {
    const slug = await project({ monthlyTokens: null, runTokens: null });
    const run = await start(dev, slug);
    await reportUsage({ ctx: as(dev), input: { run_id: run, model: "priced-model", input_tokens: 2_000_000, output_tokens: 1_000_000, cache_tokens: 1_000_000 } });
    await reportUsage({ ctx: as(dev), input: { run_id: run, model: "unpriced-model", input_tokens: 10, output_tokens: 10 } });
    expect((await dashboardSummary({ ctx: app.ctx(owner.actor) })).cost).toBeNull();
    await updateSettings({ ctx: app.ctx(owner.actor), input: { modelPrices: [{ model: "priced-model", inputPerMillion: 3, outputPerMillion: 15, cachePerMillion: 0.3 }], priceCurrency: "EUR" } });
    const view = await getProjectBudget({ ctx: app.ctx(owner.actor), input: { projectSlug: slug } });
    expect(view.models.map((m) => [m.model, m.cost])).toEqual([["priced-model", 21.3], ["unpriced-model", null]]);
    expect(view.currency).toBe("EUR");
    const cost = (await dashboardSummary({ ctx: app.ctx(owner.actor) })).cost!;
    expect(cost.currency).toBe("EUR");
    expect(cost.unpricedModels).toContain("unpriced-model");
    expect(cost.amount).toBeGreaterThanOrEqual(21.3);
    await expect(updateSettings({ ctx: app.ctx(lead.actor), input: { modelPrices: [] } })).rejects.toMatchObject({ code: "forbidden" });
  });
});
