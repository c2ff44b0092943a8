// If the audit event cannot be written, the change it records does not happen (DESIGN section 7).
import { afterEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { projects, runs, settings } from "../../src/db/schema/index.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import { getSettings } from "../../src/core/setting/get-settings.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { breakAuditWrites, countEvents } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { callTool } from "../support/mcp-call.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { inspect } from "../support/inspect.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
afterEach(() => app?.dispose());

describe("fail-closed: no event, no change", () => {
  test("PATCH /api/settings answers 500 and the setting keeps its value when the event write fails", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    const headers = await sessionHeaders(app, actor);
    const events = countEvents(app);
    const repair = breakAuditWrites(app);
    const res = await api(app, "PATCH", "/api/settings", { body: { retentionDays: 90 }, headers });
    repair();
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe("internal");
    expect(res.text).not.toContain("audit write failed");
    expect((await getSettings(app.store.read)).retentionDays).toBe(0);
    expect(inspect(app).select().from(settings).all()).toEqual([]);
    expect(countEvents(app)).toBe(events);
    // With the event path working again, the same request succeeds and is recorded.
    const again = await api(app, "PATCH", "/api/settings", { body: { retentionDays: 90 }, headers });
    expect(again.status).toBe(200);
    expect(countEvents(app, "settings.changed")).toBe(1);
  });

  test("POST /api/projects creates no project when the event write fails", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "admin");
    const headers = await sessionHeaders(app, actor);
    const repair = breakAuditWrites(app);
    const res = await api(app, "POST", "/api/projects", { body: { slug: "billing", name: "Billing" }, headers });
    repair();
    expect(res.status).toBe(500);
    expect(inspect(app).select().from(projects).where(eq(projects.slug, "billing")).all()).toEqual([]);
  });

  test("the MCP start_run tool (through /mcp) starts no run when the event write fails, and says so without internals", async () => {
    app = await createTestApp();
    const { user } = await seedUser(app, "developer");
    const { slug } = await seedCanaryProject(app);
    const key = await createKey({ ctx: app.ctx(), input: { name: "laptop", userId: user.id } });
    const repair = breakAuditWrites(app);
    const refused = await callTool(app, key.key, "start_run", { project: slug, title: "Add invoices" });
    repair();
    expect(refused.isError).toBe(true);
    expect(refused.text).toStartWith("internal:");
    expect(refused.text).not.toContain("audit write failed");
    expect(inspect(app).select().from(runs).all()).toEqual([]);
    expect(countEvents(app, "run.started")).toBe(0);
    const started = await callTool(app, key.key, "start_run", { project: slug, title: "Add invoices" });
    expect(started.isError).toBe(false);
    expect(inspect(app).select().from(runs).all()).toHaveLength(1);
    expect(countEvents(app, "run.started")).toBe(1);
  });
});
