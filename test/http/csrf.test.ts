import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { countEvents } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { genericPath, registeredApiRoutes, ROUTE_EXPECTATIONS, STATE_CHANGING, type MatrixFixture } from "../support/routes.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
let cookie: string;
let fixture: MatrixFixture;
beforeAll(async () => {
  app = await createTestApp();
  const owner = await seedUser(app, "owner");
  const target = await seedUser(app, "developer");
  await seedCanaryProject(app);
  cookie = (await sessionHeaders(app, owner.actor)).cookie!;
  fixture = { ownerEmail: owner.user.email, targetUserId: target.user.id, targetKeyId: "key_00000000000000000000", runId: "run_00000000000000000000", unique: "csrf" };
});
afterAll(() => app.dispose());

const nonRefusalEvents = () => countEvents(app) - countEvents(app, "origin.rejected");

const CROSS_SITE: Record<string, Record<string, string>> = {
  "Sec-Fetch-Site: cross-site": { "sec-fetch-site": "cross-site", origin: "http://127.0.0.1:7433" },
  "Sec-Fetch-Site: same-site": { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:7433" },
  "no Sec-Fetch-Site and no Origin": {},
  "Origin: null": { origin: "null" },
};

describe("CSRF: every state-changing /api route refuses cross-site requests", () => {
  test("the app registers state-changing routes (the inventory is not empty)", () => {
    const writes = registeredApiRoutes(app).filter((r) => STATE_CHANGING.has(r.method));
    expect(writes.length).toBeGreaterThan(10);
  });

  test("each one answers 403 forbidden, changes nothing and records origin.rejected", async () => {
    const writes = registeredApiRoutes(app).filter((r) => STATE_CHANGING.has(r.method));
    const before = nonRefusalEvents();
    const failures: string[] = [];
    for (const route of writes) {
      const spec = ROUTE_EXPECTATIONS[`${route.method} ${route.path}`];
      const path = spec?.path?.(fixture) ?? genericPath(route.path);
      const body = JSON.stringify(spec?.body?.(fixture) ?? {});
      for (const [label, headers] of Object.entries(CROSS_SITE)) {
        const response = await app.request(path, { method: route.method, headers: { cookie, "content-type": "application/json", ...headers }, body });
        const json = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
        if (response.status !== 403 || json?.error?.code !== "forbidden") failures.push(`${route.method} ${route.path} with ${label}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(nonRefusalEvents()).toBe(before);
    expect(countEvents(app, "origin.rejected")).toBeGreaterThanOrEqual(writes.length * Object.keys(CROSS_SITE).length);
  });

  test("an Origin from another host is refused too", async () => {
    const r = await app.request("/api/keys", { method: "POST", headers: { cookie, "content-type": "application/json", origin: "https://evil.example" }, body: '{"name":"x"}' });
    expect(r.status).toBe(403);
  });

  test("same-origin requests pass: Sec-Fetch-Site same-origin or none, or the server's own Origin alone", async () => {
    for (const headers of [{ "sec-fetch-site": "same-origin" }, { "sec-fetch-site": "none" }, { origin: "http://127.0.0.1:7433" }] as Record<string, string>[]) {
      const r = await app.request("/api/projects/shop", { method: "PATCH", headers: { cookie, "content-type": "application/json", ...headers }, body: '{"name":"Shop"}' });
      expect(r.status).toBe(200);
    }
  });

  test("an Origin alone must be exactly the origin the request was sent to (localhost and 127.0.0.1 are different origins)", async () => {
    const r = await app.request("/api/projects/shop", { method: "PATCH", headers: { cookie, "content-type": "application/json", origin: "http://localhost:7433" }, body: '{"name":"Shop"}' });
    expect(r.status).toBe(403);
  });

  test("reads do not need an Origin (GET is safe)", async () => {
    const r = await api(app, "GET", "/api/projects", { headers: { cookie, "sec-fetch-site": "cross-site" } });
    expect(r.status).toBe(200);
  });
});
