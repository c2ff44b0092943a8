import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import type { Tx } from "../store.ts";
import type { Record as RecordEvent } from "../transact.ts";

type DriftKind = "gate_skip" | "phase_mismatch" | "repeated_build_failure" | "claim_conflict";

/**
 * Records an off-script event (a drift signal row and a drift.detected event) in the caller's
 * transaction. `path` is the repository path it concerns, when there is one (kept out of the event's meta).
 */
export async function recordDrift(tx: Tx, record: RecordEvent, ctx: Ctx, run: { id: string; projectId: string }, kind: DriftKind, detail: Record<string, string | number | boolean | null>, path: string | null = null): Promise<string> {
  const id = newId("dft");
  await tx.runs.insertDrift({ id, runId: run.id, kind, path, detail, createdAt: ctx.clock.now() });
  // The drift kind goes last: a detail key must never overwrite it in the audit trail.
  await record({ type: "drift.detected", runId: run.id, projectId: run.projectId, subject: id, meta: { ...detail, kind } });
  return id;
}
