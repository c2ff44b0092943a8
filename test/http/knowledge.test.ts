// GET/POST /api/projects/:slug/notes through the real app: every signed-in role reads (masked
// roles without notes about their excluded modules), everyone who works on code may post, the
// auditor may not; notes are capped, scanned before storage and written same-origin only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Role } from "../../src/core/roles.ts";
import { countEvents, rawDatabase } from "../support/audit.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { seedAgent } from "../support/mcp.ts";
import { CANARY_PATH, CANARY_STRINGS, MASKED_ROLES, seedCanaryProject } from "../support/projects.ts";
import { crcToken } from "../scanner/helpers.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

const ROLES: readonly Role[] = ["owner", "admin", "lead", "developer", "auditor"];
const NOTES = "/api/projects/shop/notes";
/** A synthetic GitHub token with a valid checksum: the real scanner flags it as github_token. */
const SECRET = crcToken("ghp_");

let app: TestApp;
let projectId: string;
const headersOf: Partial<Record<Role, Record<string, string>>> = {};
beforeAll(async () => {
  app = await createTestApp();
  ({ projectId } = await seedCanaryProject(app));
  for (const role of ROLES) headersOf[role] = await sessionHeaders(app, (await seedUser(app, role)).actor);
});
afterAll(() => app.dispose());

const as = (role: Role) => headersOf[role]!;
/** The project's stored notes (all of them: the test posts far fewer than this), through the port. */
const stored = () => app.store.read.knowledge.recent(projectId, 1000, null);
const noteCount = async () => (await stored()).length;
const eventCount = (type: string) => countEvents(app, type);

describe("who may post", () => {
  test.each(["owner", "admin", "lead", "developer"] as const)("%s posts a note: 201, stored as human-written and recorded as knowledge.recorded", async (role) => {
    const before = eventCount("knowledge.recorded");
    const posted = await api(app, "POST", NOTES, { headers: as(role), body: { body: `Invoices are computed in cents (${role}).`, paths: ["src/api/invoices.ts", "src/api/invoices.ts"] } });
    expect(posted.status).toBe(201);
    expect(posted.json.note).toMatchObject({ body: `Invoices are computed in cents (${role}).`, paths: ["src/api/invoices.ts"], authorKind: "human", runId: null });
    const row = (await stored()).find((n) => n.id === posted.json.note.id)!;
    expect(row).toMatchObject({ authorKind: "human", paths: ["src/api/invoices.ts"] });
    expect(eventCount("knowledge.recorded")).toBe(before + 1);
  });

  test("an auditor may read but not post: 403 and nothing stored", async () => {
    const before = await noteCount();
    const posted = await api(app, "POST", NOTES, { headers: as("auditor"), body: { body: "Auditors do not teach agents." } });
    expect(posted.status).toBe(403);
    expect(posted.json.error.code).toBe("forbidden");
    expect(await noteCount()).toBe(before);
  });

  test("without a session, or with a plugin key instead of a session, reading and posting are 401", async () => {
    const agent = await seedAgent(app, "developer");
    const before = await noteCount();
    for (const headers of [{}, { authorization: `Bearer ${agent.key}` }] as Record<string, string>[]) {
      expect((await api(app, "GET", NOTES, { headers })).status).toBe(401);
      expect((await api(app, "POST", NOTES, { headers, body: { body: "sneaky" } })).status).toBe(401);
    }
    expect(await noteCount()).toBe(before);
  });
});

describe("notes about hidden code", () => {
  test("a developer cannot write a note about a path in a module hidden from their role: 403, nothing stored", async () => {
    const before = (await api(app, "GET", NOTES, { headers: as("owner") })).json.notes.length;
    const r = await api(app, "POST", NOTES, { headers: as("developer"), body: { body: "Always round half up here.", paths: ["src/api/client.ts", CANARY_PATH] } });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("paths.1");
    expect(r.json.error.message).toContain("hidden from your role");
    expect((await api(app, "GET", NOTES, { headers: as("owner") })).json.notes.length).toBe(before);
  });

  test("a lead, who may see that module, can", async () => {
    const r = await api(app, "POST", NOTES, { headers: as("lead"), body: { body: "Rounding is centralised.", paths: [CANARY_PATH] } });
    expect(r.status).toBe(201);
  });
});

describe("who may read", () => {
  let hiddenId: string;
  let mixedId: string;
  beforeAll(async () => {
    // Distinct creation times, so "newest first" is not decided by insertion order.
    app.clock.advance(1000);
    hiddenId = (await api(app, "POST", NOTES, { headers: as("lead"), body: { body: "Billing rounding lives in one helper.", paths: [CANARY_PATH] } })).json.note.id;
    app.clock.advance(1000);
    mixedId = (await api(app, "POST", NOTES, { headers: as("lead"), body: { body: "The API calls billing through one client.", paths: ["src/api/client.ts", CANARY_PATH] } })).json.note.id;
  });

  test.each(["owner", "admin", "lead"] as const)("%s reads every note of the project unmasked, newest first", async (role) => {
    const list = await api(app, "GET", NOTES, { headers: as(role) });
    expect(list.status).toBe(200);
    const ids = list.json.notes.map((n: any) => n.id);
    expect(ids.slice(0, 2)).toEqual([mixedId, hiddenId]);
    expect(list.json.notes[0].paths).toEqual(["src/api/client.ts", CANARY_PATH]);
    const times = list.json.notes.map((n: any) => n.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test.each(MASKED_ROLES)("%s reads notes masked: a note only about an excluded module is left out, a mixed one shows ‹module›", async (role) => {
    const list = await api(app, "GET", NOTES, { headers: as(role) });
    expect(list.status).toBe(200);
    const ids = list.json.notes.map((n: any) => n.id);
    expect(ids).not.toContain(hiddenId);
    expect(list.json.notes.find((n: any) => n.id === mixedId).paths).toEqual(["src/api/client.ts", "‹secret-billing›"]);
    for (const canary of CANARY_STRINGS) expect(list.text).not.toContain(canary);
  });

  test("?limit bounds the list; a limit that is not an integer in 1–200 is 400", async () => {
    expect((await api(app, "GET", `${NOTES}?limit=1`, { headers: as("owner") })).json.notes).toHaveLength(1);
    for (const bad of ["0", "201", "abc", "1.5", "-3"]) {
      const r = await api(app, "GET", `${NOTES}?limit=${bad}`, { headers: as("owner") });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("invalid");
    }
  });
});

describe("bad notes are refused and nothing is stored", () => {
  test("a planted secret in the body: 422 scanner_blocked naming the field and kind, never the value; recorded as scanner.blocked", async () => {
    const before = await noteCount();
    const blockedBefore = eventCount("scanner.blocked");
    const recordedBefore = eventCount("knowledge.recorded");
    const r = await api(app, "POST", NOTES, { headers: as("developer"), body: { body: `CI pushes with ${SECRET} from the vault.`, paths: ["src/api/ci.ts"] } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("scanner_blocked");
    expect(r.json.error.message).toContain("field 'body'");
    expect(r.json.error.message).toContain("github_token");
    expect(r.json.error.details).toMatchObject({ fields: ["body"], kinds: ["github_token"] });
    expect(r.text).not.toContain(SECRET);
    expect(await noteCount()).toBe(before);
    expect(eventCount("knowledge.recorded")).toBe(recordedBefore);
    expect(eventCount("scanner.blocked")).toBe(blockedBefore + 1);
    const db = rawDatabase(app);
    const event = db.query("SELECT meta FROM audit_events WHERE type = 'scanner.blocked' ORDER BY seq DESC LIMIT 1").get() as { meta: string };
    db.close();
    expect(event.meta).not.toContain(SECRET);
    expect(app.logs()).not.toContain(SECRET);
  });

  test("a secret planted in a path is refused the same way, naming paths.N", async () => {
    const before = await noteCount();
    const r = await api(app, "POST", NOTES, { headers: as("lead"), body: { body: "Config lives here.", paths: ["src/api/ok.ts", `config/${SECRET}.ts`] } });
    expect(r.status).toBe(422);
    expect(r.json.error.details.fields).toEqual(["paths.1"]);
    expect(r.text).not.toContain(SECRET);
    expect(await noteCount()).toBe(before);
  });

  test("a note of exactly 2000 characters is accepted; 2001 is 400 naming body", async () => {
    const ok = await api(app, "POST", NOTES, { headers: as("developer"), body: { body: "a".repeat(2000) } });
    expect(ok.status).toBe(201);
    const before = await noteCount();
    const long = await api(app, "POST", NOTES, { headers: as("developer"), body: { body: "b".repeat(2001) } });
    expect(long.status).toBe(400);
    expect(long.json.error.code).toBe("invalid");
    expect(long.json.error.message).toContain("body");
    expect(await noteCount()).toBe(before);
  });

  test.each([
    ["an empty body", { body: "" }],
    ["no body field", { paths: ["src/api/x.ts"] }],
    ["an unknown field", { body: "ok", author: "someone else" }],
    ["a path with ..", { body: "ok", paths: ["../etc/passwd"] }],
    ["an absolute path", { body: "ok", paths: ["/etc/passwd"] }],
    ["more than 50 paths", { body: "ok", paths: Array.from({ length: 51 }, (_, i) => `src/api/f${i}.ts`) }],
    ["a body that is not a string", { body: 42 }],
    ["a JSON array instead of an object", ["body"]],
  ])("%s is 400 invalid and stores nothing", async (_label, body) => {
    const before = await noteCount();
    const r = await api(app, "POST", NOTES, { headers: as("lead"), body });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid");
    expect(await noteCount()).toBe(before);
  });

  test("a cross-site POST is 403, stores nothing and records origin.rejected", async () => {
    const before = await noteCount();
    const rejected = eventCount("origin.rejected");
    const { cookie } = as("owner");
    for (const headers of [{ "sec-fetch-site": "cross-site", origin: "https://evil.example" }, { origin: "https://evil.example" }, {}] as Record<string, string>[]) {
      const r = await app.request(NOTES, { method: "POST", headers: { cookie: cookie!, "content-type": "application/json", ...headers }, body: JSON.stringify({ body: "planted by another site" }) });
      expect(r.status).toBe(403);
    }
    expect(await noteCount()).toBe(before);
    expect(eventCount("origin.rejected")).toBe(rejected + 3);
  });

  test("an unknown project is 404 for reading and posting (before the body is scanned)", async () => {
    const before = await noteCount();
    const blocked = eventCount("scanner.blocked");
    expect((await api(app, "GET", "/api/projects/nowhere/notes", { headers: as("developer") })).status).toBe(404);
    expect((await api(app, "POST", "/api/projects/nowhere/notes", { headers: as("developer"), body: { body: "lost" } })).status).toBe(404);
    expect((await api(app, "POST", "/api/projects/nowhere/notes", { headers: as("developer"), body: { body: `lost ${SECRET}` } })).status).toBe(404);
    expect(await noteCount()).toBe(before);
    expect(eventCount("scanner.blocked")).toBe(blocked);
  });
});
