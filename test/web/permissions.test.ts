import { describe, expect, test } from "bun:test";
import { ROLES } from "../../src/core/roles.ts";
import { ROLE_LIST } from "../../web/permissions.ts";

describe("the web app's role list", () => {
  test("names the core roles in rank order (the access matrix columns)", () => {
    expect([...ROLE_LIST]).toEqual([...ROLES]);
  });
});
