// An MCP request's W3C traceparent (params._meta) is stored on the events it caused, covered by the
// chain's hash, and exported as the trace and span ids; chains written before the column existed
// still verify.
import { afterEach, describe, expect, test } from "bun:test";
import { canonicalEvent, eventHash } from "../../src/core/audit/append-event.ts";
import { verifyAudit } from "../../src/core/audit/verify-audit.ts";
import { hmacHex } from "../../src/lib/hash.ts";
import { encodeOtlpLogs } from "../../src/stream/otlp.ts";
import { toStreamRecords } from "../../src/core/stream/stream-record.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { dropAuditTriggers, rawDatabase } from "../support/audit.ts";
import { seedCanaryProject } from "../support/projects.ts";
import { seedAgent } from "../support/mcp.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
let app: TestApp;
afterEach(async () => app?.dispose());

/** A tools/call over /mcp with `meta` in params._meta (2025-11-25 era and 2026-07-28 era). */
async function callWithMeta(key: string, name: string, args: unknown, meta: Record<string, unknown>, era: "2025-11-25" | "2026-07-28") {
  const modern = era === "2026-07-28";
  const envelope = modern ? { "io.modelcontextprotocol/protocolVersion": era, "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} } : {};
  const res = await app.request("/mcp", {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": era,
      ...(modern ? { "mcp-method": "tools/call", "mcp-name": name } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args, _meta: { ...envelope, ...meta } } }),
  });
  const text = await res.text();
  const data = text.startsWith("{") ? text : text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
  return JSON.parse(data);
}

describe("traceparent on audit events", () => {
  test.each(["2025-11-25", "2026-07-28"] as const)("a tool call's traceparent is stored on every event it caused (%s era), and the chain verifies", async (era) => {
    app = await createTestApp({}, { streamWorker: false });
    await seedCanaryProject(app);
    const agent = await seedAgent(app);
    const before = (await app.store.read.audit.head())!.seq;
    const answer = await callWithMeta(agent.key, "start_run", { project: "shop", title: "Traced run" }, { traceparent: TRACEPARENT }, era);
    expect(answer.result?.isError).toBeUndefined();
    const caused = await app.store.read.audit.batch({ afterSeq: before, upToSeq: null, since: null, limit: 100 });
    expect(caused.map((e) => e.type)).toContain("run.started");
    expect(caused.every((e) => e.traceParent === TRACEPARENT)).toBe(true);
    expect(await verifyAudit(app.store.read, app.services.auditKey)).toMatchObject({ intact: true });
    // Exported as the trace and span ids.
    const otlp = encodeOtlpLogs(await toStreamRecords(app.store.read, caused), { serviceVersion: "t", hostName: "h" }) as any;
    const log = otlp.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect([log.traceId, log.spanId, log.flags]).toEqual(["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1]);
  });

  test("an invalid traceparent is ignored, and calls without one store none", async () => {
    app = await createTestApp({}, { streamWorker: false });
    await seedCanaryProject(app);
    const agent = await seedAgent(app);
    const before = (await app.store.read.audit.head())!.seq;
    await callWithMeta(agent.key, "start_run", { project: "shop", title: "Bad trace" }, { traceparent: "00-XYZ-not-a-trace-01" }, "2025-11-25");
    await callWithMeta(agent.key, "start_run", { project: "shop", title: "No trace" }, {}, "2025-11-25");
    const caused = await app.store.read.audit.batch({ afterSeq: before, upToSeq: null, since: null, limit: 100 });
    expect(caused.length).toBeGreaterThan(1);
    expect(caused.every((e) => e.traceParent === null)).toBe(true);
  });

  test("events without a traceparent hash exactly as before the column existed (old chains still verify)", async () => {
    app = await createTestApp({}, { streamWorker: false });
    const events = await app.store.read.audit.batch({ afterSeq: 0, upToSeq: null, since: null, limit: 10 });
    for (const { hash, traceParent, ...rest } of events) {
      expect(traceParent).toBeNull();
      const before = JSON.stringify([rest.seq, rest.at, rest.type, rest.actorKind, rest.actorId, rest.actorUserId, rest.runId, rest.projectId, rest.subject, rest.meta, rest.prevHash]);
      expect(canonicalEvent({ ...rest, traceParent: null })).toBe(before);
      expect(hash).toBe(hmacHex(app.services.auditKey, before));
    }
  });

  test("a traceparent added to or changed on a stored event breaks verification at that event", async () => {
    app = await createTestApp({}, { streamWorker: false });
    await seedCanaryProject(app);
    const agent = await seedAgent(app);
    await callWithMeta(agent.key, "start_run", { project: "shop", title: "Traced" }, { traceparent: TRACEPARENT }, "2025-11-25");
    const traced = (await app.store.read.audit.batch({ afterSeq: 0, upToSeq: null, since: null, limit: 1000 })).find((e) => e.traceParent !== null)!;
    expect(eventHash(app.services.auditKey, { ...traced, traceParent: null })).not.toBe(traced.hash);
    const db = rawDatabase(app);
    dropAuditTriggers(db);
    db.run("UPDATE audit_events SET trace_parent = ? WHERE seq = ?", ["00-11111111111111111111111111111111-2222222222222222-01", traced.seq]);
    db.close();
    expect(await verifyAudit(app.store.read, app.services.auditKey)).toMatchObject({ intact: false, brokenAt: traced.seq });
  });
});
