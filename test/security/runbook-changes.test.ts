// One lead cannot remove the gates and ship alone (issue 12, item 3; DESIGN §13): publishing a
// runbook version that loosens the process waits for a second person with runbook-edit rights;
// tightening and neutral changes apply at once. Every step is audited.
import { beforeEach, afterEach, describe, expect, test } from "bun:test";
import { loosenings } from "../../src/core/runbook/loosening.ts";
import { DEFAULT_PHASES, DEFAULT_RUNBOOK_ID, type PhaseDef } from "../../src/core/runbook/schemas.ts";
import { countEvents } from "../support/audit.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const BOOK = `/api/runbooks/${DEFAULT_RUNBOOK_ID}`;
// The default: plan → build → test (exit: passing_test) → review (gate: lead) → ship (gate: lead).
const phase = (name: string, gate: PhaseDef["gate"] = null, exit: PhaseDef["exit"] = null) => ({ name, gate, exit });
const base = () => DEFAULT_PHASES.map((p) => ({ ...p }));
const without = (name: string) => base().filter((p) => p.name !== name);
const replaced = (name: string, next: PhaseDef) => base().map((p) => (p.name === name ? next : p));

let app: TestApp;
let lead: Record<string, string>;
let otherLead: Record<string, string>;
let developer: Record<string, string>;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  lead = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
  otherLead = await sessionHeaders(app, (await seedUser(app, "lead")).actor);
  developer = await sessionHeaders(app, (await seedUser(app, "developer")).actor);
});
afterEach(() => app.dispose());

const publish = (headers: Record<string, string>, phases: unknown) => api(app, "POST", `${BOOK}/versions`, { headers, body: { phases } });
const versions = async () => (await api(app, "GET", BOOK, { headers: lead })).json.versions as { version: number; phases: PhaseDef[] }[];
const phasesOfNewRun = async () => {
  const agent = await seedAgent(app, "developer");
  return (await callTool(app, agent.key, "start_run", { project: "shop", title: "Which process?" })).structured.runbook.phases.map((p: any) => p.name);
};

const LOOSENINGS: [string, PhaseDef[], string][] = [
  ["removes a gate", replaced("review", phase("review")), "gate on 'review' removed"],
  ["drops exit evidence", replaced("test", phase("test")), "exit evidence of 'test' (passing_test) dropped"],
  ["replaces exit evidence", replaced("test", phase("test", null, { requires: "passing_lint" })), "exit evidence of 'test' changed from passing_test to passing_lint"],
  ["removes a gated phase", without("review"), "phase 'review' (gated: lead) removed"],
  ["renames a gated phase", replaced("ship", phase("release", { minRole: "lead" })), "phase 'ship' (gated: lead) removed"],
  ["removes a phase with exit evidence", without("test"), "phase 'test' (exit evidence: passing_test) removed"],
];

describe("a loosening waits for a second person", () => {
  test.each(LOOSENINGS)("a version that %s answers 202 with a pending change and publishes nothing", async (_label, phases, why) => {
    const r = await publish(lead, phases);
    expect(r.status).toBe(202);
    expect(r.json.change).toMatchObject({ status: "pending", canApprove: false, canReject: true });
    expect(r.json.change.loosenings).toContain(why);
    expect(r.json.version).toBeUndefined();
    expect(await versions()).toHaveLength(1);
    expect(countEvents(app, "runbook.change_proposed")).toBe(1);
    expect(countEvents(app, "runbook.published")).toBe(1); // the default's, at first start
  });

  test("raising a gate's approver role applies at once; lowering it again waits", async () => {
    const admin = replaced("ship", phase("ship", { minRole: "admin" }));
    expect((await publish(lead, admin)).status).toBe(201);
    const lowered = await publish(lead, base());
    expect(lowered.status).toBe(202);
    expect(lowered.json.change.loosenings).toEqual(["gate on 'ship' lowered from admin to lead"]);
    expect(loosenings(base(), admin)).toEqual([]);
  });

  test("the proposer cannot approve it, a developer cannot decide it; another lead approves and it is published", async () => {
    const proposed = (await publish(lead, without("review"))).json.change;
    const path = `${BOOK}/changes/${proposed.id}`;
    const self = await api(app, "POST", `${path}/approve`, { headers: lead });
    expect(self.status).toBe(403);
    expect(self.json.error.message).toContain("second person");
    expect((await api(app, "POST", `${path}/approve`, { headers: developer })).status).toBe(403);
    expect((await api(app, "POST", `${path}/reject`, { headers: developer })).status).toBe(403);
    expect(await phasesOfNewRun()).toEqual(["plan", "build", "test", "review", "ship"]);

    const detail = await api(app, "GET", BOOK, { headers: otherLead });
    expect(detail.json.pendingChanges).toEqual([expect.objectContaining({ id: proposed.id, canApprove: true, canReject: true })]);
    const approved = await api(app, "POST", `${path}/approve`, { headers: otherLead, body: { reason: "Reviews happen in the PR." } });
    expect(approved.status).toBe(200);
    expect(approved.json.change).toMatchObject({ status: "approved", decisionReason: "Reviews happen in the PR." });
    expect(approved.json.version.version).toBe(2);
    expect((await versions())[0]!.phases.map((p) => p.name)).toEqual(["plan", "build", "test", "ship"]);
    expect(await phasesOfNewRun()).toEqual(["plan", "build", "test", "ship"]);
    expect(countEvents(app, "runbook.change_approved")).toBe(1);
    expect(countEvents(app, "runbook.published")).toBe(2);
    expect((await api(app, "GET", BOOK, { headers: otherLead })).json.pendingChanges).toEqual([]);
    expect((await api(app, "POST", `${path}/approve`, { headers: otherLead })).status).toBe(409);
    expect((await api(app, "POST", `${path}/reject`, { headers: otherLead })).status).toBe(409);
  });

  test("a rejected (or withdrawn) change publishes nothing and records runbook.change_rejected", async () => {
    const first = (await publish(lead, without("ship"))).json.change;
    const second = (await publish(lead, without("review"))).json.change;
    expect((await api(app, "POST", `${BOOK}/changes/${first.id}/reject`, { headers: otherLead, body: { reason: "No." } })).json.change.status).toBe("rejected");
    expect((await api(app, "POST", `${BOOK}/changes/${second.id}/reject`, { headers: lead })).json.change.status).toBe("rejected");
    expect(await versions()).toHaveLength(1);
    expect(countEvents(app, "runbook.change_rejected")).toBe(2);
    expect((await api(app, "POST", `${BOOK}/changes/${first.id}/approve`, { headers: otherLead })).status).toBe(409);
  });

  test("a change reviewed against an older version cannot be approved after another publish", async () => {
    const proposed = (await publish(lead, without("review"))).json.change;
    expect((await publish(lead, [...base(), phase("docs")])).status).toBe(201);
    const r = await api(app, "POST", `${BOOK}/changes/${proposed.id}/approve`, { headers: otherLead });
    expect(r.status).toBe(409);
    expect(await versions()).toHaveLength(2);
  });

  test("a change id of another runbook, or an unknown one, is 404", async () => {
    expect((await api(app, "POST", `${BOOK}/changes/rbc_00000000000000000000/approve`, { headers: otherLead })).status).toBe(404);
  });
});

describe("tightening and neutral changes apply at once", () => {
  test.each([
    ["adds a gate", replaced("build", phase("build", { minRole: "lead" }))],
    ["raises a gate's approver role", replaced("ship", phase("ship", { minRole: "owner" }))],
    ["adds exit evidence", replaced("build", phase("build", null, { requires: "passing_build" }))],
    ["adds a phase", [...base(), phase("docs")]],
    ["removes a phase without gate or evidence", without("build")],
  ] as [string, PhaseDef[]][])("a version that %s is published: 201", async (_label, phases) => {
    const r = await publish(lead, phases);
    expect(r.status).toBe(201);
    expect(r.json.version.version).toBe(2);
    expect(countEvents(app, "runbook.change_proposed")).toBe(0);
  });
});
