// Lists and counts over all data: /api/runs, /api/checkpoints and /api/audit page with a cursor and
// report the true total; search runs on the server (only over what the caller may see); the
// dashboard's numbers are counted by the server, not summed from a page.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startRun } from "../../src/core/run/start-run.ts";
import type { RunStatus } from "../../src/core/run/queries.ts";
import { transact } from "../../src/core/transact.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const RUNS = 2000;
const PENDING = 250;
const DAY = 86_400_000;
const STATUSES: RunStatus[] = ["active", "completed", "blocked", "failed", "awaiting_approval"];
const id = (prefix: string, n: number) => `${prefix}_T${String(n).padStart(19, "0")}`;

let app: TestApp;
let owner: Record<string, string>;
let developer: Record<string, string>;
const expected = { active: 0, tokensIn: 0, tokensOut: 0, violations: 0, drift: 0 };
/** The pending checkpoints' ids, soonest-expiring first. */
const pendingByExpiry: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  const { projectId } = await seedCanaryProject(app);
  const agent = await seedAgent(app, "lead");
  const first = await startRun({ ctx: app.ctx(agent.actor), input: { project: "shop", title: "The first run" } });
  const template = (await app.ctx().store.read.runs.byId(first.run_id))!;
  expected.active += 1;
  const now = app.clock.now();
  const monthStart = Date.UTC(2026, 10, 1);
  await transact(app.ctx(), async (tx) => {
    for (let i = 0; i < RUNS; i++) {
      const status = STATUSES[i % STATUSES.length]!;
      if (status === "active" || status === "blocked" || status === "awaiting_approval") expected.active += 1;
      // Three runs name a path in the module developers may not see.
      const title = i < 3 ? `Fix src/secret-billing/ledger-${i}.ts rounding` : `Story number ${i}`;
      await tx.runs.insertRun({
        id: id("run", i), projectId, runbookVersionId: template.runbookVersionId, title, ticket: `T-${i}`, ownerUserId: template.ownerUserId, keyId: null,
        status, phase: "plan", phaseEnteredAt: now - i * 1000, branch: `feature/story-${i}`, createdAt: now - i * 1000, updatedAt: now - (i % 700) * 1000,
      });
    }
    for (let i = 0; i < PENDING + 30; i++) {
      const pending = i < PENDING;
      // Expiry order differs from request order: the oldest request expires soonest.
      await tx.checkpoints.insert({
        id: id("ckp", i), runId: id("run", i), kind: "approval", targetPhase: null, reason: "scope_exception", summary: null, requiredRole: "lead",
        status: pending ? "pending" : "approved", requestedAt: now - (PENDING - i) * 60_000, expiresAt: now + (i + 1) * 60_000,
        decidedAt: pending ? null : now, decidedBy: null, deciderRole: pending ? null : "lead", decisionReason: null,
      });
      if (pending) pendingByExpiry.push(id("ckp", i));
    }
    for (let i = 0; i < 600; i++) {
      // 600 reports this month (more than any page), 5 last month that do not count.
      const inputTokens = 100_000 + i;
      const outputTokens = 50_000 + 2 * i;
      await tx.runs.insertUsage({ id: id("use", i), runId: id("run", i % RUNS), model: "m", inputTokens, outputTokens, cacheTokens: 0, calls: 1, createdAt: monthStart + (i % 20) * DAY });
      expected.tokensIn += inputTokens;
      expected.tokensOut += outputTokens;
    }
    for (let i = 0; i < 5; i++) await tx.runs.insertUsage({ id: id("old", i), runId: id("run", i), model: "m", inputTokens: 9e6, outputTokens: 9e6, cacheTokens: 0, calls: 1, createdAt: monthStart - DAY });
    for (let i = 0; i < 230; i++) {
      // 200 violations and 20 drift signals in the last 7 days; 10 older ones outside the window.
      const recent = i < 220;
      const kind = i < 200 || !recent ? "scope_violation" : "gate_skip";
      await tx.runs.insertDrift({ id: id("drf", i), runId: id("run", i), kind, path: null, detail: {}, createdAt: recent ? now - (i % 6) * DAY : now - 8 * DAY });
      if (recent && kind === "scope_violation") expected.violations += 1;
      if (recent && kind !== "scope_violation") expected.drift += 1;
    }
  });
  owner = await sessionHeaders(app, (await seedUser(app, "owner")).actor);
  developer = await sessionHeaders(app, (await seedUser(app, "developer")).actor);
});
afterAll(() => app.dispose());

/** Follows nextCursor to the end; returns every item's id and the totals each page reported. */
async function walk(path: string, key: string, headers: Record<string, string>, idOf: (item: any) => string = (item) => item.id) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes("?") ? "&" : "?";
    const res = await api(app, "GET", cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path, { headers });
    expect(res.status).toBe(200);
    ids.push(...res.json[key].map(idOf));
    totals.add(res.json.total);
    cursor = res.json.nextCursor;
    if (cursor === null) return { ids, totals: [...totals] };
  }
  throw new Error("paging did not end");
}

test("runs: the true total, and paging visits every run exactly once in updated order", async () => {
  const first = await api(app, "GET", "/api/runs", { headers: owner });
  expect(first.json.runs).toHaveLength(100);
  expect(first.json.total).toBe(RUNS + 1);
  const { ids, totals } = await walk("/api/runs?limit=500", "runs", owner);
  expect(totals).toEqual([RUNS + 1]);
  expect(ids).toHaveLength(RUNS + 1);
  expect(new Set(ids).size).toBe(RUNS + 1);
  const filtered = await walk("/api/runs?status=blocked&limit=150", "runs", owner);
  expect(filtered.totals).toEqual([RUNS / STATUSES.length]);
  expect(new Set(filtered.ids).size).toBe(RUNS / STATUSES.length);
});

test("runs: search runs on the server over title, ticket and branch", async () => {
  const byTicket = await api(app, "GET", "/api/runs?q=T-1050", { headers: owner });
  expect(byTicket.json.total).toBe(1);
  expect(byTicket.json.runs.map((r: any) => r.ticket)).toEqual(["T-1050"]);
  expect((await api(app, "GET", "/api/runs?q=feature%2Fstory-1999", { headers: owner })).json.runs.map((r: any) => r.id)).toEqual([id("run", 1999)]);
  expect((await api(app, "GET", "/api/runs?q=story%20number%2019", { headers: owner })).json.total).toBe(111);
  // LIKE wildcards in the text are literal.
  expect((await api(app, "GET", "/api/runs?q=T-10_0", { headers: owner })).json.total).toBe(0);
  expect((await api(app, "GET", "/api/runs?q=%25", { headers: owner })).json.total).toBe(0);
  expect((await api(app, "GET", "/api/runs?cursor=not-ours", { headers: owner })).status).toBe(400);
});

test("runs: a masked role's search does not match text hidden behind a module it cannot see", async () => {
  const unmasked = await api(app, "GET", "/api/runs?q=secret-billing", { headers: owner });
  expect(unmasked.json.total).toBe(3);
  const masked = await api(app, "GET", "/api/runs?q=secret-billing%2Fledger", { headers: developer });
  expect(masked.json).toMatchObject({ runs: [], total: 0, nextCursor: null });
  // What the developer does see still matches, paged, with the masked text.
  const visible = await walk("/api/runs?q=rounding&limit=2", "runs", developer);
  expect(visible.totals).toEqual([3]);
  expect(new Set(visible.ids).size).toBe(3);
  const page = await api(app, "GET", "/api/runs?q=rounding", { headers: developer });
  expect(page.text).not.toContain("src/secret-billing");
  expect(page.json.runs[0].title).toBe("Fix ‹secret-billing› rounding");
});

test("approvals: the total is every pending checkpoint, the first page the soonest-expiring, paging covers all", async () => {
  const first = await api(app, "GET", "/api/checkpoints?status=pending", { headers: owner });
  expect(first.json.total).toBe(PENDING);
  expect(first.json.checkpoints).toHaveLength(100);
  expect(first.json.checkpoints.map((c: any) => c.id)).toEqual(pendingByExpiry.slice(0, 100));
  const { ids, totals } = await walk("/api/checkpoints?status=pending&limit=60", "checkpoints", owner);
  expect(totals).toEqual([PENDING]);
  expect(ids).toEqual(pendingByExpiry);
  const all = await walk("/api/checkpoints?limit=200", "checkpoints", owner);
  expect(all.totals).toEqual([PENDING + 30]);
  expect(new Set(all.ids).size).toBe(PENDING + 30);
});

test("audit: the total counts every matching event, not the page", async () => {
  const res = await api(app, "GET", "/api/audit?limit=5", { headers: owner });
  expect(res.json.events).toHaveLength(5);
  const count = await app.ctx().store.read.audit.count();
  expect(res.json.total).toBe(count);
  expect(res.json.total).toBeGreaterThan(5);
  const started = await api(app, "GET", "/api/audit?type=run.started&limit=1", { headers: owner });
  expect(started.json.total).toBe(1);
});

test("dashboard: every number is the true count over all data", async () => {
  for (const headers of [owner, developer]) {
    const res = await api(app, "GET", "/api/dashboard", { headers });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      activeRuns: expected.active,
      pendingApprovals: PENDING,
      signals: { days: 7, scopeViolations: expected.violations, drift: expected.drift },
      tokens: { since: Date.UTC(2026, 10, 1), input: expected.tokensIn, output: expected.tokensOut },
    });
    expect(res.text).not.toContain("secret-billing");
  }
  expect(expected.violations).toBe(200);
  expect((await api(app, "GET", "/api/dashboard")).status).toBe(401);
});
