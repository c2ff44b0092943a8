import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { DEFAULT_SETTINGS } from "../../src/core/setting/schemas.ts";
import { ROLES } from "../../src/core/roles.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

describe("/api/settings", () => {
  test("every role reads the settings; only the owner changes them, and the change is audited", async () => {
    for (const role of ROLES) {
      const { actor } = await seedUser(app, role);
      const headers = await sessionHeaders(app, actor);
      const read = await api(app, "GET", "/api/settings", { headers });
      expect(read.status).toBe(200);
      expect(Object.keys(read.json.settings).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
      const write = await api(app, "PATCH", "/api/settings", { headers, body: { retentionDays: 90 } });
      expect(write.status).toBe(role === "owner" ? 200 : 403);
    }
    const owner = await seedUser(app, "owner");
    expect((await api(app, "GET", "/api/settings", { headers: await sessionHeaders(app, owner.actor) })).json.settings.retentionDays).toBe(90);
    expect(eventsOf(app, "settings.changed").map((e) => e.meta)).toEqual([{ keys: ["retentionDays"], retentionDays: 90 }]);
  });

  test("out-of-range or unknown settings are refused and nothing changes", async () => {
    const { actor } = await seedUser(app, "owner");
    const headers = await sessionHeaders(app, actor);
    for (const body of [{ sessionIdleMinutes: 16 }, { sessionAbsoluteHours: 13 }, { loginMaxFailures: 0 }, { scannerPolicy: "ignore" }, { theme: "dark" }, [1]]) {
      const r = await api(app, "PATCH", "/api/settings", { headers, body });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("invalid");
    }
    expect((await api(app, "GET", "/api/settings", { headers })).json.settings).toEqual(DEFAULT_SETTINGS);
  });

  test("a shorter idle timeout applies to existing sessions", async () => {
    const { actor } = await seedUser(app, "owner");
    const headers = await sessionHeaders(app, actor);
    await api(app, "PATCH", "/api/settings", { headers, body: { sessionIdleMinutes: 5 } });
    app.clock.advance(5 * 60_000);
    expect((await api(app, "GET", "/api/auth/me", { headers })).status).toBe(401);
  });
});
