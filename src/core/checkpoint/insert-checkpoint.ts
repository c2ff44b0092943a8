import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import type { Role } from "../roles.ts";
import type { Queries } from "../store.ts";
import type { Record } from "../transact.ts";
import type { CheckpointRow } from "./queries.ts";

export type { CheckpointRow } from "./queries.ts";

/** Creates a pending checkpoint and puts its run in `awaiting_approval` (a blocked run stays blocked), in the caller's transaction. */
export async function insertCheckpoint(tx: Queries, record: Record, ctx: Ctx, run: { id: string; projectId: string }, spec: {
  kind: "phase_gate" | "approval" | "budget";
  targetPhase: string | null;
  reason: string;
  summary: string | null;
  requiredRole: Role;
}): Promise<CheckpointRow> {
  const now = ctx.clock.now();
  const row: CheckpointRow = {
    id: newId("ck"), runId: run.id, kind: spec.kind, targetPhase: spec.targetPhase, reason: spec.reason, summary: spec.summary, requiredRole: spec.requiredRole,
    status: "pending", requestedAt: now, expiresAt: now + ctx.options.checkpointExpiryMs, decidedAt: null, decidedBy: null, deciderRole: null, decisionReason: null,
  };
  await tx.checkpoints.insert(row);
  // A blocked run stays blocked while it waits: only a person (or approving this new checkpoint) lifts a rejection.
  await tx.checkpoints.setRunStatus(run.id, "awaiting_approval", now, ["active", "awaiting_approval"]);
  await record({ type: "checkpoint.requested", runId: run.id, projectId: run.projectId, subject: row.id, meta: { kind: spec.kind, targetPhase: spec.targetPhase, reason: spec.reason, requiredRole: spec.requiredRole } });
  return row;
}
