import { raiseRunBudget } from "../budget/charge.ts";
import type { Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { screenInput } from "../scan/screen-input.ts";
import { refuse, transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { lastRejection, liftBlock } from "./block.ts";
import { expireDue, releaseRun } from "./expiry.ts";
import { DecideCheckpointInput } from "./schemas.ts";

export interface DecisionView {
  id: string;
  status: "approved" | "rejected";
  runId: string;
  runStatus: string;
  decidedAt: number;
}

const expired = (id: string) => new AppError("expired", `checkpoint ${id} expired before a decision; the agent must request it again`);

/**
 * A person approves or rejects a pending checkpoint. Four eyes: the decider needs the required
 * role and must not own the run; plugin keys can never decide. Approval puts the run back to
 * `active` (the agent then calls advance_phase again); rejection blocks it, and it stays blocked
 * until a person unblocks it or a checkpoint the agent requested after the rejection is approved.
 */
export async function decideCheckpoint({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DecisionView> {
  const actor = ctx.actor;
  if (actor.kind !== "human") throw forbidden("checkpoints are decided by people in the web app; plugin keys cannot approve or reject anything");
  if (!can(actor.role, "checkpoints.decide")) throw forbidden(`the ${actor.role} role cannot decide checkpoints`);
  const data = parseInput(DecideCheckpointInput, input);
  const existing = await ctx.store.read.checkpoints.withRun(data.checkpointId);
  if (!existing) throw notFound(`checkpoint '${data.checkpointId}'`);
  const [reason] = await screenInput(ctx, [{ field: "reason", value: data.reason, max: 500 }], { runId: existing.ck.runId });
  // A checkpoint found due is expired in a write of its own: the expiry is a change that commits
  // (a refusal would roll it back), and only then is the decision refused.
  if (existing.ck.status === "pending" && existing.ck.expiresAt <= ctx.clock.now()) {
    const count = await transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now(), { checkpointId: data.checkpointId }));
    if (count > 0) throw expired(data.checkpointId);
  }
  return transact(ctx, async (tx, record) => {
    const now = ctx.clock.now();
    const found = await tx.checkpoints.withRun(data.checkpointId);
    if (!found) refuse(notFound(`checkpoint '${data.checkpointId}'`));
    const { ck, ownerUserId, projectId, runStatus } = found;
    if (ck.status !== "pending") refuse(new AppError("conflict", `checkpoint ${ck.id} is already ${ck.status}`));
    // Came due since the check above: left for the sweep (or the next read) to record.
    if (ck.expiresAt <= now) refuse(expired(ck.id));
    if (ownerUserId === actor.userId) refuse(forbidden("you own this run: someone else must decide its checkpoints (four eyes)"));
    if (!atLeast(actor.role, ck.requiredRole)) refuse(forbidden(`this checkpoint needs a ${ck.requiredRole} or above`));
    const status = data.decision === "approve" ? "approved" : "rejected";
    await tx.checkpoints.decide(ck.id, { status, decidedAt: now, decidedBy: actor.userId, deciderRole: actor.role, decisionReason: reason! });
    await record({ type: `checkpoint.${status}`, runId: ck.runId, projectId, subject: ck.id, meta: { kind: ck.kind, targetPhase: ck.targetPhase, deciderRole: actor.role } });
    // Approving a budget checkpoint is what raises that run's budget (DESIGN §13).
    if (status === "approved" && ck.kind === "budget") {
      const run = (await tx.runs.byId(ck.runId))!;
      await raiseRunBudget(tx, record, ctx, { id: run.id, projectId, usedTokens: run.inputTokens + run.outputTokens }, ck.id);
    }
    if (status === "approved" && runStatus === "blocked") {
      // The agent asked again through a new checkpoint (requested after the rejection): approving it lifts the block.
      // One requested before (or in the same millisecond as) the rejection does not.
      const rejection = await lastRejection(tx, ck.runId);
      if (!rejection || ck.requestedAt > (rejection.decidedAt ?? 0)) {
        const lifted = await liftBlock(tx, record, { id: ck.runId, projectId }, now, { by: "checkpoint", checkpointId: ck.id });
        return { id: ck.id, status, runId: ck.runId, runStatus: lifted ?? runStatus, decidedAt: now };
      }
    }
    const to = status === "rejected" ? "blocked" : "active";
    const changed = await releaseRun(tx, ck.runId, now, to);
    if (status === "rejected") {
      await record({ type: "run.blocked", runId: ck.runId, projectId, meta: { checkpointId: ck.id, why: "checkpoint_rejected" } });
    }
    return { id: ck.id, status, runId: ck.runId, runStatus: changed ? to : runStatus, decidedAt: now };
  });
}
