// Budgets and runbook proposals through the real HTTP app (issue 18): bad input is refused with a
// 400 naming the field and changes nothing, unknown projects and proposals are 404, and each role
// gets what the permission matrix says.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Role } from "../../src/core/roles.ts";
import { ROLES } from "../../src/core/roles.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { seedMinedProposals } from "../support/proposals.ts";
import { eventsOf, totalEvents } from "../support/runs.ts";
import { signedInAs } from "../support/session-cookie.ts";

let app: TestApp;
const headers = {} as Record<Role, Record<string, string>>;
let proposalIds: string[] = [];
beforeAll(async () => {
  app = await createTestApp({ "key-rate-limit": "1000000" }, { notifier: false, minerWorker: false });
  await seedCanaryProject(app, "shop");
  const devs = [await seedAgent(app, "developer"), await seedAgent(app, "developer")];
  proposalIds = (await seedMinedProposals(app, devs.map((d) => d.actor), "shop")).proposals;
  // Signed in after the seeding, whose clock moves past the idle timeout.
  for (const role of ROLES) headers[role] = (await signedInAs(app, role)).headers;
});
afterAll(() => app.dispose());

const budget = async () => (await api(app, "GET", "/api/projects/shop/budget", { headers: headers.owner })).json.budget;
/** Events written since the trail had `count` of them. */
const eventsSince = async (count: number) => (await eventsOf(app)).slice(count);
/** What a refused request leaves: its input.rejected event naming the fields (never their values), nothing else. */
async function onlyRejectionsSince(count: number, fields: string[]) {
  const since = await eventsSince(count);
  expect(since.map((e) => e.type)).toEqual(fields.map(() => "input.rejected"));
  // A body that is not JSON at all names no field: its reason is "parse".
  expect(since.map((e) => JSON.parse(e.meta).fields[0] ?? JSON.parse(e.meta).reason)).toEqual(fields);
  return since;
}
const openProposals = async () => (await api(app, "GET", "/api/runbook-proposals", { headers: headers.lead })).json.proposals as { id: string; status: string }[];

describe("GET/PUT /api/projects/:slug/budget", () => {
  test("a bad budget is refused with a 400 naming the field: the budget stays as it was, and the trail holds only each refusal by field name (a body field naming the project in the path is refused, not overridden)", async () => {
    const set = await api(app, "PUT", "/api/projects/shop/budget", { headers: headers.owner, body: { monthlyTokens: 50_000, runTokens: 5_000 } });
    expect(set.status).toBe(200);
    const before = await budget();
    const trail = await totalEvents(app);
    const cases: [unknown, string][] = [
      [{ monthlyTokens: 0, runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: -10, runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: 1.5, runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: "50000", runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: 2_000_000_000_000_000, runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: 50_000, runTokens: 0 }, "runTokens"],
      [{ monthlyTokens: 50_000 }, "runTokens"],
      [{ runTokens: 5_000 }, "monthlyTokens"],
      [{ monthlyTokens: 50_000, runTokens: 5_000, currency: "EUR" }, "body"],
      [{ monthlyTokens: 50_000, runTokens: 5_000, projectSlug: "other" }, "projectSlug"],
      [[50_000, 5_000], "body"],
      ["not json", "body"],
    ];
    for (const [body, field] of cases) {
      const r = await api(app, "PUT", "/api/projects/shop/budget", { headers: headers.owner, body });
      expect({ body, status: r.status, code: r.json?.error?.code }).toEqual({ body, status: 400, code: "invalid" });
      expect(r.json.error.message).toContain(field === "body" && !Array.isArray(body) && typeof body === "object" ? "unknown field(s) currency" : field);
    }
    expect(await budget()).toEqual(before);
    const rejected = await onlyRejectionsSince(trail, cases.map(([body, field]) => (typeof body === "string" ? "parse" : field)));
    expect(JSON.stringify(rejected)).not.toContain("50000");
  });

  test("an unknown project is a 404 for reading and writing, and nothing is written", async () => {
    const trail = await totalEvents(app);
    expect((await api(app, "GET", "/api/projects/nowhere/budget", { headers: headers.owner })).status).toBe(404);
    const put = await api(app, "PUT", "/api/projects/nowhere/budget", { headers: headers.owner, body: { monthlyTokens: 1_000, runTokens: null } });
    expect(put.status).toBe(404);
    expect(put.json.error.code).toBe("not_found");
    expect(await totalEvents(app)).toBe(trail);
    const long = await api(app, "GET", `/api/projects/${"x".repeat(65)}/budget`, { headers: headers.owner });
    expect(long.status).toBe(400);
    expect(long.json.error.message).toContain("projectSlug");
  });

  test("every person reads the budget; only owners and admins set it (canEdit says so), and each change is audited", async () => {
    for (const role of ROLES) {
      const read = await api(app, "GET", "/api/projects/shop/budget", { headers: headers[role] });
      expect({ role, status: read.status, canEdit: read.json.budget?.canEdit }).toEqual({ role, status: 200, canEdit: role === "owner" || role === "admin" });
      const tokens = 60_000 + ROLES.indexOf(role);
      const write = await api(app, "PUT", "/api/projects/shop/budget", { headers: headers[role], body: { monthlyTokens: tokens, runTokens: null } });
      expect({ role, status: write.status }).toEqual({ role, status: role === "owner" || role === "admin" ? 200 : 403 });
      if (write.status === 200) expect(write.json.budget).toMatchObject({ monthlyTokens: tokens, runTokens: null });
    }
    expect((await budget()).monthlyTokens).toBe(60_000 + ROLES.indexOf("admin"));
    const changes = (await eventsOf(app, { type: "budget.changed" })).map((e) => JSON.parse(e.meta).monthlyTokens);
    expect(changes.slice(-2)).toEqual([60_000 + ROLES.indexOf("owner"), 60_000 + ROLES.indexOf("admin")]);
  });

  test("without a session the budget is a 401", async () => {
    expect((await api(app, "GET", "/api/projects/shop/budget")).status).toBe(401);
    expect((await api(app, "PUT", "/api/projects/shop/budget", { body: { monthlyTokens: 1, runTokens: 1 } })).status).toBe(401);
  });
});

describe("/api/runbook-proposals", () => {
  test("the seeded history gave two open proposals", async () => {
    expect(proposalIds).toHaveLength(2);
    expect((await openProposals()).map((p) => p.status)).toEqual(["open", "open"]);
  });

  test("a bad filter is refused with a 400 naming the parameter", async () => {
    for (const [query, field] of [["status=closed", "status"], ["limit=0", "limit"], ["limit=201", "limit"], ["limit=ten", "limit"], ["limit=1.5", "limit"]] as const) {
      const r = await api(app, "GET", `/api/runbook-proposals?${query}`, { headers: headers.lead });
      expect({ query, status: r.status, code: r.json?.error?.code }).toEqual({ query, status: 400, code: "invalid" });
      expect(r.json.error.message).toStartWith(`${field}:`);
    }
    const ok = await api(app, "GET", "/api/runbook-proposals?status=open&limit=1", { headers: headers.lead });
    expect(ok.json.proposals).toHaveLength(1);
  });

  test("a bad decision is refused with a 400 naming the field (a proposalId in the body too), an unknown proposal is a 404, and no proposal changes", async () => {
    const trail = await totalEvents(app);
    const [id] = proposalIds;
    const cases: [string, unknown, number, string][] = [
      ["not-a-proposal", {}, 400, "proposalId"],
      [`rbp_${"a".repeat(31)}`, {}, 400, "proposalId"],
      [id!, { reason: "r".repeat(501) }, 400, "reason"],
      [id!, { reason: 42 }, 400, "reason"],
      [id!, { reason: "ok", publish: true }, 400, "unknown field(s) publish"],
      [id!, ["approve"], 400, "body"],
      [id!, { proposalId: proposalIds[1] }, 400, "proposalId: given by the path"],
      ["rbp_0000000000unknown", {}, 404, "runbook proposal"],
    ];
    for (const action of ["approve", "dismiss"]) {
      for (const [target, body, status, text] of cases) {
        const r = await api(app, "POST", `/api/runbook-proposals/${target}/${action}`, { headers: headers.lead, body });
        expect({ action, target, body, status: r.status }).toEqual({ action, target, body, status });
        expect(r.json.error.message).toContain(text);
      }
    }
    expect((await openProposals()).map((p) => p.status)).toEqual(["open", "open"]);
    // The 404s record nothing; each 400 its input.rejected event.
    const refused = cases.filter(([, , status]) => status === 400).map(([, body, , text]) => (text.includes(":") || text.startsWith("unknown") ? (text.startsWith("unknown") ? "body" : text.split(":")[0]!) : text));
    await onlyRejectionsSince(trail, [...refused, ...refused]);
  });

  test("developers and auditors can neither list nor decide proposals; leads, admins and owners list them", async () => {
    const trail = await totalEvents(app);
    for (const role of ROLES) {
      const allowed = role === "owner" || role === "admin" || role === "lead";
      const list = await api(app, "GET", "/api/runbook-proposals", { headers: headers[role] });
      expect({ role, status: list.status }).toEqual({ role, status: allowed ? 200 : 403 });
      if (allowed) continue;
      for (const action of ["approve", "dismiss"]) {
        const r = await api(app, "POST", `/api/runbook-proposals/${proposalIds[0]}/${action}`, { headers: headers[role], body: {} });
        expect({ role, action, status: r.status }).toEqual({ role, action, status: 403 });
      }
    }
    expect((await api(app, "GET", "/api/runbook-proposals")).status).toBe(401);
    expect(await totalEvents(app)).toBe(trail);
    expect((await openProposals()).map((p) => p.status)).toEqual(["open", "open"]);
  });

  test("a lead dismisses a proposal once: deciding it again is a 409 and changes nothing", async () => {
    const id = proposalIds[1]!;
    const dismissed = await api(app, "POST", `/api/runbook-proposals/${id}/dismiss`, { headers: headers.lead, body: { reason: "on purpose" } });
    expect(dismissed.status).toBe(200);
    expect(dismissed.json.proposal).toMatchObject({ id, status: "dismissed", decisionReason: "on purpose" });
    const trail = await totalEvents(app);
    for (const action of ["approve", "dismiss"]) {
      const again = await api(app, "POST", `/api/runbook-proposals/${id}/${action}`, { headers: headers.admin, body: {} });
      expect({ action, status: again.status, code: again.json.error.code }).toEqual({ action, status: 409, code: "conflict" });
    }
    expect(await totalEvents(app)).toBe(trail);
    const all = (await api(app, "GET", "/api/runbook-proposals?status=dismissed", { headers: headers.owner })).json.proposals;
    expect(all.map((p: { id: string }) => p.id)).toEqual([id]);
  });
});
