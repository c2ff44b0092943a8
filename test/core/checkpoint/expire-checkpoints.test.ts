// The checkpoint-expiry sweep (started by `railyard serve`): pending checkpoints whose time is up
// become expired and are recorded as checkpoint.expired by the system; a run left waiting on
// nothing goes back to active; decided checkpoints, ones not yet due, and blocked runs stay as
// they are. The sweep's timer never keeps the process alive and is cleared at shutdown.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, count, eq } from "drizzle-orm";
import { serveCommand } from "../../../src/cli/serve.ts";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import { expireCheckpoints, startCheckpointSweep } from "../../../src/core/checkpoint/expire-checkpoints.ts";
import type { Actor, Ctx } from "../../../src/core/context.ts";
import { finishRun } from "../../../src/core/run/finish-run.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { auditEvents, checkpoints, runs } from "../../../src/db/schema/index.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { captureIo } from "../../support/capture-io.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let dev: Agent;
let lead: Actor;
let expiryMs: number;
beforeEach(async () => {
  app = createTestApp();
  seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
  expiryMs = app.services.options.checkpointExpiryMs;
});
afterEach(() => app.dispose());

const agentCtx = () => app.ctx(dev.actor);
const system = () => app.ctx();
const newRun = (title = "needs approval") => startRun({ ctx: agentCtx(), input: { project: "shop", title } }).run_id;
const ask = (runId: string) => requestApproval({ ctx: agentCtx(), input: { run_id: runId, reason: "destructive_action", summary: "drop the old invoices table" } }).checkpoint_id;
const decide = (checkpointId: string, decision: "approve" | "reject") => decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId, decision, reason: "decided" } });
const checkpoint = (id: string) => app.store.read.select().from(checkpoints).where(eq(checkpoints.id, id)).get()!;
const runStatus = (id: string) => app.store.read.select({ status: runs.status }).from(runs).where(eq(runs.id, id)).get()!.status;
const expiredEvents = () => app.store.read.select().from(auditEvents).where(eq(auditEvents.type, "checkpoint.expired")).all();
const totalEvents = () => app.store.read.select({ n: count() }).from(auditEvents).get()!.n;

describe("expireCheckpoints (one sweep)", () => {
  test("a pending checkpoint expires at its expiry time and not a millisecond before", () => {
    const run = newRun();
    const ck = ask(run);
    const requestedAt = app.clock.now();
    expect(runStatus(run)).toBe("awaiting_approval");

    app.clock.advance(expiryMs - 1);
    const before = totalEvents();
    expect(expireCheckpoints({ ctx: system() })).toBe(0);
    expect(checkpoint(ck).status).toBe("pending");
    expect(runStatus(run)).toBe("awaiting_approval");
    expect(totalEvents()).toBe(before);

    app.clock.advance(1);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    expect(checkpoint(ck)).toMatchObject({ status: "expired", requestedAt, expiresAt: requestedAt + expiryMs, decidedAt: app.clock.now(), decidedBy: null, deciderRole: null, decisionReason: null });
    const [event] = expiredEvents();
    expect(event).toMatchObject({ subject: ck, runId: run, actorKind: "system", at: app.clock.now() });
    expect(event!.projectId).not.toBeNull();
    expect(JSON.parse(event!.meta)).toEqual({ kind: "approval", why: "timeout" });
    // Waiting on nothing any more, the run is no longer awaiting approval.
    expect(runStatus(run)).toBe("active");
  });

  test("a second sweep finds nothing: no event, no change", () => {
    const ck = ask(newRun());
    app.clock.advance(expiryMs);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    const row = checkpoint(ck);
    const before = totalEvents();
    app.clock.advance(expiryMs);
    expect(expireCheckpoints({ ctx: system() })).toBe(0);
    expect(checkpoint(ck)).toEqual(row);
    expect(totalEvents()).toBe(before);
  });

  test("approved and rejected checkpoints, and pending ones not yet due, are untouched", () => {
    const approvedRun = newRun("approved");
    const approved = ask(approvedRun);
    const rejectedRun = newRun("rejected");
    const rejected = ask(rejectedRun);
    const dueRun = newRun("due");
    const due = ask(dueRun);
    decide(approved, "approve");
    decide(rejected, "reject");
    app.clock.advance(expiryMs / 2);
    const laterRun = newRun("later");
    const later = ask(laterRun);
    const decidedRows = [checkpoint(approved), checkpoint(rejected)];

    app.clock.advance(expiryMs / 2);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    expect(checkpoint(due).status).toBe("expired");
    expect([checkpoint(approved), checkpoint(rejected)]).toEqual(decidedRows);
    expect(checkpoint(later).status).toBe("pending");
    expect(expiredEvents().map((e) => e.subject)).toEqual([due]);
    expect([runStatus(approvedRun), runStatus(rejectedRun), runStatus(dueRun), runStatus(laterRun)]).toEqual(["active", "blocked", "active", "awaiting_approval"]);
  });

  test("a run with another checkpoint still pending stays awaiting approval until that one expires too", () => {
    const run = newRun();
    const first = ask(run);
    app.clock.advance(expiryMs / 2);
    const second = ask(run);
    app.clock.advance(expiryMs / 2);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    expect([checkpoint(first).status, checkpoint(second).status]).toEqual(["expired", "pending"]);
    expect(runStatus(run)).toBe("awaiting_approval");
    app.clock.advance(expiryMs / 2);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    expect(runStatus(run)).toBe("active");
  });

  test("a run blocked by a rejection stays blocked when another of its checkpoints expires", () => {
    const run = newRun();
    const rejected = ask(run);
    const other = ask(run);
    decide(rejected, "reject");
    expect(runStatus(run)).toBe("blocked");
    app.clock.advance(expiryMs);
    expect(expireCheckpoints({ ctx: system() })).toBe(1);
    expect(checkpoint(other).status).toBe("expired");
    expect(runStatus(run)).toBe("blocked");
  });

  test("approving another of its checkpoints does not lift a rejection's block either", () => {
    const run = newRun();
    const rejected = ask(run);
    const other = ask(run);
    decide(rejected, "reject");
    expect(decide(other, "approve").runStatus).toBe("blocked");
    expect(runStatus(run)).toBe("blocked");
  });

  test("a finished run is not reopened: finishing expired its checkpoints already, the sweep finds none", () => {
    const run = newRun();
    const ck = ask(run);
    finishRun({ ctx: agentCtx(), input: { run_id: run, outcome: "cancelled", summary: "no longer needed" } });
    app.clock.advance(expiryMs);
    expect(expireCheckpoints({ ctx: system() })).toBe(0);
    expect(checkpoint(ck).status).toBe("expired");
    expect(runStatus(run)).toBe("cancelled");
    expect(app.store.read.select().from(auditEvents).where(and(eq(auditEvents.type, "checkpoint.expired"), eq(auditEvents.subject, ck))).all()).toHaveLength(1);
  });
});

/** Replaces setInterval/clearInterval while `fn` runs, recording what was scheduled and cleared. */
async function spyIntervals<T>(fn: () => T | Promise<T>): Promise<{ result: T; created: { timer: any; callback: () => void; ms: number }[]; cleared: any[]; refAtClear: boolean[] }> {
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  const created: { timer: any; callback: () => void; ms: number }[] = [];
  const cleared: any[] = [];
  // Clearing a timer also unrefs it, so whether it kept the process alive is read just before.
  const refAtClear: boolean[] = [];
  globalThis.setInterval = ((callback: () => void, ms: number, ...rest: unknown[]) => {
    const timer = realSet(callback, ms, ...rest);
    created.push({ timer, callback, ms });
    return timer;
  }) as typeof setInterval;
  globalThis.clearInterval = ((timer: any) => {
    cleared.push(timer);
    refAtClear.push(typeof timer?.hasRef === "function" ? timer.hasRef() : false);
    realClear(timer);
  }) as typeof clearInterval;
  try {
    return { result: await fn(), created, cleared, refAtClear };
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  }
}

describe("startCheckpointSweep (the periodic timer)", () => {
  test("schedules one unref'd interval (every minute by default) whose tick runs the sweep; stopping clears it", async () => {
    const { result: stop, created } = await spyIntervals(() => startCheckpointSweep(system()));
    expect(created).toHaveLength(1);
    const [{ timer, callback, ms }] = created as [(typeof created)[number]];
    expect(ms).toBe(60_000);
    expect(timer.hasRef()).toBe(false);

    // One tick, called directly instead of waiting a minute.
    const ck = ask(newRun());
    app.clock.advance(expiryMs);
    callback();
    expect(checkpoint(ck).status).toBe("expired");

    const { cleared } = await spyIntervals(() => stop());
    expect(cleared).toEqual([timer]);
  });

  test("a failing tick is logged (without the error's message) and does not throw", async () => {
    const failing: Ctx = {
      ...system(),
      store: Object.assign(Object.create(app.store), { write: () => { throw new Error("disk I/O error at /secret/location"); } }),
    };
    const { result: stop, created } = await spyIntervals(() => startCheckpointSweep(failing, 1000));
    try {
      expect(created[0]!.ms).toBe(1000);
      expect(() => created[0]!.callback()).not.toThrow();
      expect(app.logs()).toContain("checkpoint sweep failed");
      expect(app.logs()).not.toContain("/secret/location");
    } finally {
      stop();
    }
  });

  test("railyard serve starts the sweep with an unref'd timer and clears every interval it started at shutdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-sweep-"));
    try {
      const { result: code, created, cleared, refAtClear } = await spyIntervals(async () => {
        const running = serveCommand(["--data-dir", join(dir, "data"), "--port", "0", "--log-level", "silent"], captureIo(dir));
        // The command installs its signal handlers synchronously, before it first awaits.
        process.emit("SIGTERM");
        return await running;
      });
      expect(code).toBe(0);
      expect(created.map((c) => c.ms)).toContain(60_000);
      for (const { timer } of created) {
        const at = cleared.indexOf(timer);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(refAtClear[at]).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
