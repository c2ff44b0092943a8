import type { Queries } from "../store.ts";
import type { Record } from "../transact.ts";

// Bounds one sweep's transaction; the rest waits for the next sweep or read.
const SWEEP_BATCH = 500;

/**
 * Expires pending checkpoints whose time is up (optionally of one run or one checkpoint), in the
 * caller's transaction. A run left waiting on nothing goes back to `active`. Returns how many expired.
 */
export async function expireDue(tx: Queries, record: Record, now: number, only: { runId?: string; checkpointId?: string } = {}): Promise<number> {
  const due = await tx.checkpoints.expirePending(now, { dueBy: now, runId: only.runId ?? null, checkpointId: only.checkpointId ?? null }, SWEEP_BATCH);
  for (const ck of due) {
    await record({ type: "checkpoint.expired", runId: ck.runId, projectId: ck.projectId, subject: ck.id, meta: { kind: ck.kind, why: "timeout" } });
  }
  for (const runId of new Set(due.map((ck) => ck.runId))) await releaseRun(tx, runId, now);
  return due.length;
}

/**
 * A run awaiting approval with no pending checkpoint left goes back to `active`; `blocked` (a
 * rejection) applies at once. Only `awaiting_approval` is released: a run blocked by a rejection
 * stays blocked when another of its checkpoints expires or is approved. Returns whether the run changed.
 */
export async function releaseRun(tx: Queries, runId: string, now: number, to: "active" | "blocked" = "active"): Promise<boolean> {
  if (to === "active") {
    if (await tx.checkpoints.hasPending(runId)) return false;
    return tx.checkpoints.setRunStatus(runId, "active", now, ["awaiting_approval"]);
  }
  return tx.checkpoints.setRunStatus(runId, "blocked", now, ["awaiting_approval", "active", "blocked"]);
}
