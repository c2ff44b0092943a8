// Audit streaming (DESIGN.md §12): destinations over /api/audit-streams, the durable cursor,
// in-order at-least-once delivery, filters and masking, the lease between two nodes, lag in
// Settings and /metrics, and an OTLP/HTTP receiver on loopback.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { purgeAudit } from "../../src/core/audit/purge-audit.ts";
import { transact } from "../../src/core/transact.ts";
import type { StreamRow } from "../../src/core/stream/queries.ts";
import type { StreamRecord } from "../../src/core/stream/stream-record.ts";
import { createStreamWorker, type StreamSend } from "../../src/stream/worker.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { countEvents } from "../support/audit.ts";
import { api } from "../support/http.ts";
import { CANARY_PATH, seedCanaryProject } from "../support/projects.ts";
import { signedInAs } from "../support/session-cookie.ts";
import { eventually, otlpAttributes, startOtlpReceiver, type OtlpReceiver } from "./receivers.ts";

let apps: TestApp[] = [];
let cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const app of apps.splice(0)) await app.dispose();
});

async function fresh(flags: Record<string, string> = {}, options: Parameters<typeof createTestApp>[1] = { streamWorker: false }): Promise<TestApp> {
  const app = await createTestApp(flags, options);
  apps.push(app);
  return app;
}

/** Appends `n` synthetic events (settings.changed with a counter). */
async function appendEvents(app: TestApp, n: number, extra: { projectId?: string } = {}): Promise<void> {
  await transact(app.ctx(), async (_tx, record) => {
    for (let i = 0; i < n; i++) await record({ type: "settings.changed", projectId: extra.projectId ?? null, meta: { keys: ["retentionDays"], i } });
  });
}

const headSeq = async (app: TestApp) => (await app.store.read.audit.head())?.seq ?? 0;

/** A sender that records what it was given (and can be made to fail or hang). */
function recordingSender() {
  const batches: { stream: string; seqs: number[]; records: readonly StreamRecord[] }[] = [];
  let mode: "ok" | "fail" | "hang" = "ok";
  let release: (() => void) | null = null;
  const send: StreamSend = async (row, records) => {
    if (mode === "fail") throw new Error("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1");
    if (mode === "hang") await new Promise<void>((r) => (release = r));
    batches.push({ stream: row.id, seqs: records.map((r) => r.seq), records });
  };
  return {
    send, batches,
    seqs: (stream?: string) => batches.filter((b) => !stream || b.stream === stream).flatMap((b) => b.seqs),
    set mode(m: "ok" | "fail" | "hang") { mode = m; },
    release: () => release?.(),
  };
}

async function addStream(app: TestApp, headers: Record<string, string>, body: Record<string, unknown>) {
  const res = await api(app, "POST", "/api/audit-streams", { body, headers });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json.stream as { id: string; ackedSeq: number; lag: { events: number; seconds: number } };
}

describe("destinations over /api/audit-streams", () => {
  test("the owner adds a syslog destination that starts with the oldest retained event; the change is audited", async () => {
    const app = await fresh();
    const owner = await signedInAs(app, "owner");
    const head = await headSeq(app);
    const stream = await addStream(app, owner.headers, { name: "SIEM", url: "tcp://127.0.0.1:6514" });
    expect(stream).toMatchObject({ kind: "syslog", url: "tcp://127.0.0.1:6514", ackedSeq: 0, enabled: true, source: "api" });
    // Every event so far, plus audit_stream.created itself, waits for delivery.
    expect(stream.lag.events).toBe(head + 1);
    const listed = await api(app, "GET", "/api/audit-streams", { headers: (await signedInAs(app, "auditor")).headers });
    expect(listed.status).toBe(200);
    expect(listed.json.streams.map((s: { id: string }) => s.id)).toEqual([stream.id]);
    expect(countEvents(app, "audit_stream.created")).toBe(1);
  });

  test("a destination may start with the next new event instead: the cursor is the head at creation", async () => {
    const app = await fresh();
    const owner = await signedInAs(app, "owner");
    await appendEvents(app, 5);
    const head = await headSeq(app);
    const stream = await addStream(app, owner.headers, { name: "OTel", url: "http://127.0.0.1:4318", startAt: "next" });
    expect(stream.ackedSeq).toBe(head);
    expect(stream.lag.events).toBe(1); // only its own audit_stream.created event
  });

  test("a destination added after a retention purge starts at the oldest event still held", async () => {
    const app = await fresh();
    const owner = await signedInAs(app, "owner");
    await appendEvents(app, 3);
    expect((await api(app, "PATCH", "/api/settings", { body: { retentionDays: 1 }, headers: owner.headers })).status).toBe(200);
    app.clock.advance(3 * 86_400_000);
    await appendEvents(app, 1);
    await purgeAudit(app.ctx());
    const later = await signedInAs(app, "owner");
    const first = (await app.store.read.audit.first())!.seq;
    expect(first).toBeGreaterThan(1);
    expect((await addStream(app, later.headers, { name: "late", url: "tcp://127.0.0.1:6514" })).ackedSeq).toBe(first - 1);
  });

  test.each([
    ["credentials in the address", { name: "x", url: "tcp://siem:hunter2@10.0.0.1:514" }, "url", "hunter2"],
    ["a token in the query string", { name: "x", url: "https://collector:4318/v1/logs?token=hunter2" }, "url", "hunter2"],
    ["an unknown scheme", { name: "x", url: "udp://10.0.0.1:514" }, "url", null],
    ["a CA on a plain-TCP address", { name: "x", url: "tcp://10.0.0.1:514", caPem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }, "caPem", null],
    ["a CA that is not PEM", { name: "x", url: "tls://10.0.0.1:6514", caPem: "hunter2" }, "caPem", "hunter2"],
    ["an unknown event type", { name: "x", url: "tcp://10.0.0.1:514", eventTypes: ["run.exploded"] }, "eventTypes", null],
    ["an unknown project", { name: "x", url: "tcp://10.0.0.1:514", projectIds: ["prj_00000000000000000000"] }, "projectIds", null],
    ["an unknown field", { name: "x", url: "tcp://10.0.0.1:514", password: "hunter2" }, "body", "hunter2"],
  ])("bad input (%s): 400 naming the field, nothing created, no value echoed", async (_name, body, field, secret) => {
    const app = await fresh();
    const owner = await signedInAs(app, "owner");
    const res = await api(app, "POST", "/api/audit-streams", { body, headers: owner.headers });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field === "body" ? "unknown field" : field);
    if (secret) expect(res.text).not.toContain(secret);
    expect((await app.store.read.streams.all()).length).toBe(0);
    expect(countEvents(app, "audit_stream.created")).toBe(0);
  });

  test("a change keeps the cursor, is audited with the fields changed, and cannot turn syslog into OTLP; removal deletes the cursor", async () => {
    const app = await fresh();
    const owner = await signedInAs(app, "owner");
    const { projectId } = await seedCanaryProject(app);
    const stream = await addStream(app, owner.headers, { name: "SIEM", url: "tcp://127.0.0.1:6514" });
    const patched = await api(app, "PATCH", `/api/audit-streams/${stream.id}`, { body: { eventTypes: ["run.*", "checkpoint.approved"], projectIds: [projectId], enabled: false }, headers: owner.headers });
    expect(patched.status).toBe(200);
    expect(patched.json.stream).toMatchObject({ eventTypes: ["run.*", "checkpoint.approved"], projectIds: [projectId], enabled: false, ackedSeq: stream.ackedSeq });
    const changed = await app.store.read.audit.latestMetaOfType("audit_stream.changed");
    expect(JSON.parse(changed!)).toMatchObject({ fields: ["eventTypes", "projectIds", "enabled"] });
    const otlp = await api(app, "PATCH", `/api/audit-streams/${stream.id}`, { body: { url: "http://127.0.0.1:4318" }, headers: owner.headers });
    expect(otlp.status).toBe(400);
    expect((await app.store.read.streams.byId(stream.id))!.url).toBe("tcp://127.0.0.1:6514");
    expect((await api(app, "DELETE", `/api/audit-streams/${stream.id}`, { headers: owner.headers })).status).toBe(200);
    expect(await app.store.read.streams.byId(stream.id)).toBeUndefined();
    expect(countEvents(app, "audit_stream.deleted")).toBe(1);
  });

  test("only the owner configures destinations; an admin may look but not change", async () => {
    const app = await fresh();
    const admin = await signedInAs(app, "admin");
    const res = await api(app, "POST", "/api/audit-streams", { body: { name: "x", url: "tcp://127.0.0.1:6514" }, headers: admin.headers });
    expect(res.status).toBe(403);
    expect((await api(app, "GET", "/api/audit-streams", { headers: admin.headers })).status).toBe(200);
    expect((await api(app, "GET", "/api/audit-streams", { headers: (await signedInAs(app, "developer")).headers })).status).toBe(403);
  });

  test("--audit-syslog and --audit-otlp configure destinations at start that the API lists but cannot change", async () => {
    const app = await fresh({ "audit-syslog": "tcp://127.0.0.1:6514", "audit-otlp": "http://127.0.0.1:4318" });
    const owner = await signedInAs(app, "owner");
    const listed = (await api(app, "GET", "/api/audit-streams", { headers: owner.headers })).json.streams.sort((a: { kind: string }, b: { kind: string }) => (a.kind < b.kind ? 1 : -1));
    expect(listed.map((s: { kind: string; url: string; source: string }) => [s.kind, s.url, s.source])).toEqual([
      ["syslog", "tcp://127.0.0.1:6514", "flag"], ["otlp", "http://127.0.0.1:4318/v1/logs", "flag"],
    ]);
    const res = await api(app, "PATCH", `/api/audit-streams/${listed[0].id}`, { body: { enabled: false }, headers: owner.headers });
    expect(res.status).toBe(409);
    expect((await api(app, "DELETE", `/api/audit-streams/${listed[0].id}`, { headers: owner.headers })).status).toBe(409);
  });

  test("a bad --audit-syslog is refused before anything starts, naming the flag", async () => {
    await expect(fresh({ "audit-syslog": "http://127.0.0.1:6514" })).rejects.toThrow("--audit-syslog");
    await expect(fresh({ "audit-otlp": "http://127.0.0.1:4318", "audit-otlp-ca": "/nonexistent/ca.pem" })).rejects.toThrow("--audit-otlp-ca");
  });
});

describe("delivery", () => {
  async function setup() {
    const app = await fresh();
    const sender = recordingSender();
    const worker = createStreamWorker(app.services, { send: sender.send, batchSize: 7, nodeId: "node-a" });
    cleanups.push(() => worker.stop());
    const owner = await signedInAs(app, "owner");
    return { app, sender, worker, owner };
  }

  test("every event arrives once, in seq order, in batches, and the cursor and lag follow", async () => {
    const { app, sender, worker, owner } = await setup();
    await appendEvents(app, 20);
    const stream = await addStream(app, owner.headers, { name: "all", url: "tcp://127.0.0.1:6514" });
    await worker.runOnce();
    const head = await headSeq(app);
    expect(sender.seqs()).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(sender.batches.every((b) => b.seqs.length <= 7)).toBe(true);
    const row = (await app.store.read.streams.byId(stream.id))!;
    expect([row.ackedSeq, row.delivered, row.failures, row.leaseOwner]).toEqual([head, head, 0, null]);
    const listed = (await api(app, "GET", "/api/audit-streams", { headers: owner.headers })).json.streams[0];
    expect(listed.lag).toEqual({ events: 0, seconds: 0 });
  });

  test("filters send only the chosen types and projects, and the cursor still passes the others", async () => {
    const { app, sender, worker, owner } = await setup();
    const { projectId } = await seedCanaryProject(app);
    const other = await seedCanaryProject(app, "other");
    const stream = await addStream(app, owner.headers, { name: "f", url: "tcp://127.0.0.1:6514", eventTypes: ["settings.*"], projectIds: [projectId] });
    await appendEvents(app, 3, { projectId });
    await appendEvents(app, 3, { projectId: other.projectId });
    await appendEvents(app, 3);
    await worker.runOnce();
    const records = sender.batches.flatMap((b) => b.records);
    expect(records.length).toBe(3);
    expect(records.every((r) => r.type === "settings.changed" && r.projectId === projectId)).toBe(true);
    expect((await app.store.read.streams.byId(stream.id))!.ackedSeq).toBe(await headSeq(app));
  });

  test("events are masked as for an auditor: a path inside a module excluded for auditors never leaves", async () => {
    const { app, sender, worker, owner } = await setup();
    const { projectId } = await seedCanaryProject(app);
    await addStream(app, owner.headers, { name: "all", url: "tcp://127.0.0.1:6514" });
    await transact(app.ctx(), (_tx, record) => record({ type: "drift.detected", projectId, subject: CANARY_PATH, meta: { kind: "test", paths: [CANARY_PATH, "src/api/ok.ts"] } }));
    await worker.runOnce();
    const drift = sender.batches.flatMap((b) => b.records).find((r) => r.type === "drift.detected")!;
    expect(drift.subject).toBe("‹secret-billing›");
    expect(drift.meta.paths).toEqual(["‹secret-billing›", "src/api/ok.ts"]);
    expect(JSON.stringify(sender.batches)).not.toContain("secret-billing/");
  });

  test("a failing destination backs off and later resumes from the last acknowledged seq: no gap, the failed batch is sent again", async () => {
    const { app, sender, worker, owner } = await setup();
    const stream = await addStream(app, owner.headers, { name: "flaky", url: "tcp://127.0.0.1:6514" });
    await appendEvents(app, 10);
    await worker.runOnce();
    const firstHead = await headSeq(app);
    sender.mode = "fail";
    await appendEvents(app, 10);
    await worker.runOnce();
    let row = (await app.store.read.streams.byId(stream.id))!;
    expect(row).toMatchObject({ ackedSeq: firstHead, failures: 1, lastError: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1", leaseOwner: null });
    expect(row.retryAt).toBe(app.clock.now() + 1000);
    // Backing off: nothing is attempted before the retry time.
    sender.mode = "ok";
    await worker.runOnce();
    expect((await app.store.read.streams.byId(stream.id))!.ackedSeq).toBe(firstHead);
    app.clock.advance(1000);
    await worker.runOnce();
    row = (await app.store.read.streams.byId(stream.id))!;
    const head = await headSeq(app);
    expect([row.ackedSeq, row.failures]).toEqual([head, 0]);
    expect(sender.seqs()).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });

  test("a destination that never answers does not hold up writes: a change commits while its batch hangs", async () => {
    const { app, sender, worker, owner } = await setup();
    await addStream(app, owner.headers, { name: "dead", url: "tcp://127.0.0.1:6514" });
    sender.mode = "hang";
    const delivering = worker.runOnce();
    await eventually(async () => (await app.store.read.streams.all())[0]!.leaseOwner === "node-a", 5000, "the lease");
    const committed = await Promise.race([appendEvents(app, 1).then(() => "committed"), delivering.then(() => "delivery ended first")]);
    expect(committed).toBe("committed");
    sender.mode = "ok";
    sender.release();
    await delivering;
  });

  test("two nodes on one database: the lease lets one deliver at a time, and together they deliver every event once, in order", async () => {
    const { app, sender, worker, owner } = await setup();
    const other = createStreamWorker(app.services, { send: sender.send, batchSize: 5, nodeId: "node-b" });
    cleanups.push(() => other.stop());
    const stream = await addStream(app, owner.headers, { name: "shared", url: "tcp://127.0.0.1:6514" });
    // While node A holds the lease (its send hangs), node B finds nothing it may do.
    sender.mode = "hang";
    const a = worker.runOnce();
    await eventually(async () => (await app.store.read.streams.byId(stream.id))!.leaseOwner === "node-a", 5000, "node A's lease");
    await other.runOnce();
    expect(sender.batches.length).toBe(0);
    sender.mode = "ok";
    sender.release();
    await a;
    for (let round = 0; round < 5; round++) {
      await appendEvents(app, 6);
      await Promise.all([worker.runOnce(), other.runOnce()]);
    }
    await worker.runOnce();
    const head = await headSeq(app);
    expect(sender.seqs()).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });

  test("an expired lease of a node that died is taken over, and delivery resumes at its cursor", async () => {
    const { app, sender, worker, owner } = await setup();
    const stream = await addStream(app, owner.headers, { name: "s", url: "tcp://127.0.0.1:6514" });
    // A node that crashed holding the lease.
    expect(await app.store.write((tx) => tx.streams.claim(stream.id, "node-dead", app.clock.now(), app.clock.now() + 30_000))).toBe(true);
    await worker.runOnce();
    expect(sender.batches.length).toBe(0);
    app.clock.advance(30_001);
    await worker.runOnce();
    expect(sender.seqs()[0]).toBe(1);
    expect((await app.store.read.streams.byId(stream.id))!.ackedSeq).toBe(await headSeq(app));
  });

  test("lag in events and seconds is exported in /metrics per destination", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-metrics-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "token"), "a-metrics-token-0123456789\n");
    const app = await fresh({ metrics: "true", "metrics-token-file": join(dir, "token") });
    const owner = await signedInAs(app, "owner");
    const stream = await addStream(app, owner.headers, { name: "m", url: "tcp://127.0.0.1:6514", startAt: "next" });
    await appendEvents(app, 4);
    app.clock.advance(90_000);
    const text = await (await app.request("/metrics", { headers: { authorization: "Bearer a-metrics-token-0123456789" } })).text();
    expect(text).toContain(`railyard_audit_stream_lag_events{stream="${stream.id}",kind="syslog"} 5`);
    expect(text).toContain(`railyard_audit_stream_lag_seconds{stream="${stream.id}",kind="syslog"} 90`);
    expect(text).toContain(`railyard_audit_stream_consecutive_failures{stream="${stream.id}",kind="syslog"} 0`);
  });
});

describe("OTLP/HTTP to a receiver on loopback", () => {
  let receiver: OtlpReceiver;
  afterEach(() => receiver?.stop());

  test("events arrive as OTLP JSON log records with the stream attributes, in order, through collector outages", async () => {
    receiver = startOtlpReceiver();
    const app = await fresh({}, { streamWorker: { pollMs: 20, batchSize: 10 } });
    const owner = await signedInAs(app, "owner");
    await appendEvents(app, 15);
    receiver.failNext(2, 503);
    const stream = await addStream(app, owner.headers, { name: "collector", url: receiver.url });
    await appendEvents(app, 15);
    await eventually(async () => {
      app.clock.advance(2000); // past each backoff
      const row = (await app.store.read.streams.byId(stream.id))!;
      return row.ackedSeq === (await headSeq(app));
    }, 15_000, "delivery to the collector");
    const seqs = receiver.records.map((r) => Number(otlpAttributes(r)["railyard.seq"]));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(await headSeq(app));
    const stored = (await app.store.read.audit.batch({ afterSeq: 0, upToSeq: null, since: null, limit: 1000 }))[20]!;
    const got = receiver.records[20]!;
    expect(otlpAttributes(got)).toMatchObject({
      "railyard.seq": String(stored.seq), "railyard.type": stored.type, "railyard.actor.kind": stored.actorKind, "railyard.hash": stored.hash, "event.name": stored.type,
    });
    expect(got.timeUnixNano).toBe(`${stored.at}000000`);
    expect(got.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "railyard" } });
    expect((await app.store.read.streams.byId(stream.id))!.failures).toBe(0);
  });
});

export type { StreamRow };
