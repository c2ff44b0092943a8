import type { CheckpointViewT } from "../run/schemas.ts";
import { maskText, type ScopeManifest } from "../scope/manifest.ts";
import type { CheckpointRow } from "./queries.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The MCP view of a checkpoint: status, the decider's role and reason, never the decider's identity.
 * Pass the caller's manifest so paths the decider named in the reason are masked for the caller's role.
 */
export function checkpointView(ck: CheckpointRow, manifest: ScopeManifest | null = null): CheckpointViewT {
  return {
    checkpoint_id: ck.id,
    run_id: ck.runId,
    kind: ck.kind,
    target_phase: ck.targetPhase,
    status: ck.status,
    required_role: ck.requiredRole,
    decider_role: ck.deciderRole,
    reason: maskText(manifest, ck.decisionReason),
    decided_at: ck.decidedAt === null || ck.status === "expired" ? null : iso(ck.decidedAt),
    expires_at: iso(ck.expiresAt),
  };
}
