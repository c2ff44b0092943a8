import type { CheckpointViewT } from "../run/schemas.ts";
import type { CheckpointRow } from "./queries.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** The MCP view of a checkpoint: status, the decider's role and reason, never the decider's identity. */
export function checkpointView(ck: CheckpointRow): CheckpointViewT {
  return {
    checkpoint_id: ck.id,
    run_id: ck.runId,
    kind: ck.kind,
    target_phase: ck.targetPhase,
    status: ck.status,
    required_role: ck.requiredRole,
    decider_role: ck.deciderRole,
    reason: ck.decisionReason,
    decided_at: ck.decidedAt === null || ck.status === "expired" ? null : iso(ck.decidedAt),
    expires_at: iso(ck.expiresAt),
  };
}
