// The checkpoint-expiry sweep (started by `railyard serve`): pending checkpoints whose time is up
// become expired and are recorded as checkpoint.expired by the system; a run left waiting on
// nothing goes back to active; decided checkpoints, ones not yet due, and blocked runs stay as
// they are. The sweep's timer never keeps the process alive and is cleared at shutdown.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveCommand } from "../../../src/cli/serve.ts";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import { expireCheckpoints, startCheckpointSweep } from "../../../src/core/checkpoint/expire-checkpoints.ts";
import type { Actor, Ctx } from "../../../src/core/context.ts";
import { finishRun } from "../../../src/core/run/finish-run.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { createTestDatabase, onPostgres } from "../../support/backend.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { countEvents, rawDatabase } from "../../support/audit.ts";
import { captureIo } from "../../support/capture-io.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let dev: Agent;
let lead: Actor;
let expiryMs: number;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
  expiryMs = app.services.options.checkpointExpiryMs;
});
afterEach(() => app.dispose());

const agentCtx = () => app.ctx(dev.actor);
const system = () => app.ctx();
const newRun = async (title = "needs approval") => (await startRun({ ctx: agentCtx(), input: { project: "shop", title } })).run_id;
const ask = async (runId: string) => (await requestApproval({ ctx: agentCtx(), input: { run_id: runId, reason: "destructive_action", summary: "drop the old invoices table" } })).checkpoint_id;
const decide = (checkpointId: string, decision: "approve" | "reject") => decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId, decision, reason: "decided" } });
const checkpoint = async (id: string) => (await app.store.read.checkpoints.byId(id))!;
/** Reads committed rows over a connection of its own (the run domain's queries are not needed here). */
function query<T>(text: string, ...params: string[]): T[] {
  const db = rawDatabase(app);
  try {
    return db.query(text).all(...params) as T[];
  } finally {
    db.close();
  }
}
const runStatus = (id: string) => query<{ status: string }>("SELECT status FROM runs WHERE id = ?", id)[0]!.status;
const expiredEvents = (subject?: string) =>
  query<{ subject: string; runId: string; projectId: string | null; actorKind: string; at: number; meta: string }>(
    "SELECT subject, run_id AS runId, project_id AS projectId, actor_kind AS actorKind, at, meta FROM audit_events WHERE type = 'checkpoint.expired' AND (?1 = '' OR subject = ?1) ORDER BY seq", subject ?? "");
const totalEvents = () => countEvents(app);

describe("expireCheckpoints (one sweep)", () => {
  test("a pending checkpoint expires at its expiry time and not a millisecond before", async () => {
    const run = await newRun();
    const ck = await ask(run);
    const requestedAt = app.clock.now();
    expect(runStatus(run)).toBe("awaiting_approval");

    app.clock.advance(expiryMs - 1);
    const before = totalEvents();
    expect(await expireCheckpoints({ ctx: system() })).toBe(0);
    expect((await checkpoint(ck)).status).toBe("pending");
    expect(runStatus(run)).toBe("awaiting_approval");
    expect(totalEvents()).toBe(before);

    app.clock.advance(1);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    expect(await checkpoint(ck)).toMatchObject({ status: "expired", requestedAt, expiresAt: requestedAt + expiryMs, decidedAt: app.clock.now(), decidedBy: null, deciderRole: null, decisionReason: null });
    const [event] = expiredEvents();
    expect(event).toMatchObject({ subject: ck, runId: run, actorKind: "system", at: app.clock.now() });
    expect(event!.projectId).not.toBeNull();
    expect(JSON.parse(event!.meta)).toEqual({ kind: "approval", why: "timeout" });
    // Waiting on nothing any more, the run is no longer awaiting approval.
    expect(runStatus(run)).toBe("active");
  });

  test("a second sweep finds nothing: no event, no change", async () => {
    const ck = await ask(await newRun());
    app.clock.advance(expiryMs);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    const row = await checkpoint(ck);
    const before = totalEvents();
    app.clock.advance(expiryMs);
    expect(await expireCheckpoints({ ctx: system() })).toBe(0);
    expect(await checkpoint(ck)).toEqual(row);
    expect(totalEvents()).toBe(before);
  });

  test("approved and rejected checkpoints, and pending ones not yet due, are untouched", async () => {
    const approvedRun = await newRun("approved");
    const approved = await ask(approvedRun);
    const rejectedRun = await newRun("rejected");
    const rejected = await ask(rejectedRun);
    const dueRun = await newRun("due");
    const due = await ask(dueRun);
    await decide(approved, "approve");
    await decide(rejected, "reject");
    app.clock.advance(expiryMs / 2);
    const laterRun = await newRun("later");
    const later = await ask(laterRun);
    const decidedRows = [await checkpoint(approved), await checkpoint(rejected)];

    app.clock.advance(expiryMs / 2);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    expect((await checkpoint(due)).status).toBe("expired");
    expect([await checkpoint(approved), await checkpoint(rejected)]).toEqual(decidedRows);
    expect((await checkpoint(later)).status).toBe("pending");
    expect(expiredEvents().map((e) => e.subject)).toEqual([due]);
    expect([runStatus(approvedRun), runStatus(rejectedRun), runStatus(dueRun), runStatus(laterRun)]).toEqual(["active", "blocked", "active", "awaiting_approval"]);
  });

  test("a run with another checkpoint still pending stays awaiting approval until that one expires too", async () => {
    const run = await newRun();
    const first = await ask(run);
    app.clock.advance(expiryMs / 2);
    const second = await ask(run);
    app.clock.advance(expiryMs / 2);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    expect([(await checkpoint(first)).status, (await checkpoint(second)).status]).toEqual(["expired", "pending"]);
    expect(runStatus(run)).toBe("awaiting_approval");
    app.clock.advance(expiryMs / 2);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    expect(runStatus(run)).toBe("active");
  });

  test("a run blocked by a rejection stays blocked when another of its checkpoints expires", async () => {
    const run = await newRun();
    const rejected = await ask(run);
    const other = await ask(run);
    await decide(rejected, "reject");
    expect(runStatus(run)).toBe("blocked");
    app.clock.advance(expiryMs);
    expect(await expireCheckpoints({ ctx: system() })).toBe(1);
    expect((await checkpoint(other)).status).toBe("expired");
    expect(runStatus(run)).toBe("blocked");
  });

  test("approving another of its checkpoints does not lift a rejection's block either", async () => {
    const run = await newRun();
    const rejected = await ask(run);
    const other = await ask(run);
    await decide(rejected, "reject");
    expect((await decide(other, "approve")).runStatus).toBe("blocked");
    expect(runStatus(run)).toBe("blocked");
  });

  test("a finished run is not reopened: finishing expired its checkpoints already, the sweep finds none", async () => {
    const run = await newRun();
    const ck = await ask(run);
    await finishRun({ ctx: agentCtx(), input: { run_id: run, outcome: "cancelled", summary: "no longer needed" } });
    app.clock.advance(expiryMs);
    expect(await expireCheckpoints({ ctx: system() })).toBe(0);
    expect((await checkpoint(ck)).status).toBe("expired");
    expect(runStatus(run)).toBe("cancelled");
    expect(expiredEvents(ck)).toHaveLength(1);
  });
});

/** Replaces setInterval/clearInterval while `fn` runs, recording what was scheduled and cleared. */
async function spyIntervals<T>(fn: () => T | Promise<T>): Promise<{ result: T; created: { timer: any; callback: () => unknown; ms: number }[]; cleared: any[]; refAtClear: boolean[] }> {
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  const created: { timer: any; callback: () => unknown; ms: number }[] = [];
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
    const ck = await ask(await newRun());
    app.clock.advance(expiryMs);
    await callback();
    expect((await checkpoint(ck)).status).toBe("expired");

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
      let tick: unknown;
      expect(() => (tick = created[0]!.callback())).not.toThrow();
      // The tick settles (never rejects: an unhandled rejection would end the process) once logged.
      await expect(tick).resolves.toBeUndefined();
      expect(app.logs()).toContain("checkpoint sweep failed");
      expect(app.logs()).not.toContain("/secret/location");
    } finally {
      stop();
    }
  });

  test("a tick while the previous sweep is still running is skipped: one sweep at a time", async () => {
    let writes = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: Ctx = {
      ...system(),
      store: Object.assign(Object.create(app.store), {
        write: async (fn: (tx: unknown) => Promise<unknown>) => {
          writes++;
          await held;
          return app.store.write(fn as never);
        },
      }),
    };
    const ck = await ask(await newRun());
    app.clock.advance(expiryMs);
    const { result: stop, created } = await spyIntervals(() => startCheckpointSweep(slow, 1000));
    try {
      const tick = created[0]!.callback;
      const first = tick();
      // The first sweep is writing (on PostgreSQL after it took the sweep's lock).
      for (let i = 0; i < 500 && writes === 0; i++) await Bun.sleep(10);
      await tick();
      await tick();
      expect(writes).toBe(1);
      release();
      await first;
      expect((await checkpoint(ck)).status).toBe("expired");
      expect(expiredEvents(ck)).toHaveLength(1);
      // Once the sweep finished, the next tick runs again.
      await tick();
      expect(writes).toBe(2);
    } finally {
      stop();
    }
  });

  test("railyard serve starts the sweep with an unref'd timer and clears every interval it started at shutdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "railyard-sweep-"));
    try {
      const { result: code, created, cleared, refAtClear } = await spyIntervals(async () => {
        const handlers = process.listenerCount("SIGTERM");
        // A database of its own on the PostgreSQL run (a fresh data dir must not meet another app's trail).
        const env = onPostgres ? { RAILYARD_DATABASE_URL: await createTestDatabase() } : {};
        const running = serveCommand(["--data-dir", join(dir, "data"), "--port", "0", "--log-level", "silent"], { ...captureIo(dir), env });
        // The command installs its signal handlers once the app is open (before it listens).
        while (process.listenerCount("SIGTERM") === handlers) await Bun.sleep(5);
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
