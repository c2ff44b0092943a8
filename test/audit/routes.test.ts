import { afterEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditEvents, pluginKeys, users } from "../../src/db/schema/index.ts";
import type { EventInput } from "../../src/core/audit/append-event.ts";
import { createKey } from "../../src/core/key/create-key.ts";
import { transact } from "../../src/core/transact.ts";
import type { Actor } from "../../src/core/context.ts";
import { updateSettings } from "../../src/core/setting/update-settings.ts";
import { newId } from "../../src/lib/ids.ts";
import { DAY } from "../../src/lib/time.ts";
import { createTestApp, seedUser, type TestApp } from "../support/app.ts";
import { countEvents, dropAuditTriggers, rawDatabase } from "../support/audit.ts";
import { inspect } from "../support/inspect.ts";
import { sessionHeaders } from "../support/session-cookie.ts";

let app: TestApp;
afterEach(() => app?.dispose());

/** A project and a run owned by `ownerId`, inserted through the port (the run verbs are not under test here). */
async function seedRun(a: TestApp, ownerId: string): Promise<{ projectId: string; runId: string }> {
  const projectId = newId("prj");
  const runbookId = newId("rbk");
  const versionId = newId("rbv");
  const runId = newId("run");
  const now = a.clock.now();
  await a.store.write(async (tx) => {
    await tx.projects.insert({ id: projectId, slug: `p-${projectId.slice(-6).toLowerCase()}`, name: "P", remoteUrl: null, protectedGlobs: [], createdAt: now, updatedAt: now });
    await tx.runbooks.insert({ id: runbookId, projectId, name: "default", createdAt: now });
    await tx.runbooks.insertVersion({ id: versionId, runbookId, version: 1, phases: [], createdBy: null, createdAt: now });
    await tx.runs.insertRun({
      id: runId, projectId, runbookVersionId: versionId, title: "t", ticket: null, ownerUserId: ownerId, keyId: null, status: "active",
      phase: "plan", phaseEnteredAt: now, branch: null, createdAt: now, updatedAt: now,
    });
  });
  return { projectId, runId };
}

async function recordAs(a: TestApp, actor: Actor, input: EventInput): Promise<void> {
  await transact(a.ctx(actor), (_tx, record) => record(input));
}

async function get(a: TestApp, actor: Actor, path: string) {
  const res = await a.request(path, { headers: await sessionHeaders(a, actor) });
  return { status: res.status, body: (await res.json()) as any };
}

describe("GET /api/audit", () => {
  test("without a session: 401 and no events listed", async () => {
    app = await createTestApp();
    const res = await app.request("/api/audit");
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("unauthenticated");
  });

  test("the owner pages through everything newest first with a seq cursor", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    for (let i = 0; i < 7; i++) await recordAs(app, actor, { type: "scope.served", subject: `s${i}` });
    const first = await get(app, actor, "/api/audit?type=scope.served&limit=3");
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: any) => e.subject)).toEqual(["s6", "s5", "s4"]);
    const second = await get(app, actor, `/api/audit?type=scope.served&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.events.map((e: any) => e.subject)).toEqual(["s3", "s2", "s1"]);
    const third = await get(app, actor, `/api/audit?type=scope.served&limit=3&cursor=${second.body.nextCursor}`);
    expect(third.body.events.map((e: any) => e.subject)).toEqual(["s0"]);
    expect(third.body.nextCursor).toBeNull();
    const event = first.body.events[0];
    expect(event).toMatchObject({ type: "scope.served", actor: { kind: "human", id: actor.kind === "human" ? actor.userId : "", userId: expect.any(String) }, meta: {} });
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("filters by actor, run, project and time; blank parameters mean no filter", async () => {
    app = await createTestApp();
    const { actor: owner, user } = await seedUser(app, "owner");
    const { actor: dev, user: devUser } = await seedUser(app, "developer");
    const { runId, projectId } = await seedRun(app, devUser.id);
    await recordAs(app, dev, { type: "run.started", runId, projectId, subject: runId });
    app.clock.advance(60_000);
    await recordAs(app, owner, { type: "settings.changed", meta: { keys: ["retentionDays"] } });
    const byActor = await get(app, owner, `/api/audit?actor=${devUser.id}&type=`);
    expect(byActor.body.events.map((e: any) => e.type)).toContain("run.started");
    expect(byActor.body.events.every((e: any) => e.actor.userId === devUser.id || e.actor.id === devUser.id)).toBe(true);
    expect((await get(app, owner, `/api/audit?run=${runId}`)).body.events.map((e: any) => e.type)).toEqual(["run.started"]);
    expect((await get(app, owner, `/api/audit?project=${projectId}`)).body.events).toHaveLength(1);
    const since = new Date(app.clock.now()).toISOString();
    const recent = await get(app, owner, `/api/audit?since=${since}`);
    expect(recent.body.events.map((e: any) => e.type)).toEqual(["settings.changed"]);
    expect(user.id).not.toBe(devUser.id);
  });

  test("bad filters: 400 naming the field, nothing echoed, and input.rejected recorded with field names only", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    const before = countEvents(app, "input.rejected");
    const res = await get(app, actor, "/api/audit?type=sk-secret-looking-value&limit=99999");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid");
    expect(res.body.error.message).toContain("type");
    expect(JSON.stringify(res.body)).not.toContain("sk-secret-looking-value");
    expect(countEvents(app, "input.rejected")).toBe(before + 1);
    const db = rawDatabase(app);
    const row = db.query("SELECT meta FROM audit_events WHERE type = 'input.rejected' ORDER BY seq DESC").get() as { meta: string };
    db.close();
    expect(JSON.parse(row.meta)).toMatchObject({ reason: "schema", fields: expect.arrayContaining(["type"]), path: "/api/audit" });
    expect(row.meta).not.toContain("sk-secret");
  });

  test("unknown query parameters are refused, not ignored", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    const res = await get(app, actor, "/api/audit?sort=asc");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("sort");
  });

  test("any combination of filters runs one statement prepared once: a warmed-up listing compiles no SQL", async () => {
    // Without the background jobs, which prepare their own statements on their own schedule.
    app = await createTestApp({}, { notifier: false, streamWorker: false });
    const { actor } = await seedUser(app, "owner");
    const { actor: dev, user: devUser } = await seedUser(app, "developer");
    const { runId, projectId } = await seedRun(app, devUser.id);
    await recordAs(app, dev, { type: "run.started", runId, projectId });
    const owner = await sessionHeaders(app, actor);
    const developer = await sessionHeaders(app, dev);
    const list = async (query: string, headers = owner) => (await app.request(`/api/audit${query}`, { headers })).json() as Promise<any>;
    await list("");
    await list("?type=scope.served", developer);
    const before = app.store.statementsPrepared();
    const filtered = await list(`?type=run.started&actor=${devUser.id}&run=${runId}&project=${projectId}&since=1&until=99999999999999&limit=5`);
    expect(filtered.events.map((e: any) => e.type)).toEqual(["run.started"]);
    expect((await list(`?run=${runId}`, developer)).events).toHaveLength(1);
    await list("?cursor=3&limit=1");
    expect(app.store.statementsPrepared()).toBe(before);
  });

  test("roles: the developer sees own runs' events and own actions; the lead run and project events; the auditor everything", async () => {
    app = await createTestApp();
    const { actor: owner } = await seedUser(app, "owner");
    const { actor: dev, user: devUser } = await seedUser(app, "developer");
    const { actor: otherDev, user: otherUser } = await seedUser(app, "developer");
    const { actor: lead } = await seedUser(app, "lead");
    const { actor: auditor } = await seedUser(app, "auditor");
    const mine = await seedRun(app, devUser.id);
    const theirs = await seedRun(app, otherUser.id);
    await recordAs(app, { kind: "agent", keyId: newId("key"), userId: devUser.id, role: "developer" }, { type: "run.started", runId: mine.runId, projectId: mine.projectId });
    await recordAs(app, otherDev, { type: "run.started", runId: theirs.runId, projectId: theirs.projectId });
    await recordAs(app, owner, { type: "checkpoint.approved", runId: mine.runId, projectId: mine.projectId });
    await recordAs(app, owner, { type: "settings.changed", meta: { keys: ["scannerPolicy"] } });
    await recordAs(app, dev, { type: "key.created", subject: "key_x" });

    const types = async (actor: Actor) => (await get(app, actor, "/api/audit?limit=500")).body.events.map((e: any) => `${e.type}:${e.runId ?? "-"}`);
    const devSees = await types(dev);
    expect(devSees).toContain(`run.started:${mine.runId}`);
    expect(devSees).toContain(`checkpoint.approved:${mine.runId}`);
    expect(devSees).toContain("key.created:-");
    expect(devSees).not.toContain(`run.started:${theirs.runId}`);
    expect(devSees).not.toContain("settings.changed:-");

    const leadSees = await types(lead);
    expect(leadSees).toContain(`run.started:${theirs.runId}`);
    expect(leadSees).toContain(`run.started:${mine.runId}`);
    expect(leadSees).not.toContain("settings.changed:-");

    const auditorSees = await types(auditor);
    expect(auditorSees).toContain("settings.changed:-");
    expect(auditorSees).toContain(`run.started:${theirs.runId}`);
  });
});

describe("GET /api/audit/verify", () => {
  test("reports intact with count and last seq, and records audit.verified", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "auditor");
    const res = await get(app, actor, "/api/audit/verify");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intact: true, count: expect.any(Number), lastSeq: expect.any(Number) });
    expect(countEvents(app, "audit.verified")).toBe(1);
  });

  test("after an edit made directly in the file: intact false with the broken seq", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    await recordAs(app, actor, { type: "scope.served", subject: "a" });
    const db = rawDatabase(app);
    dropAuditTriggers(db);
    db.run("UPDATE audit_events SET subject = 'b' WHERE type = 'scope.served'");
    const seq = (db.query("SELECT seq FROM audit_events WHERE type = 'scope.served'").get() as { seq: number }).seq;
    db.close();
    const res = await get(app, actor, "/api/audit/verify");
    expect(res.body).toMatchObject({ intact: false, brokenAt: seq });
  });
});

describe("GET /api/audit/export", () => {
  test("JSON lines, oldest first, ending with the audit.exported event itself", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    for (let i = 0; i < 5; i++) await recordAs(app, actor, { type: "scope.served", subject: `s${i}` });
    const res = await app.request("/api/audit/export?format=jsonl", { headers: await sessionHeaders(app, actor) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
    expect(lines.at(-1).type).toBe("audit.exported");
    expect(lines.filter((l) => l.type === "scope.served")).toHaveLength(5);
  });

  test("CSV with a header row, quoted JSON metadata and a since filter", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "auditor");
    await recordAs(app, actor, { type: "scope.served", subject: "old" });
    app.clock.advance(DAY);
    await recordAs(app, actor, { type: "settings.changed", subject: "=cmd", meta: { keys: ["a", "b"] } });
    const since = new Date(app.clock.now()).toISOString();
    const res = await app.request(`/api/audit/export?format=csv&since=${since}`, { headers: await sessionHeaders(app, actor) });
    const text = await res.text();
    const rows = text.trim().split("\r\n");
    expect(rows[0]).toBe("seq,at,type,actor_kind,actor_id,actor_user_id,run_id,project_id,subject,meta,prev_hash,hash,trace_parent");
    expect(text).not.toContain(",old,");
    expect(text).toContain(`"{""keys"":[""a"",""b""]}"`);
    expect(text).toContain(",'=cmd,");
  });

  test("an export longer than one batch holds every event exactly once, in order, and stops at its own audit.exported", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    await transact(app.ctx(actor), async (_tx, record) => {
      for (let i = 0; i < 2300; i++) await record({ type: "scope.served", subject: `s${i}` });
    });
    const res = await app.request("/api/audit/export", { headers: await sessionHeaders(app, actor) });
    // Appended after the export began: beyond its audit.exported, so not part of it.
    await recordAs(app, actor, { type: "scope.served", subject: "later" });
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as { seq: number; type: string; subject: string });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.filter((l) => l.type === "scope.served")).toHaveLength(2300);
    expect(lines.at(-1)!.type).toBe("audit.exported");
    expect(lines.some((l) => l.subject === "later")).toBe(false);
  });

  test("an admin or developer may not export (403) and no audit.exported is recorded", async () => {
    app = await createTestApp();
    for (const role of ["admin", "developer", "lead"] as const) {
      const { actor } = await seedUser(app, role);
      const res = await app.request("/api/audit/export", { headers: await sessionHeaders(app, actor) });
      expect(res.status).toBe(403);
    }
    expect(countEvents(app, "audit.exported")).toBe(0);
  });

  test("a bad format is refused naming the field", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    const res = await get(app, actor, "/api/audit/export?format=xml");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("format");
    expect(countEvents(app, "audit.exported")).toBe(0);
  });
});

describe("POST /api/audit/purge", () => {
  test("removes events past retention, anchors the chain, and what remains verifies", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    for (let i = 0; i < 6; i++) await recordAs(app, actor, { type: "scope.served", subject: `old${i}` });
    app.clock.advance(40 * DAY);
    await recordAs(app, actor, { type: "scope.served", subject: "recent" });
    await updateSettings({ ctx: app.ctx(actor), input: { retentionDays: 30 } });
    const headers = await sessionHeaders(app, actor);
    const res = await app.request("/api/audit/purge", { method: "POST", headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.purged).toBeGreaterThanOrEqual(7);
    const remaining = inspect(app).select().from(auditEvents).all();
    expect(remaining.some((e) => e.subject?.startsWith("old"))).toBe(false);
    expect(remaining.some((e) => e.subject === "recent")).toBe(true);
    const purge = remaining.find((e) => e.type === "retention.purged")!;
    expect(JSON.parse(purge.meta)).toMatchObject({ firstSeq: remaining[0]!.seq, firstPrevHash: remaining[0]!.prevHash, retentionDays: 30 });
    const verified = await get(app, actor, "/api/audit/verify");
    expect(verified.body).toMatchObject({ intact: true, firstSeq: remaining[0]!.seq });
    // The purge closed its window again: the trail is append-only once more.
    const db = rawDatabase(app);
    try {
      expect(() => db.run("DELETE FROM audit_events WHERE seq = ?", [remaining[0]!.seq])).toThrow("append-only");
    } finally {
      db.close();
    }
  });

  test("a second purge after new events still leaves a verifying chain", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    await updateSettings({ ctx: app.ctx(actor), input: { retentionDays: 1 } });
    for (let round = 0; round < 3; round++) {
      await recordAs(app, actor, { type: "scope.served", subject: `r${round}` });
      app.clock.advance(2 * DAY);
      const headers = await sessionHeaders(app, actor);
      expect((await app.request("/api/audit/purge", { method: "POST", headers })).status).toBe(200);
    }
    expect((await get(app, actor, "/api/audit/verify")).body).toMatchObject({ intact: true });
  });

  test("only the owner may purge; an admin gets 403 and nothing is deleted", async () => {
    app = await createTestApp();
    const { actor: owner } = await seedUser(app, "owner");
    const { actor: admin } = await seedUser(app, "admin");
    await updateSettings({ ctx: app.ctx(owner), input: { retentionDays: 1 } });
    app.clock.advance(3 * DAY);
    const before = countEvents(app);
    const res = await app.request("/api/audit/purge", { method: "POST", headers: await sessionHeaders(app, admin) });
    expect(res.status).toBe(403);
    expect(countEvents(app)).toBe(before);
  });

  test("a cross-site purge request is refused (403) before anything is deleted", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    await updateSettings({ ctx: app.ctx(actor), input: { retentionDays: 1 } });
    app.clock.advance(3 * DAY);
    const headers = { ...(await sessionHeaders(app, actor)), "sec-fetch-site": "cross-site" };
    const before = countEvents(app, "retention.purged");
    expect((await app.request("/api/audit/purge", { method: "POST", headers })).status).toBe(403);
    expect(countEvents(app, "retention.purged")).toBe(before);
  });

  test("with retention off (0 days) nothing is purged", async () => {
    app = await createTestApp();
    const { actor } = await seedUser(app, "owner");
    app.clock.advance(1000 * DAY);
    const before = countEvents(app);
    const res = await app.request("/api/audit/purge", { method: "POST", headers: await sessionHeaders(app, actor) });
    expect(await res.json()).toMatchObject({ purged: 0, retentionDays: 0 });
    expect(countEvents(app)).toBe(before);
  });
});

describe("POST /api/users/:id/erase", () => {
  test("replaces the profile, revokes sessions, keeps the opaque id in events, records user.erased, and the chain still verifies", async () => {
    app = await createTestApp();
    const { actor: owner } = await seedUser(app, "owner");
    const { actor: dev, user } = await seedUser(app, "developer", "dana@example.test");
    await recordAs(app, dev, { type: "scope.served", subject: "x" });
    const key = await createKey({ ctx: app.ctx(dev), input: { name: "laptop" } });
    const devHeaders = await sessionHeaders(app, dev);
    const res = await app.request(`/api/users/${user.id}/erase`, { method: "POST", headers: await sessionHeaders(app, owner) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, sessionsRevoked: 1, keysRevoked: 1 });
    expect(inspect(app).select().from(pluginKeys).where(eq(pluginKeys.id, key.id)).get()!.revokedAt).not.toBeNull();
    const row = inspect(app).select().from(users).where(eq(users.id, user.id)).get()!;
    expect(row).toMatchObject({ email: `erased-${user.id}@invalid`, name: "Erased user", disabled: true });
    expect(row.erasedAt).not.toBeNull();
    expect(row.passwordHash.startsWith("$2")).toBe(false);
    const events = inspect(app).select().from(auditEvents).all();
    expect(events.some((e) => e.type === "scope.served" && e.actorId === user.id)).toBe(true);
    expect(events.some((e) => e.type === "user.erased" && e.subject === user.id)).toBe(true);
    expect(JSON.stringify(events)).not.toContain("dana@example.test");
    expect((await app.request("/api/audit", { headers: devHeaders })).status).toBe(401);
    // Erasure changes the profile, never an event: the whole chain still verifies.
    const verified = await get(app, owner, "/api/audit/verify");
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ intact: true });
  });

  test("the last owner cannot be erased, nobody erases themselves, and a developer may not erase anyone", async () => {
    app = await createTestApp();
    const { actor: owner, user: ownerUser } = await seedUser(app, "owner");
    const { actor: admin } = await seedUser(app, "admin");
    const { actor: dev, user: devUser } = await seedUser(app, "developer");
    const post = async (actor: Actor, id: string) => app.request(`/api/users/${id}/erase`, { method: "POST", headers: await sessionHeaders(app, actor) });
    expect((await post(owner, ownerUser.id)).status).toBe(409);
    expect((await post(admin, ownerUser.id)).status).toBe(403);
    expect((await post(dev, ownerUser.id)).status).toBe(403);
    const { user: second } = await seedUser(app, "owner");
    const res = await post(owner, second.id);
    expect(res.status).toBe(200);
    expect((await post(owner, second.id)).status).toBe(409);
    expect((await post(owner, "usr_nope")).status).toBe(400);
    expect(inspect(app).select().from(users).where(eq(users.id, devUser.id)).get()!.erasedAt).toBeNull();
    expect(countEvents(app, "user.erased")).toBe(1);
  });
});
