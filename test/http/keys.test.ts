import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { authenticateKey } from "../../src/core/key/authenticate-key.ts";
import { sha256Hex } from "../../src/lib/hash.ts";
import { isWellFormedPluginKey } from "../../src/lib/plugin-key-format.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { countEvents, trailText } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});
afterEach(() => app.dispose());

async function as(role: "owner" | "admin" | "lead" | "developer" | "auditor") {
  const seeded = await seedUser(app, role);
  return { ...seeded, headers: await sessionHeaders(app, seeded.actor) };
}

describe("/api/keys", () => {
  test("POST shows the plaintext once; the database keeps only its SHA-256; GET never shows hash or key", async () => {
    const dev = await as("developer");
    const created = await api(app, "POST", "/api/keys", { headers: dev.headers, body: { name: "laptop", expiresDays: 7 } });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { id, key, name, expiresAt } = created.json;
    expect(isWellFormedPluginKey(key)).toBe(true);
    expect(name).toBe("laptop");
    expect(expiresAt).toBe(app.clock.now() + 7 * 86_400_000);
    const row = (await app.store.read.keys.byId(id))!;
    expect(row.hash).toBe(sha256Hex(key));
    expect(Object.values(row)).not.toContain(key);
    const listed = await api(app, "GET", "/api/keys", { headers: dev.headers });
    expect(listed.json.keys).toEqual([{ id, userId: dev.user.id, name: "laptop", hint: key.slice(0, 8), createdAt: app.clock.now(), expiresAt, lastUsedAt: null, revokedAt: null, lastAddress: null, client: null, calls: 0 }]);
    expect(listed.text).not.toContain(key);
    expect(listed.text).not.toContain(row.hash);
    expect(trailText(app)).not.toContain(key);
    expect(app.logs()).not.toContain(key);
  });

  test("people see only their own keys; owner and admin may list everyone's with ?all=1", async () => {
    const dev = await as("developer");
    const lead = await as("lead");
    const admin = await as("admin");
    await api(app, "POST", "/api/keys", { headers: dev.headers, body: { name: "dev key" } });
    await api(app, "POST", "/api/keys", { headers: lead.headers, body: { name: "lead key" } });
    expect((await api(app, "GET", "/api/keys", { headers: lead.headers })).json.keys.map((k: any) => k.name)).toEqual(["lead key"]);
    expect((await api(app, "GET", "/api/keys?all=1", { headers: lead.headers })).status).toBe(403);
    expect((await api(app, "GET", "/api/keys?all=1", { headers: admin.headers })).json.keys.map((k: any) => k.name).sort()).toEqual(["dev key", "lead key"]);
  });

  test("revoking: own keys, or anyone's for owner/admin; others get 404 and the key keeps working", async () => {
    const dev = await as("developer");
    const lead = await as("lead");
    const admin = await as("admin");
    const { id, key } = (await api(app, "POST", "/api/keys", { headers: dev.headers, body: { name: "k" } })).json;
    const refused = await api(app, "DELETE", `/api/keys/${id}`, { headers: lead.headers });
    expect(refused.status).toBe(404);
    expect((await authenticateKey(app.services, key, "x")).keyId).toBe(id);
    const revoked = await api(app, "DELETE", `/api/keys/${id}`, { headers: admin.headers });
    expect(revoked.status).toBe(200);
    expect(revoked.json.key.revokedAt).toBe(app.clock.now());
    await expect(authenticateKey(app.services, key, "x")).rejects.toThrow("a valid plugin key is required");
    const own = (await api(app, "POST", "/api/keys", { headers: dev.headers, body: { name: "mine" } })).json;
    expect((await api(app, "DELETE", `/api/keys/${own.id}`, { headers: dev.headers })).status).toBe(200);
    expect(countEvents(app, "key.revoked")).toBe(2);
  });

  test("auditors cannot own keys", async () => {
    const auditor = await as("auditor");
    const r = await api(app, "POST", "/api/keys", { headers: auditor.headers, body: { name: "k" } });
    expect(r.status).toBe(403);
    expect(await app.store.read.keys.list(null)).toHaveLength(0);
  });

  test("bad input is refused with the field named and nothing created", async () => {
    const dev = await as("developer");
    const other = await as("lead");
    for (const body of [{}, { name: "" }, { name: "x".repeat(101) }, { name: "k", expiresDays: 0 }, { name: "k", expiresDays: 1.5 }, { name: "k", extra: true }, { name: "k", userId: other.user.id }]) {
      const r = await api(app, "POST", "/api/keys", { headers: dev.headers, body });
      expect([400, 403]).toContain(r.status);
    }
    expect((await api(app, "POST", "/api/keys", { headers: dev.headers, body: { name: "x".repeat(101) } })).json.error.message).toContain("name");
    expect((await api(app, "DELETE", "/api/keys/not-an-id", { headers: dev.headers })).status).toBe(400);
    expect(await app.store.read.keys.list(null)).toHaveLength(0);
  });
});
