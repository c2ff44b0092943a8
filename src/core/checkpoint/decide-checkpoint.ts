import { eq } from "drizzle-orm";
import { checkpoints, runs } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { expireDue, releaseRun } from "./expiry.ts";
import { DecideCheckpointInput } from "./schemas.ts";

export interface DecisionView {
  id: string;
  status: "approved" | "rejected";
  runId: string;
  runStatus: string;
  decidedAt: number;
}

/**
 * A person approves or rejects a pending checkpoint. Four eyes: the decider needs the required
 * role and must not own the run; plugin keys can never decide. Approval puts the run back to
 * `active` (the agent then calls advance_phase again); rejection blocks it.
 */
export function decideCheckpoint({ ctx, input }: { ctx: Ctx; input: unknown }): DecisionView {
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("checkpoints are decided by people in the web app; plugin keys cannot approve or reject anything");
  if (!can(actor.role, "checkpoints.decide")) throw forbidden(`the ${actor.role} role cannot decide checkpoints`);
  const data = parseInput(DecideCheckpointInput, input);
  const existing = ctx.store.read.select({ runId: checkpoints.runId }).from(checkpoints).where(eq(checkpoints.id, data.checkpointId)).get();
  if (!existing) throw notFound(`checkpoint '${data.checkpointId}'`);
  const [reason] = screenInput(ctx, [{ field: "reason", value: data.reason, max: 500 }], { runId: existing.runId });
  const outcome = transact(ctx, (tx, record): { ok: DecisionView } | { refused: AppError } => {
    const now = ctx.clock.now();
    if (expireDue(tx, record, now, { checkpointId: data.checkpointId }) > 0) {
      return { refused: new AppError("expired", `checkpoint ${data.checkpointId} expired before a decision; the agent must request it again`) };
    }
    const ck = tx.select().from(checkpoints).where(eq(checkpoints.id, data.checkpointId)).get()!;
    const run = tx.select().from(runs).where(eq(runs.id, ck.runId)).get()!;
    if (ck.status !== "pending") throw new AppError("conflict", `checkpoint ${ck.id} is already ${ck.status}`);
    if (run.ownerUserId === actor.userId) throw forbidden("you own this run: someone else must decide its checkpoints (four eyes)");
    if (!atLeast(actor.role, ck.requiredRole)) throw forbidden(`this checkpoint needs a ${ck.requiredRole} or above`);
    const status = data.decision === "approve" ? "approved" : "rejected";
    tx.update(checkpoints).set({ status, decidedAt: now, decidedBy: actor.userId, deciderRole: actor.role, decisionReason: reason! }).where(eq(checkpoints.id, ck.id)).run();
    record({ type: `checkpoint.${status}`, runId: run.id, projectId: run.projectId, subject: ck.id, meta: { kind: ck.kind, targetPhase: ck.targetPhase, deciderRole: actor.role } });
    if (status === "rejected") {
      releaseRun(tx, run.id, now, "blocked");
      record({ type: "run.blocked", runId: run.id, projectId: run.projectId, meta: { checkpointId: ck.id, why: "checkpoint_rejected" } });
    } else {
      releaseRun(tx, run.id, now, "active");
    }
    const runStatus = tx.select({ status: runs.status }).from(runs).where(eq(runs.id, run.id)).get()!.status;
    return { ok: { id: ck.id, status, runId: run.id, runStatus, decidedAt: now } };
  });
  if ("refused" in outcome) throw outcome.refused;
  return outcome.ok;
}
