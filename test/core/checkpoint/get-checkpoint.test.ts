// get_checkpoint for the agent whose run it is: a checkpoint found due is expired before the answer,
// and with wait_seconds a checkpoint that expires during the wait is answered "expired" only once
// that expiry is committed (the answer waits for the durable write, not just for the change).
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Actor } from "../../../src/core/context.ts";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import { getCheckpoint } from "../../../src/core/checkpoint/get-checkpoint.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { rawDatabase } from "../../support/audit.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let dev: Agent;
let lead: Actor;
let expiryMs: number;
// While `held` is set, every COMMIT waits for it (and `committing` is called first).
let held: Promise<void> | null = null;
let committing = () => {};
beforeEach(async () => {
  held = null;
  committing = () => {};
  app = await createTestApp({}, { storeOptions: { beforeCommit: async () => { committing(); if (held) await held; } } });
  await seedCanaryProject(app);
  dev = await seedAgent(app, "developer");
  lead = (await seedUser(app, "lead")).actor;
  expiryMs = app.services.options.checkpointExpiryMs;
});
afterEach(() => app.dispose());

/** The checkpoint's status on disk and its checkpoint.expired events, read over a connection of its own. */
function committed(id: string): { status: string; expiredEvents: number } {
  const db = rawDatabase(app);
  try {
    const { status } = db.query("SELECT status FROM checkpoints WHERE id = ?").get(id) as { status: string };
    const { n } = db.query("SELECT count(*) AS n FROM audit_events WHERE type = 'checkpoint.expired' AND subject = ?").get(id) as { n: number };
    return { status, expiredEvents: n };
  } finally {
    db.close();
  }
}

async function ask(): Promise<string> {
  const ctx = app.ctx(dev.actor);
  const run = (await startRun({ ctx, input: { project: "shop", title: "risky" } })).run_id;
  return (await requestApproval({ ctx, input: { run_id: run, reason: "destructive_action", summary: "drop a table" } })).checkpoint_id;
}

const get = (checkpoint_id: string, wait_seconds?: number) =>
  getCheckpoint({ ctx: app.ctx(dev.actor), input: { checkpoint_id, ...(wait_seconds === undefined ? {} : { wait_seconds }) } });

test("a checkpoint found due on read is answered expired, and the expiry is committed and recorded once", async () => {
  const ck = await ask();
  app.clock.advance(expiryMs);
  expect((await get(ck)).status).toBe("expired");
  expect(committed(ck)).toEqual({ status: "expired", expiredEvents: 1 });
  expect((await get(ck)).status).toBe("expired");
  expect(committed(ck).expiredEvents).toBe(1);
});

test("with wait_seconds, a checkpoint that expires during the wait is answered only after its expiry committed", async () => {
  const ck = await ask();
  app.clock.advance(expiryMs - 20);
  let release: () => void = () => {};
  held = new Promise<void>((resolve) => (release = resolve));
  const commitStarted = new Promise<void>((resolve) => (committing = resolve));
  let answered = false;
  const answer = get(ck, 5).then((view) => {
    answered = true;
    return view;
  });
  // Let the first read see it pending, then let its time run out during the wait.
  await Bun.sleep(5);
  expect(answered).toBe(false);
  app.clock.advance(20);
  await commitStarted;
  await Bun.sleep(20);
  // The expiry is written but not committed: no answer yet, and the database still says pending.
  expect(answered).toBe(false);
  expect(committed(ck)).toEqual({ status: "pending", expiredEvents: 0 });
  release();
  expect((await answer).status).toBe("expired");
  expect(committed(ck)).toEqual({ status: "expired", expiredEvents: 1 });
});

test("with wait_seconds, a decision landing during the wait answers at once with it", async () => {
  const ck = await ask();
  const started = Date.now();
  const answer = get(ck, 5);
  await Bun.sleep(5);
  await decideCheckpoint({ ctx: app.ctx(lead), input: { checkpointId: ck, decision: "reject", reason: "not now" } });
  expect(await answer).toMatchObject({ checkpoint_id: ck, status: "rejected", decider_role: "lead", reason: "not now" });
  expect(Date.now() - started).toBeLessThan(2000);
});
