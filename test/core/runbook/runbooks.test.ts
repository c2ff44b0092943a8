// Runbooks are versioned: the default exists from the first start, editing publishes a new
// immutable version, and runs stay on the version they started with.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { advancePhase } from "../../../src/core/run/advance-phase.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { ensureDefaultRunbook } from "../../../src/core/runbook/ensure-default-runbook.ts";
import { DEFAULT_RUNBOOK_ID } from "../../../src/core/runbook/schemas.ts";
import { auditEvents, runbookVersions } from "../../../src/db/schema/index.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { api } from "../../support/http.ts";
import { seedAgent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";
import { sessionHeaders } from "../../support/session-cookie.ts";

let app: TestApp;
beforeEach(() => {
  app = createTestApp();
  seedCanaryProject(app);
});
afterEach(() => app.dispose());

test("the default runbook exists after the first start and creating it again changes nothing", () => {
  expect(ensureDefaultRunbook({ ctx: app.ctx() })).toEqual({ created: false });
  const versions = app.store.read.select().from(runbookVersions).where(eq(runbookVersions.runbookId, DEFAULT_RUNBOOK_ID)).all();
  expect(versions).toHaveLength(1);
  expect((versions[0]!.phases as any[]).map((p) => [p.name, p.gate?.minRole ?? null, p.exit?.requires ?? null])).toEqual([
    ["plan", null, null], ["build", null, null], ["test", null, "passing_test"], ["review", "lead", null], ["ship", "lead", null],
  ]);
  expect(app.store.read.select().from(auditEvents).where(eq(auditEvents.type, "runbook.published")).all()).toHaveLength(1);
});

test("a lead publishes a new version; a run started before keeps its version, a new run gets the new one", async () => {
  const agent = await seedAgent(app);
  const ctx = app.ctx(agent.actor);
  const before = startRun({ ctx, input: { project: "shop", title: "old" } });
  const lead = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
  const published = await api(app, "POST", `/api/runbooks/${DEFAULT_RUNBOOK_ID}/versions`, { headers: lead, body: { phases: [{ name: "plan" }, { name: "ship", gate: { minRole: "admin" } }] } });
  expect(published.status).toBe(201);
  expect(published.json.version.version).toBe(2);
  const after = startRun({ ctx, input: { project: "shop", title: "new" } });
  expect(before.runbook.version).toBe(1);
  expect(after.runbook.version).toBe(2);
  // The old run still follows version 1: "build" exists for it, not for the new run.
  expect(advancePhase({ ctx, input: { run_id: before.run_id, phase: "build" } }).phase).toBe("build");
  expect(() => advancePhase({ ctx, input: { run_id: after.run_id, phase: "build" } })).toThrow(/not a phase/);
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
  expect(app.store.read.select().from(runbookVersions).all()).toHaveLength(1);
});
