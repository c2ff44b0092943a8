// Deciding a checkpoint: a refused decision (deciding one's own run, a role too low, a checkpoint
// already decided or expired, no right to decide at all) changes nothing, neither the checkpoint,
// nor the run, nor the trail; a checkpoint found due when someone decides it is expired (committed
// and recorded once) and the decision is refused as expired.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Actor } from "../../../src/core/context.ts";
import { decideCheckpoint } from "../../../src/core/checkpoint/decide-checkpoint.ts";
import { insertCheckpoint } from "../../../src/core/checkpoint/insert-checkpoint.ts";
import { AppError, type ErrorCode } from "../../../src/core/errors.ts";
import { requestApproval } from "../../../src/core/run/request-approval.ts";
import { startRun } from "../../../src/core/run/start-run.ts";
import { transact } from "../../../src/core/transact.ts";
import { countEvents, rawDatabase } from "../../support/audit.ts";
import { createTestApp, seedUser, type TestApp } from "../../support/app.ts";
import { seedAgent, type Agent } from "../../support/mcp.ts";
import { seedCanaryProject } from "../../support/projects.ts";

let app: TestApp;
let owner: Agent;
let lead: Actor;
let expiryMs: number;
beforeEach(async () => {
  app = await createTestApp();
  await seedCanaryProject(app);
  // The run's owner is a lead: someone who could decide checkpoints, just not their own.
  owner = await seedAgent(app, "lead");
  lead = (await seedUser(app, "lead")).actor;
  expiryMs = app.services.options.checkpointExpiryMs;
});
afterEach(() => app.dispose());

const runStatus = (id: string) => {
  const db = rawDatabase(app);
  try {
    return (db.query("SELECT status FROM runs WHERE id = ?").get(id) as { status: string }).status;
  } finally {
    db.close();
  }
};

async function pendingCheckpoint(): Promise<{ runId: string; checkpointId: string }> {
  const ctx = app.ctx(owner.actor);
  const runId = (await startRun({ ctx, input: { project: "shop", title: "risky" } })).run_id;
  const checkpointId = (await requestApproval({ ctx, input: { run_id: runId, reason: "destructive_action", summary: "drop a table" } })).checkpoint_id;
  return { runId, checkpointId };
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

const decide = (actor: Actor, checkpointId: string, decision: "approve" | "reject" = "approve") =>
  decideCheckpoint({ ctx: app.ctx(actor), input: { checkpointId, decision, reason: "my call" } });

describe("a refused decision changes nothing", () => {
  const cases: [string, () => Promise<{ checkpointId: string; actor: Actor }>, ErrorCode, RegExp][] = [
    ["the run's owner deciding their own run (four eyes)", async () => ({ checkpointId: (await pendingCheckpoint()).checkpointId, actor: owner.human }), "forbidden", /you own this run/],
    ["a lead deciding a checkpoint that needs an owner", async () => {
      const { runId, checkpointId } = await pendingCheckpoint();
      const { projectId } = (await app.store.read.checkpoints.withRun(checkpointId))!;
      const ck = await transact(app.ctx(), (tx, record) => insertCheckpoint(tx, record, app.ctx(), { id: runId, projectId }, { kind: "approval", targetPhase: null, reason: "owner_only", summary: null, requiredRole: "owner" }));
      return { checkpointId: ck.id, actor: lead };
    }, "forbidden", /needs a owner or above/],
    ["a second decision on an approved checkpoint", async () => {
      const { checkpointId } = await pendingCheckpoint();
      await decide(lead, checkpointId, "approve");
      return { checkpointId, actor: (await seedUser(app, "admin")).actor };
    }, "conflict", /already approved/],
    ["a decision on a checkpoint that already expired", async () => {
      const { checkpointId } = await pendingCheckpoint();
      app.clock.advance(expiryMs);
      // The first attempt finds it due and expires it; the case is the attempt after that.
      await expect(decide(lead, checkpointId)).rejects.toMatchObject({ code: "expired" });
      return { checkpointId, actor: lead };
    }, "conflict", /already expired/],
    ["a developer, whose role cannot decide at all", async () => ({ checkpointId: (await pendingCheckpoint()).checkpointId, actor: (await seedUser(app, "developer")).actor }), "forbidden", /cannot decide/],
  ];

  test.each(cases)("%s: refused, and the checkpoint, the run and the trail stay as they were", async (_label, arrange, code, message) => {
    const { checkpointId, actor } = await arrange();
    const before = (await app.store.read.checkpoints.withRun(checkpointId))!;
    const status = runStatus(before.ck.runId);
    const events = countEvents(app);
    for (const decision of ["approve", "reject"] as const) {
      const error = await errorOf(decide(actor, checkpointId, decision));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    expect(await app.store.read.checkpoints.withRun(checkpointId)).toEqual(before);
    expect(runStatus(before.ck.runId)).toBe(status);
    expect(countEvents(app)).toBe(events);
  });
});

describe("a checkpoint found due when deciding", () => {
  test("is expired, committed and recorded once; the decision is refused as expired and nothing else changes", async () => {
    const { runId, checkpointId } = await pendingCheckpoint();
    app.clock.advance(expiryMs);
    const decided = countEvents(app, "checkpoint.approved");
    const error = await errorOf(decide(lead, checkpointId));
    expect(error.code).toBe("expired");
    expect(await app.store.read.checkpoints.byId(checkpointId)).toMatchObject({ status: "expired", decidedAt: app.clock.now(), decidedBy: null, deciderRole: null });
    expect(runStatus(runId)).toBe("active");
    expect(countEvents(app, "checkpoint.expired")).toBe(1);
    expect(countEvents(app, "checkpoint.approved")).toBe(decided);
  });

  test("one not yet due is decided: approval puts the run back to active and records checkpoint.approved", async () => {
    const { runId, checkpointId } = await pendingCheckpoint();
    app.clock.advance(expiryMs - 1);
    expect(await decide(lead, checkpointId)).toMatchObject({ id: checkpointId, status: "approved", runId, runStatus: "active", decidedAt: app.clock.now() });
    expect(await app.store.read.checkpoints.byId(checkpointId)).toMatchObject({ status: "approved", decidedBy: (lead as { userId: string }).userId, deciderRole: "lead", decisionReason: "my call" });
    expect(runStatus(runId)).toBe("active");
    expect(countEvents(app, "checkpoint.approved")).toBe(1);
  });
});
