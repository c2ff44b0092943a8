import { and, eq, inArray, lte } from "drizzle-orm";
import { checkpoints, runs } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import type { Record } from "../transact.ts";

// Bounds one sweep's transaction; the rest waits for the next sweep or read.
const SWEEP_BATCH = 500;

/**
 * Expires pending checkpoints whose time is up (optionally of one run or one checkpoint), in the
 * caller's transaction. A run left waiting on nothing goes back to `active`. Returns how many expired.
 */
export function expireDue(tx: Tx, record: Record, now: number, only: { runId?: string; checkpointId?: string } = {}): number {
  const conditions = [eq(checkpoints.status, "pending"), lte(checkpoints.expiresAt, now)];
  if (only.runId) conditions.push(eq(checkpoints.runId, only.runId));
  if (only.checkpointId) conditions.push(eq(checkpoints.id, only.checkpointId));
  const due = tx.select({ id: checkpoints.id, runId: checkpoints.runId, kind: checkpoints.kind }).from(checkpoints).where(and(...conditions)).limit(SWEEP_BATCH).all();
  for (const ck of due) {
    tx.update(checkpoints).set({ status: "expired", decidedAt: now }).where(eq(checkpoints.id, ck.id)).run();
    const run = tx.select({ projectId: runs.projectId }).from(runs).where(eq(runs.id, ck.runId)).get();
    record({ type: "checkpoint.expired", runId: ck.runId, projectId: run?.projectId ?? null, subject: ck.id, meta: { kind: ck.kind, why: "timeout" } });
    releaseRun(tx, ck.runId, now);
  }
  return due.length;
}

/**
 * A run awaiting approval with no pending checkpoint left goes back to `active`; `blocked` (a
 * rejection) applies at once. Only `awaiting_approval` is released: a run blocked by a rejection
 * stays blocked when another of its checkpoints expires or is approved.
 */
export function releaseRun(tx: Tx, runId: string, now: number, to: "active" | "blocked" = "active"): void {
  const pending = tx.select({ id: checkpoints.id }).from(checkpoints).where(and(eq(checkpoints.runId, runId), eq(checkpoints.status, "pending"))).limit(1).get();
  if (pending && to === "active") return;
  const from = to === "active" ? ["awaiting_approval" as const] : ["awaiting_approval" as const, "active" as const, "blocked" as const];
  tx.update(runs).set({ status: to, updatedAt: now }).where(and(eq(runs.id, runId), inArray(runs.status, from))).run();
}
