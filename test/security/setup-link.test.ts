// Only the newest setup link creates the owner: each start prints a new one, and the links of
// earlier starts (still in an old terminal, a scroll-back or a log) stop working.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { issueSetupToken } from "../../src/core/user/setup.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { eventsOf } from "../support/audit.ts";
import { api } from "../support/http.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

const setup = (token: string) => api(app, "POST", "/api/setup", { body: { token, email: "owner@example.test", name: "Olga", password: "a-long-setup-passphrase" } });

describe("setup links", () => {
  test("issuing a new setup link invalidates the older ones; the newest still works", async () => {
    const first = (await issueSetupToken(app.ctx()))!;
    app.clock.advance(60_000);
    const second = (await issueSetupToken(app.ctx()))!;
    app.clock.advance(60_000);
    const third = (await issueSetupToken(app.ctx()))!;
    for (const old of [first, second]) {
      const refused = await setup(old);
      expect(refused.status).toBe(401);
      expect(refused.json.error.message).toContain("invalid, used or expired");
    }
    expect((await setup(third)).status).toBe(201);
  });

  test("the issue event says how many earlier links it replaced", async () => {
    await issueSetupToken(app.ctx());
    await issueSetupToken(app.ctx());
    const issued = eventsOf(app, "setup.token_issued");
    expect(issued.map((e) => e.meta.replaced)).toEqual([0, 1]);
  });
});
