import type { Queries } from "../store.ts";
import type { Record } from "../transact.ts";
import type { CheckpointRow, RunStatus } from "./queries.ts";

// How far back a run's checkpoints are looked through for the rejection that blocks it.
const HISTORY = 500;

/** The run's most recent rejection (the one that keeps it blocked), if any. */
export async function lastRejection(tx: Pick<Queries, "checkpoints">, runId: string): Promise<CheckpointRow | undefined> {
  let last: CheckpointRow | undefined;
  for (const ck of await tx.checkpoints.ofRun(runId, HISTORY)) {
    if (ck.status === "rejected" && (!last || (ck.decidedAt ?? 0) > (last.decidedAt ?? 0))) last = ck;
  }
  return last;
}

/**
 * Lifts a rejection's block, in the caller's transaction: the run goes back to `awaiting_approval`
 * when a checkpoint is still pending, else to `active`, and `run.unblocked` is recorded. Only a
 * `blocked` run changes; returns its new status, or null when it was not blocked.
 */
export async function liftBlock(tx: Queries, record: Record, run: { id: string; projectId: string }, now: number,
  meta: { by: "person" | "checkpoint"; checkpointId: string | null }): Promise<RunStatus | null> {
  const to: RunStatus = (await tx.checkpoints.hasPending(run.id)) ? "awaiting_approval" : "active";
  if (!(await tx.checkpoints.setRunStatus(run.id, to, now, ["blocked"]))) return null;
  await record({ type: "run.unblocked", runId: run.id, projectId: run.projectId, meta: { ...meta, status: to } });
  return to;
}
