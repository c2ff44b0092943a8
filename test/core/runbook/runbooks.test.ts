// Runbooks are versioned: the default exists from the first start, editing publishes a new
// immutable version, and runs stay on the version they started with.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { advancePhase } from "../../../src/core/run/advance-phase.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { ensureDefaultRunbook } from "../../../src/core/runbook/ensure-default-runbook.ts";
import { DEFAULT_RUNBOOK_ID } from "../../../src/core/runbook/schemas.ts";
import { transact } from "../../../src/core/transact.ts";
import { countEvents } from "../../support/audit.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { api } from "../../support/http.ts";
import { seedAgent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";
import { sessionHeaders } from "../../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
});
afterEach(() => app.dispose());

/** Every stored version of every runbook, through the port. */
const allVersions = async () => (await Promise.all((await app.store.read.runbooks.allWithLatest()).map(({ runbook }) => app.store.read.runbooks.versions(runbook.id)))).flat();

test("the default runbook exists after the first start and creating it again changes nothing", async () => {
  expect(await ensureDefaultRunbook({ ctx: app.ctx() })).toEqual({ created: false });
  const versions = await app.store.read.runbooks.versions(DEFAULT_RUNBOOK_ID);
  expect(versions).toHaveLength(1);
  expect((versions[0]!.phases as any[]).map((p) => [p.name, p.gate?.minRole ?? null, p.exit?.requires ?? null])).toEqual([
    ["plan", null, null], ["build", null, null], ["test", null, "passing_test"], ["review", "lead", null], ["ship", "lead", null],
  ]);
  expect(await allVersions()).toEqual(versions);
  expect(countEvents(app, "runbook.published")).toBe(1);
});

test("a lead publishes a new version; a run started before keeps its version, a new run gets the new one", async () => {
  const agent = await seedAgent(app);
  const ctx = app.ctx(agent.actor);
  const before = await startRun({ ctx, input: { project: "shop", title: "old" } });
  const lead = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
  const published = await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { headers: lead, body: { phases: [{ name: "plan" }, { name: "test", exit: { requires: "passing_test" } }, { name: "review", gate: { minRole: "lead" } }, { name: "ship", gate: { minRole: "admin" } }] } });
  expect(published.status).toBe(201);
  expect(published.json.version.version).toBe(2);
  const after = await startRun({ ctx, input: { project: "shop", title: "new" } });
  expect(before.runbook.version).toBe(1);
  expect(after.runbook.version).toBe(2);
  // The old run still follows version 1: "build" exists for it, not for the new run.
  expect((await advancePhase({ ctx, input: { run_id: before.run_id, phase: "build" } })).phase).toBe("build");
  await expect(advancePhase({ ctx, input: { run_id: after.run_id, phase: "build" } })).rejects.toThrow(/not a phase/);
  const detail = await api(app, "GET", `/api/runbooks/${DEFAULT_RUNBOOK_ID}`, { headers: lead });
  expect(detail.json.versions.map((v: any) => v.version)).toEqual([2, 1]);
  const list = await api(app, "GET", "/api/runbooks", { headers: lead });
  expect(list.json.runbooks[0].latest.version).toBe(2);
});

test("developers and auditors cannot publish; bad phases are refused and nothing is published", async () => {
  for (const role of ["developer", "auditor"] as const) {
    const headers = await sessionHeaders(app, (await seedUser(app, role)).actor);
    expect((await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { headers, body: { phases: [{ name: "plan" }] } })).status).toBe(403);
  }
  const lead = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
  for (const phases of [[], [{ name: "plan" }, { name: "plan" }], [{ name: "Plan Phase" }], [{ name: "plan", gate: { minRole: "lead" } }], [{ name: "plan", script: "rm -rf /" }], [{ name: "p", gate: { minRole: "developer" } }]]) {
    const response = await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { headers: lead, body: { phases } });
    expect(response.status).toBe(400);
  }
  expect(await allVersions()).toHaveLength(1);
  expect(countEvents(app, "runbook.published")).toBe(1);
});

test("a project's own runbook is used for its runs, at its latest version; other projects keep the workspace default", async () => {
  const ledger = await seedCanaryProject(app, "ledger");
  const now = app.clock.now();
  await transact(app.ctx(), async (tx) => {
    await tx.runbooks.insert({ id: "rbk_ledgerOwn", projectId: ledger.projectId, name: "Ledger", createdAt: now });
    for (const version of [1, 2]) {
      await tx.runbooks.insertVersion({ id: `rbv_ledger${version}`, runbookId: "rbk_ledgerOwn", version, phases: [{ name: `only${version}`, gate: null, exit: null }], createdBy: null, createdAt: now });
    }
  });
  const ctx = app.ctx((await seedAgent(app)).actor);
  const own = await startRun({ ctx, input: { project: "ledger", title: "own" } });
  expect(own.runbook).toMatchObject({ id: "rbk_ledgerOwn", version: 2 });
  expect(own.runbook.phases.map((p) => p.name)).toEqual(["only2"]);
  expect((await startRun({ ctx, input: { project: "shop", title: "default" } })).runbook).toMatchObject({ id: DEFAULT_RUNBOOK_ID, version: 1 });
});
