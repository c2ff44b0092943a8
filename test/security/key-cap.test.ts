// A person holds at most 20 active plugin keys: a stolen session (or a looping script) cannot mint
// keys without bound, and the refusal says what the limit is and how to make room.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createKey, MAX_ACTIVE_KEYS_PER_PERSON } from "../../src/core/key/create-key.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

describe("plugin keys per person", () => {
  test("the 21st active key is refused with the limit and how to revoke; revoking one makes room", async () => {
    expect(MAX_ACTIVE_KEYS_PER_PERSON).toBe(20);
    const { actor } = await seedUser(app, "developer");
    const headers = await sessionHeaders(app, actor);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await api(app, "POST", "/api/keys", { headers, body: { name: `key ${i}` } });
      expect(created.status).toBe(201);
      ids.push(created.json.id);
    }
    const refused = await api(app, "POST", "/api/keys", { headers, body: { name: "one too many" } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("conflict");
    expect(refused.json.error.message).toContain("20 active plugin keys");
    expect(refused.json.error.message).toContain("revoke");
    expect((await api(app, "GET", "/api/keys", { headers })).json.keys).toHaveLength(20);

    expect((await api(app, "DELETE", `/api/keys/${ids[0]}`, { headers })).status).toBeLessThan(300);
    expect((await api(app, "POST", "/api/keys", { headers, body: { name: "after a revoke" } })).status).toBe(201);
    expect((await api(app, "POST", "/api/keys", { headers, body: { name: "over again" } })).status).toBe(409);
  });

  test("expired keys do not count, and the cap is per person", async () => {
    const { user } = await seedUser(app, "developer");
    const other = await seedUser(app, "developer");
    for (let i = 0; i < 20; i++) await createKey({ ctx: app.ctx(), input: { name: `short ${i}`, userId: user.id, expiresDays: 1 } });
    await expect(createKey({ ctx: app.ctx(), input: { name: "refused", userId: user.id } })).rejects.toThrow(/20 active plugin keys/);
    expect((await createKey({ ctx: app.ctx(), input: { name: "someone else", userId: other.user.id } })).key).toStartWith("ryd_");
    app.clock.advance(2 * 86_400_000);
    expect((await createKey({ ctx: app.ctx(), input: { name: "after expiry", userId: user.id } })).key).toStartWith("ryd_");
  });
});
