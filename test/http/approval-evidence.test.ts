// Deciding with the evidence: each approval card carries what the run did (scope violations, failed
// tests, changed files; paths masked for the viewer's role), every decision names who made it, and
// the run page says whether the reader may decide each pending checkpoint there.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { reportBuild } from "../../src/core/run/report-build.ts";
import { reportFiles } from "../../src/core/run/report-files.ts";
import { requestApproval } from "../../src/core/run/request-approval.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let dev: Agent;
const headers: Record<string, Record<string, string>> = {};
const names: Record<string, string> = {};
let runId = "";
let checkpointId = "";

beforeAll(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  for (const role of ["lead", "auditor"] as const) {
    const { user, actor } = await seedUser(app, role);
    headers[role] = await sessionHeaders(app, actor);
    names[role] = user.name;
  }
  headers.runOwner = await sessionHeaders(app, dev.human);
  const ctx = app.ctx(dev.actor);
  runId = (await startRun({ ctx, input: { project: "shop", title: "Invoice export" } })).run_id;
  await reportFiles({ ctx, input: { run_id: runId, action: "modified", paths: ["src/api/invoices.ts", CANARY_PATH, "docs/invoices.md"] } });
  await reportFiles({ ctx, input: { run_id: runId, action: "read", paths: ["src/api/read-only-look.ts"] } });
  await reportBuild({ ctx, input: { run_id: runId, kind: "test", exit_code: 0, duration_ms: 900 } });
  app.clock.advance(1000);
  await reportBuild({ ctx, input: { run_id: runId, kind: "test", exit_code: 1, duration_ms: 950 } });
  await reportBuild({ ctx, input: { run_id: runId, kind: "build", exit_code: 2, duration_ms: 400 } });
  checkpointId = (await requestApproval({ ctx, input: { run_id: runId, reason: "dependency_change", summary: "Add csv-writer" } })).checkpoint_id;
});
afterAll(async () => {
  await app.dispose();
});

const queue = async (as: string, status = "pending") => (await api(app, "GET", `/api/checkpoints?status=${status}`, { headers: headers[as] })).json.checkpoints as any[];

describe("the approval card's evidence", () => {
  test("a pending checkpoint carries the run's scope violations, test results and changed files, counted over the whole run", async () => {
    const [card] = await queue("lead");
    expect(card.id).toBe(checkpointId);
    // Reading a file is no change; the developer's agent may not change docs (read-only) or the excluded module.
    expect(card.evidence).toMatchObject({ tests: 2, failedTests: 1, lastTestExitCode: 1, failedBuilds: 1, changedFiles: 3, scopeViolations: 2, drift: 0 });
    expect(card.evidence.changedPaths).toEqual(["docs/invoices.md", "src/api/invoices.ts", CANARY_PATH].sort());
    expect(card.evidence.violationPaths).toEqual(["docs/invoices.md", CANARY_PATH]);
  });

  test("for a role that sees runs masked, the evidence paths read ‹module›, never the path", async () => {
    const [card] = await queue("auditor");
    const text = JSON.stringify(card.evidence);
    for (const canary of CANARY_STRINGS) expect(text).not.toContain(canary);
    expect(card.evidence.changedPaths).toContain("‹secret-billing›");
    expect(card.evidence.violationPaths).toContain("‹secret-billing›");
  });
});

describe("decisions name the person who made them", () => {
  test("the run page says the lead may decide the pending checkpoint there and the run's owner may not", async () => {
    const asLead = (await api(app, "GET", `/api/runs/${runId}`, { headers: headers.lead })).json;
    const asOwner = (await api(app, "GET", `/api/runs/${runId}`, { headers: headers.runOwner })).json;
    expect(asLead.checkpoints.find((c: any) => c.id === checkpointId).canDecide).toBe(true);
    expect(asOwner.checkpoints.find((c: any) => c.id === checkpointId).canDecide).toBe(false);
  });

  test("after the lead approves, the queue and the run page both carry the decider's name and role", async () => {
    expect((await api(app, "POST", `/api/checkpoints/${checkpointId}/approve`, { headers: headers.lead, body: { reason: "Licence checked" } })).status).toBe(200);
    const decided = (await queue("auditor", "approved")).find((c) => c.id === checkpointId);
    expect(decided.decider).toMatchObject({ name: names.lead, role: "lead" });
    const run = (await api(app, "GET", `/api/runs/${runId}`, { headers: headers.lead })).json;
    const row = run.checkpoints.find((c: any) => c.id === checkpointId);
    expect(row.decider).toMatchObject({ name: names.lead, role: "lead" });
    expect(row.canDecide).toBe(false);
  });
});
