import { describe, expect, test } from "bun:test";
import { createKey } from "../../src/core/key/create-key.ts";
import { createProject } from "../../src/core/project/create-project.ts";
import { planWork } from "../../src/core/run/plan-work.ts";
import { reportFiles } from "../../src/core/run/report-files.ts";
import { startRun } from "../../src/core/run/start-run.ts";
import { ROLES, type Role } from "../../src/core/roles.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { CANARY_PATH, CANARY_STRINGS, MASKED_ROLES, seedCanaryProject } from "../support/projects.ts";
import { genericPath, PUBLIC_ROUTES, registeredApiRoutes, ROUTE_EXPECTATIONS, type MatrixFixture, type RegisteredRoute } from "../support/routes.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

type Caller = Role | "anonymous";
const CALLERS: readonly Caller[] = ["anonymous", ...ROLES];

async function fixtureApp(caller: Caller): Promise<{ app: TestApp; fixture: MatrixFixture; headers: Record<string, string> }> {
  const app = await createTestApp();
  const owner = await seedUser(app, "owner");
  const target = await seedUser(app, "developer");
  await seedCanaryProject(app);
  await createProject({ ctx: app.ctx(), input: { slug: "scratch", name: "Scratch" } });
  const key = await createKey({ ctx: app.ctx(target.actor), input: { name: "target key" } });
  // The owner's agent works inside the secret module: its run must reach masked roles masked.
  const ownerKey = await createKey({ ctx: app.ctx(owner.actor), input: { name: "owner agent" } });
  const agent = app.ctx({ kind: "agent", keyId: ownerKey.id, userId: owner.user.id, role: "owner" });
  const run = await startRun({ ctx: agent, input: { project: "shop", title: "Invoice rounding" } });
  await planWork({ ctx: agent, input: { run_id: run.run_id, units: [{ title: "Fix rounding", paths: [CANARY_PATH] }, { title: "Adjust api", paths: ["src/api/invoices.ts"] }] } });
  await reportFiles({ ctx: agent, input: { run_id: run.run_id, action: "modified", paths: [CANARY_PATH, "src/api/invoices.ts"] } });
  const fixture: MatrixFixture = { ownerEmail: owner.user.email, targetUserId: target.user.id, targetKeyId: key.id, runId: run.run_id, unique: caller };
  let headers: Record<string, string> = {};
  if (caller === "owner") headers = await sessionHeaders(app, owner.actor);
  else if (caller !== "anonymous") headers = await sessionHeaders(app, (await seedUser(app, caller)).actor);
  return { app, fixture, headers };
}

function ordered(routes: RegisteredRoute[]): RegisteredRoute[] {
  // Reads, then writes, then destructive routes, and signing out at the very end.
  const rank = (r: RegisteredRoute) =>
    r.path === "/api/auth/logout" ? 3 : ROUTE_EXPECTATIONS[`${r.method} ${r.path}`]?.last ? 2 : r.method === "GET" ? 0 : 1;
  return [...routes].sort((a, b) => rank(a) - rank(b));
}

describe("role matrix: every /api route × the five roles and anonymous", () => {
  for (const caller of CALLERS) {
    test(`${caller}: allowed routes succeed, others answer ${caller === "anonymous" ? "401" : "403"}, and masked paths never leak`, async () => {
      const { app, fixture, headers } = await fixtureApp(caller);
      try {
        const problems: string[] = [];
        const leaks: string[] = [];
        for (const route of ordered(registeredApiRoutes(app))) {
          const key = `${route.method} ${route.path}`;
          const spec = ROUTE_EXPECTATIONS[key];
          const path = spec?.path?.(fixture) ?? genericPath(route.path);
          const body = route.method === "GET" ? undefined : (spec?.body?.(fixture) ?? {});
          const r = await api(app, route.method, path, { headers, body });
          const isPublic = spec ? spec.allow === "public" : PUBLIC_ROUTES.has(key);
          if (spec) {
            const allowed = spec.allow === "public" || (caller !== "anonymous" && spec.allow.includes(caller));
            const expected = allowed ? spec.status : caller === "anonymous" ? 401 : (spec.denied ?? 403);
            const ok = expected === undefined ? r.status >= 200 && r.status < 300 : r.status === expected;
            if (!ok) problems.push(`${key}: expected ${expected ?? "2xx"}, got ${r.status} ${r.text.slice(0, 120)}`);
          } else if (caller === "anonymous" && !isPublic && r.status !== 401) {
            // Routes without an entry yet still must not answer anonymous callers.
            problems.push(`${key}: anonymous got ${r.status}, expected 401`);
          }
          if (caller !== "anonymous" && r.status >= 500) problems.push(`${key}: ${r.status}`);
          if ((caller === "anonymous" || (MASKED_ROLES as readonly string[]).includes(caller)) && CANARY_STRINGS.some((c) => r.text.includes(c))) leaks.push(key);
        }
        expect(problems).toEqual([]);
        expect(leaks).toEqual([]);
      } finally {
        await app.dispose();
      }
    });
  }

  test("the canary is visible to the owner (so the leak check above can see it)", async () => {
    const { app, headers, fixture } = await fixtureApp("owner");
    try {
      for (const path of ["/api/projects/shop", `/api/runs/${fixture.runId}`]) {
        const r = await api(app, "GET", path, { headers });
        expect(CANARY_STRINGS.every((c) => r.text.includes(c))).toBe(true);
      }
    } finally {
      await app.dispose();
    }
  });

  test("every route with an expectation is registered (the table does not drift from the app)", async () => {
    const { app } = await fixtureApp("anonymous");
    try {
      const registered = new Set(registeredApiRoutes(app).map((r) => `${r.method} ${r.path}`));
      expect(Object.keys(ROUTE_EXPECTATIONS).filter((k) => !registered.has(k))).toEqual([]);
    } finally {
      await app.dispose();
    }
  });
});
