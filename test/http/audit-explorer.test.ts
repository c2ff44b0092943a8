// The audit explorer for auditors: people's names beside their ids, every event type and the people
// to filter by, and an export that holds exactly the events the filters match (not the whole trail).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Actor } from "../../src/core/context.ts";
import { EVENT_TYPES } from "../../src/core/audit/registry.ts";
import { transact } from "../../src/core/transact.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { api } from "../support/http.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
const headers: Record<string, Record<string, string>> = {};
const people: Record<string, { actor: Actor; id: string; name: string }> = {};

beforeAll(async () => {
  app = await createTestApp();
  for (const role of ["owner", "lead", "auditor", "developer"] as const) {
    const { user, actor } = await seedUser(app, role);
    people[role] = { actor, id: user.id, name: user.name };
    headers[role] = await sessionHeaders(app, actor);
  }
  // 80 events by the lead, 5 of them of one type; a few by the owner.
  for (let i = 0; i < 80; i++) await transact(app.ctx(people.lead!.actor), (_tx, record) => record({ type: i < 5 ? "drift.detected" : "scope.served", subject: `s${i}` }));
  for (let i = 0; i < 3; i++) await transact(app.ctx(people.owner!.actor), (_tx, record) => record({ type: "drift.detected", subject: `o${i}` }));
});
afterAll(async () => {
  await app.dispose();
});

describe("GET /api/audit/filters", () => {
  test("offers every registered event type with its description, and people by name without emails", async () => {
    const r = await api(app, "GET", "/api/audit/filters", { headers: headers.auditor });
    expect(r.status).toBe(200);
    expect(r.json.types.map((t: any) => t.type)).toEqual(Object.keys(EVENT_TYPES));
    expect(r.json.types[0].description).toBe(Object.values(EVENT_TYPES)[0]);
    expect(r.json.people.map((p: any) => p.name)).toContain(people.lead!.name);
    expect(r.text).not.toContain("@example.test");
  });

  test("without a session: 401 and no names", async () => {
    const r = await api(app, "GET", "/api/audit/filters");
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(people.lead!.name);
  });
});

describe("the explorer's page and its export agree", () => {
  test("each listed event carries the acting person's name", async () => {
    const r = await api(app, "GET", `/api/audit?actor=${people.lead!.id}&limit=5`, { headers: headers.auditor });
    expect(r.json.events.length).toBe(5);
    for (const e of r.json.events) expect(e.actorName).toBe(people.lead!.name);
  });

  test("the export holds exactly the events the filters match: 5 shown, 5 exported (not the whole trail)", async () => {
    const filter = `type=drift.detected&actor=${people.lead!.id}`;
    const page = await api(app, "GET", `/api/audit?${filter}`, { headers: headers.auditor });
    expect(page.json.total).toBe(5);
    const jsonl = await api(app, "GET", `/api/audit/export?format=jsonl&${filter}`, { headers: headers.auditor });
    expect(jsonl.status).toBe(200);
    const rows = jsonl.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((e) => e.seq).sort((a, b) => a - b)).toEqual(page.json.events.map((e: any) => e.seq).sort((a: number, b: number) => a - b));
    expect(new Set(rows.map((e) => e.type))).toEqual(new Set(["drift.detected"]));
    const csv = await api(app, "GET", `/api/audit/export?format=csv&${filter}`, { headers: headers.auditor });
    expect(csv.text.trim().split("\r\n").length).toBe(1 + 5);
  });

  test("the export records its filters in audit.exported", async () => {
    await api(app, "GET", `/api/audit/export?format=csv&type=drift.detected`, { headers: headers.owner });
    const last = (await api(app, "GET", "/api/audit?type=audit.exported&limit=1", { headers: headers.owner })).json.events[0];
    expect(last.meta).toMatchObject({ format: "csv", eventType: "drift.detected", actor: null });
  });

  test("an export filter that is not an event type is refused with a clear error and exports nothing", async () => {
    const before = (await api(app, "GET", "/api/audit?type=audit.exported", { headers: headers.owner })).json.total;
    const r = await api(app, "GET", "/api/audit/export?format=csv&type=not.a.type", { headers: headers.owner });
    expect(r.status).toBe(400);
    expect(r.json.error.details.fields).toEqual(["type"]);
    expect((await api(app, "GET", "/api/audit?type=audit.exported", { headers: headers.owner })).json.total).toBe(before);
  });
});
