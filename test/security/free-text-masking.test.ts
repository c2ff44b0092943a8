// Hidden paths through free text (issue 12, item 2): a lead's agent writes the canary path (a path
// inside a module excluded for developers and auditors) into every free-text field it has (run
// title, ticket, work-unit title and note, build log tail, phase and approval summaries, run summary,
// learnings), a lead and the owner write it into a note and a decision reason. Nothing of it may
// reach a developer or an auditor: no REST route, no MCP result, no live event.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checkpointView } from "../../src/core/checkpoint/view.ts";
import { approveNote } from "../../src/core/knowledge/review-note.ts";
import { scopeManifest } from "../../src/core/scope/manifest.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent, type Agent } from "../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, MASKED_ROLES, seedCanaryProject } from "../support/projects.ts";
import { registeredApiRoutes, ROUTE_EXPECTATIONS, genericPath } from "../support/routes.ts";
import { sessionHeaders } from "../support/session-cookie.ts";
import type { Role } from "../../src/core/roles.ts";

let app: TestApp;
let projectId: string;
let lead: Agent;
let owner: Awaited<ReturnType<typeof seedUser>>;
const headersOf: Partial<Record<Role, Record<string, string>>> = {};
const runIds: string[] = [];
const checkpointIds: string[] = [];

const leaks = (text: string) => CANARY_STRINGS.filter((c) => text.includes(c));

async function tool(agent: Agent, name: string, args: unknown) {
  const r = await callTool(app, agent.key, name, args);
  if (r.isError || r.rpcError) throw new Error(`${name}: ${r.text}`);
  return r.structured;
}

/** Everything a lead's agent can write as free text, each naming the canary path in a different shape. */
async function leadWritesTheCanaryEverywhere(): Promise<void> {
  const run = await tool(lead, "start_run", { project: "shop", title: `Rounding in ${CANARY_PATH}`, ticket: `see ./${CANARY_PATH}` });
  runIds.push(run.run_id);
  const planned = await tool(lead, "plan_work", { run_id: run.run_id, units: [{ title: `Wire (${CANARY_PATH}) into the api`, paths: ["src/api/invoices.ts"] }] });
  await tool(lead, "update_work_unit", { run_id: run.run_id, unit_id: planned.units[0].unit_id, status: "in_progress", note: `blocked by "${CANARY_PATH}:42"` });
  await tool(lead, "report_files", { run_id: run.run_id, action: "modified", paths: ["src/api/invoices.ts"] });
  await tool(lead, "report_build", { run_id: run.run_id, kind: "test", exit_code: 1, duration_ms: 10, log_tail: `FAIL /home/ci/repo/${CANARY_PATH}:42:7\nat src\\secret-billing\\CANARY_PATH.ts` });
  await tool(lead, "advance_phase", { run_id: run.run_id, phase: "build", summary: `Planned the change to ${CANARY_PATH}.` });
  const approval = await tool(lead, "request_approval", { run_id: run.run_id, reason: "destructive_action", summary: `Delete src/secret-billing/ and ${CANARY_PATH}` });
  checkpointIds.push(approval.checkpoint_id);
  const pending = await tool(lead, "request_approval", { run_id: run.run_id, reason: "other", summary: `Rewrite ${CANARY_PATH}` });
  checkpointIds.push(pending.checkpoint_id);
  const decided = await api(app, "POST", `/api/checkpoints/${approval.checkpoint_id}/approve`, { headers: headersOf.owner!, body: { reason: `Fine, ${CANARY_PATH} is dead code` } });
  expect(decided.status).toBe(200);

  const second = await tool(lead, "start_run", { project: "shop", title: "Refunds" });
  runIds.push(second.run_id);
  await tool(lead, "report_files", { run_id: second.run_id, action: "modified", paths: ["src/api/refunds.ts"] });
  await tool(lead, "finish_run", { run_id: second.run_id, outcome: "cancelled", summary: `Stopped: ${CANARY_PATH} is frozen`, learnings: [`Never touch ${CANARY_PATH} without billing.`] });
  const notes = (await api(app, "GET", "/api/projects/shop/notes", { headers: headersOf.owner! })).json.notes as { id: string; status: string }[];
  for (const n of notes.filter((x) => x.status === "proposed")) await approveNote({ ctx: app.ctx(owner.actor), input: { project: "shop", noteId: n.id } });
  const note = await api(app, "POST", "/api/projects/shop/notes", { headers: headersOf.lead!, body: { body: `The api calls ${CANARY_PATH} through one client.`, paths: ["src/api/client.ts"] } });
  expect(note.status).toBe(201);
}

beforeAll(async () => {
  app = await createTestApp();
  ({ projectId } = await seedCanaryProject(app));
  owner = await seedUser(app, "owner");
  headersOf.owner = await sessionHeaders(app, owner.actor);
  lead = await seedAgent(app, "lead");
  headersOf.lead = await sessionHeaders(app, lead.human);
  for (const role of MASKED_ROLES) headersOf[role] = await sessionHeaders(app, (await seedUser(app, role)).actor);
  await leadWritesTheCanaryEverywhere();
});
afterAll(() => app.dispose());

/** Every GET route, plus each run's page and every checkpoint status of the approvals queue. */
function readPaths(): string[] {
  const paths = registeredApiRoutes(app)
    .filter((r) => r.method === "GET" && r.path !== "/api/events")
    .map((r) => ROUTE_EXPECTATIONS[`GET ${r.path}`]?.path?.({ ownerEmail: "", targetUserId: "", targetKeyId: "", runId: runIds[0]!, unique: "x" }) ?? genericPath(r.path));
  return [...paths, ...runIds.map((id) => `/api/runs/${id}`), ...["pending", "approved"].map((s) => `/api/checkpoints?status=${s}`), "/api/projects/shop/notes"];
}

describe("free text naming a hidden path", () => {
  test("the owner sees the canary in every field it was written to (so the checks below can see it)", async () => {
    const run = await api(app, "GET", `/api/runs/${runIds[0]}`, { headers: headersOf.owner! });
    expect(run.json.run.title).toContain(CANARY_PATH);
    expect(run.json.builds[0].logTail).toContain(CANARY_PATH);
    expect(run.json.workUnits[0].note).toContain(CANARY_PATH);
    const queue = await api(app, "GET", "/api/checkpoints?status=approved", { headers: headersOf.owner! });
    expect(queue.json.checkpoints[0].decisionReason).toContain(CANARY_PATH);
    const notes = await api(app, "GET", "/api/projects/shop/notes", { headers: headersOf.owner! });
    expect(notes.json.notes.filter((n: any) => n.body.includes(CANARY_PATH))).toHaveLength(2);
  });

  test.each(MASKED_ROLES)("%s: no REST route returns the canary; fields read ‹secret-billing› instead", async (role) => {
    const found: string[] = [];
    for (const path of readPaths()) {
      const r = await api(app, "GET", path, { headers: headersOf[role]! });
      expect(r.status).toBeLessThan(500);
      if (leaks(r.text).length > 0) found.push(`${path}: ${leaks(r.text).join(", ")}`);
    }
    expect(found).toEqual([]);
    const run = await api(app, "GET", `/api/runs/${runIds[0]}`, { headers: headersOf[role]! });
    expect(run.json.run.title).toBe("Rounding in ‹secret-billing›");
    expect(run.json.run.ticket).toBe("see ‹secret-billing›");
    expect(run.json.workUnits[0].title).toBe("Wire (‹secret-billing›) into the api");
    expect(run.json.workUnits[0].note).toBe('blocked by "‹secret-billing›:42"');
    expect(run.json.builds[0].logTail).toBe("FAIL ‹secret-billing›:42:7\nat ‹secret-billing›");
    expect(run.json.run.summary).toBe("Planned the change to ‹secret-billing›.");
    const finished = await api(app, "GET", `/api/runs/${runIds[1]}`, { headers: headersOf[role]! });
    expect(finished.json.run.summary).toBe("Stopped: ‹secret-billing› is frozen");
    const queue = await api(app, "GET", "/api/checkpoints?status=approved", { headers: headersOf[role]! });
    expect(queue.json.checkpoints[0]).toMatchObject({ runTitle: "Rounding in ‹secret-billing›", summary: "Delete ‹secret-billing› and ‹secret-billing›", decisionReason: "Fine, ‹secret-billing› is dead code" });
    const notes = (await api(app, "GET", "/api/projects/shop/notes", { headers: headersOf[role]! })).json.notes.map((n: any) => n.body).sort();
    expect(notes).toEqual(["Never touch ‹secret-billing› without billing.", "The api calls ‹secret-billing› through one client."]);
  });

  test("a developer's agent receives the notes masked at start_run", async () => {
    const dev = await seedAgent(app, "developer");
    const r = await callTool(app, dev.key, "start_run", { project: "shop", title: "Read the brain" });
    expect(r.isError).toBe(false);
    expect(r.structured.notes.map((n: any) => n.body).sort()).toEqual(["Never touch ‹secret-billing› without billing.", "The api calls ‹secret-billing› through one client."]);
    expect(leaks(r.text)).toEqual([]);
    expect(leaks(JSON.stringify(r.structured))).toEqual([]);
  });

  test("the MCP checkpoint view masks a decider's reason with the caller's manifest", async () => {
    const row = (await app.store.read.checkpoints.byId(checkpointIds[0]!))!;
    const manifest = await scopeManifest(app.store.read, { projectId, role: "developer" });
    expect(checkpointView(row, manifest).reason).toBe("Fine, ‹secret-billing› is dead code");
    expect(checkpointView(row, null).reason).toContain(CANARY_PATH);
  });

  test.each(MASKED_ROLES)("%s: the live stream carries no canary while a lead's agent writes it", async (role) => {
    const stream = await app.request("/api/events", { headers: headersOf[role]! });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const written = tool(lead, "report_build", { run_id: runIds[0], kind: "lint", exit_code: 1, duration_ms: 5, log_tail: `lint: ${CANARY_PATH}` });
    // Read until the build's change event arrives (the stream never ends by itself).
    while (!text.includes("build.reported")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await written;
    await reader.cancel();
    expect(text).toContain("build.reported");
    expect(leaks(text)).toEqual([]);
  });
});

describe("get_checkpoint", () => {
  test("a developer's agent gets a person's decision reason with hidden paths masked", async () => {
    const dev = await seedAgent(app, "developer");
    const run = await tool(dev, "start_run", { project: "shop", title: "Developer run" });
    const ck = await tool(dev, "request_approval", { run_id: run.run_id, reason: "other", summary: "please look at the api change" });
    const decided = await api(app, "POST", `/api/checkpoints/${ck.checkpoint_id}/reject`, { headers: headersOf.owner!, body: { reason: `No: it also touches ${CANARY_PATH}` } });
    expect(decided.status).toBe(200);
    const view = await tool(dev, "get_checkpoint", { checkpoint_id: ck.checkpoint_id });
    expect(view.status).toBe("rejected");
    expect(JSON.stringify(view)).toContain("No: it also touches");
    expect(leaks(JSON.stringify(view))).toEqual([]);
  });
});
