import { afterAll, describe, expect, test } from "bun:test";
import { CAPABILITIES, ROLES, can, type Role } from "../../src/core/roles.ts";
import { createTestApp, seedUser } from "../support/app.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const app = await createTestApp();
afterAll(() => app.dispose());

describe("GET /api/auth/me tells the web app what the role may do", () => {
  test.each(ROLES.map((r) => [r]))("%s: capabilities are the core matrix's, grantable roles never above its own", async (role) => {
    const { actor } = await seedUser(app, role as Role);
    const res = await app.request("/api/auth/me", { headers: await sessionHeaders(app, actor) });
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me.capabilities).toEqual(CAPABILITIES.filter((c) => can(role as Role, c)));
    const expected: Record<Role, Role[]> = {
      owner: ["owner", "admin", "lead", "developer", "auditor"],
      admin: ["admin", "lead", "developer", "auditor"],
      lead: ["lead", "developer", "auditor"],
      developer: ["developer", "auditor"],
      auditor: ["auditor"],
    };
    expect(me.grantableRoles).toEqual(expected[role as Role]);
  });
});
