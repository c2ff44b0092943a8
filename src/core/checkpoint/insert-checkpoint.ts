import { checkpoints, runs } from "../../db/schema/index.ts";
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/store.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import type { Role } from "../roles.ts";
import type { Record } from "../transact.ts";

export type CheckpointRow = typeof checkpoints.$inferSelect;

/** Creates a pending checkpoint and puts its run in `awaiting_approval`, in the caller's transaction. */
export function insertCheckpoint(tx: Tx, record: Record, ctx: Ctx, run: { id: string; projectId: string }, spec: {
  kind: "phase_gate" | "approval";
  targetPhase: string | null;
  reason: string;
  summary: string | null;
  requiredRole: Role;
}): CheckpointRow {
  const now = ctx.clock.now();
  const row: CheckpointRow = {
    id: newId("ck"), runId: run.id, kind: spec.kind, targetPhase: spec.targetPhase, reason: spec.reason, summary: spec.summary, requiredRole: spec.requiredRole,
    status: "pending", requestedAt: now, expiresAt: now + ctx.options.checkpointExpiryMs, decidedAt: null, decidedBy: null, deciderRole: null, decisionReason: null,
  };
  tx.insert(checkpoints).values(row).run();
  tx.update(runs).set({ status: "awaiting_approval", updatedAt: now }).where(eq(runs.id, run.id)).run();
  record({ type: "checkpoint.requested", runId: run.id, projectId: run.projectId, subject: row.id, meta: { kind: spec.kind, targetPhase: spec.targetPhase, reason: spec.reason, requiredRole: spec.requiredRole } });
  return row;
}
