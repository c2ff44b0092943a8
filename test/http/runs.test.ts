// GET /api/runs and /api/runs/:id: every role sees runs; developers and auditors see them masked
// (paths in their excluded modules read ‹module›, such work units show no title).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { planWork } from "../../src/core/run/plan-work.ts";
import { reportFiles } from "../../src/core/run/report-files.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, MASKED_ROLES, seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let runId: string;
beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  // A lead's agent may edit the billing module; masked viewers must still not see it.
  const agent = await seedAgent(app, "lead");
  const ctx = app.ctx(agent.actor);
  runId = (await startRun({ ctx, input: { project: "shop", title: "Billing rework" } })).run_id;
  await planWork({ ctx, input: { run_id: runId, units: [{ title: "Rewrite CANARY_PATH billing", paths: [CANARY_PATH] }, { title: "API glue", paths: ["src/api/glue.ts"] }] } });
  await reportFiles({ ctx, input: { run_id: runId, action: "modified", paths: [CANARY_PATH, "src/api/glue.ts"] } });
});
afterAll(() => app.dispose());

test.each(MASKED_ROLES)("%s sees the run masked: no canary path, no title of the excluded work unit", async (role) => {
  const headers = await sessionHeaders(app, (await seedUser(app, role)).actor);
  const list = await api(app, "GET", "/api/runs", { headers });
  expect(list.status).toBe(200);
  expect(list.json.runs.map((r: any) => r.id)).toContain(runId);
  const detail = await api(app, "GET", `/api/runs/${runId}`, { headers });
  expect(detail.status).toBe(200);
  for (const canary of CANARY_STRINGS) expect(detail.text).not.toContain(canary);
  const units = detail.json.workUnits;
  expect(units[0]).toMatchObject({ title: null, masked: true, paths: ["‹secret-billing›"] });
  expect(units[1]).toMatchObject({ title: "API glue", masked: false });
  expect(detail.json.phases.find((p: any) => p.station === "current").name).toBe("plan");
});

test.each(["owner", "admin", "lead"] as const)("%s sees the run unmasked", async (role) => {
  const headers = await sessionHeaders(app, (await seedUser(app, role)).actor);
  const detail = await api(app, "GET", `/api/runs/${runId}`, { headers });
  expect(detail.json.workUnits[0].title).toBe("Rewrite CANARY_PATH billing");
  expect(detail.json.files.map((f: any) => f.path)).toContain(CANARY_PATH);
  expect(detail.json.events.map((e: any) => e.type)).toContain("run.started");
});

test("filters by status and project; bad filters are 400; no session is 401; unknown run is 404", async () => {
  const headers = await sessionHeaders(app, (await seedUser(app, "developer")).actor);
  expect((await api(app, "GET", "/api/runs?status=active&project=shop", { headers })).json.runs).toHaveLength(1);
  expect((await api(app, "GET", "/api/runs?status=completed", { headers })).json.runs).toHaveLength(0);
  expect((await api(app, "GET", "/api/runs?status=exploded", { headers })).status).toBe(400);
  expect((await api(app, "GET", "/api/runs")).status).toBe(401);
  expect((await api(app, "GET", "/api/runs/run_AAAAAAAAAAAAAAAAAAAA", { headers })).status).toBe(404);
});
