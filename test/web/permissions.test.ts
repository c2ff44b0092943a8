import { describe, expect, test } from "bun:test";
import { PERMISSIONS, ROLES } from "../../src/core/roles.ts";
import { grantable, ROLE_LIST, WEB_PERMISSIONS } from "../../web/permissions.ts";

describe("the web app's permission matrix", () => {
  test("equals the core matrix, so the app hides exactly the actions the server refuses", () => {
    expect(Object.keys(WEB_PERMISSIONS).sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const [capability, roles] of Object.entries(PERMISSIONS)) {
      expect([...WEB_PERMISSIONS[capability as keyof typeof PERMISSIONS]].sort()).toEqual([...roles].sort());
    }
    expect([...ROLE_LIST]).toEqual([...ROLES]);
  });

  test("offers only roles at or below one's own", () => {
    expect(grantable("owner")).toEqual(["owner", "admin", "lead", "developer", "auditor"]);
    expect(grantable("admin")).toEqual(["admin", "lead", "developer", "auditor"]);
    expect(grantable("developer")).toEqual(["developer", "auditor"]);
  });
});
