// Claims (DESIGN §13): a run claims the paths it plans or changes while it is active, so parallel
// agents see each other instead of colliding. Writes are serialised by the store, so the
// check-then-insert below, inside one write, is atomic; the partial unique index on live
// (project, path) claims is the belt. A claim ends when its run finishes (completed, failed,
// cancelled) or, once the run has been idle for CLAIM_IDLE_MS, when another run claims the path.
import type { Ctx } from "../context.ts";
import { maskPath, maskText, type ScopeManifest } from "../scope/manifest.ts";
import type { Queries, Tx } from "../store.ts";
import type { Record } from "../transact.ts";
import { isoTime } from "./access.ts";
import { recordDrift } from "./drift.ts";
import type { ClaimHolderRow, ClaimSource } from "./queries.ts";
import type { ClaimConflictViewT, ClaimViewT } from "./schemas.ts";

/** A run that made no call for this long no longer holds its claims against another run. */
export const CLAIM_IDLE_MS = 24 * 3_600_000;
/** At most this many claims or conflicts are listed per answer. */
export const CLAIM_LIST_LIMIT = 200;

const live = (holder: ClaimHolderRow, now: number): boolean => holder.lastSeen >= now - CLAIM_IDLE_MS;

/** The holder as the caller's role may see it: paths and the title masked; the run id only for the caller's own runs. */
export function conflictView(manifest: ScopeManifest, ownerUserId: string, runId: string, h: ClaimHolderRow): ClaimConflictViewT {
  return {
    path: maskPath(manifest, h.requested),
    run_id: runId,
    held_by: {
      run_id: h.ownerUserId === ownerUserId ? h.runId : null,
      path: maskPath(manifest, h.path),
      title: maskText(manifest, h.title).slice(0, 200),
      owner: maskText(manifest, h.ownerName).slice(0, 200),
      phase: h.phase,
      since: isoTime(h.claimedAt),
    },
  };
}

/** One conflict per requested path (its oldest live holder). */
function firstPerPath(holders: readonly ClaimHolderRow[]): ClaimHolderRow[] {
  const seen = new Map<string, ClaimHolderRow>();
  for (const h of holders) if (!seen.has(h.requested)) seen.set(h.requested, h);
  return [...seen.values()];
}

/**
 * Claims `paths` for the run in the caller's transaction. A path another active run holds (the
 * same path, or a directory of one or inside one) is not claimed: a claim_conflict drift is
 * recorded and the conflict, naming the holder masked for the caller's role, is returned.
 */
export async function claimPaths(
  tx: Tx, record: Record, ctx: Ctx, run: { id: string; projectId: string; ownerUserId: string }, manifest: ScopeManifest, paths: readonly string[], source: ClaimSource, tool: string,
): Promise<ClaimConflictViewT[]> {
  const now = ctx.clock.now();
  await tx.runs.refreshClaims(run.id, now);
  if (paths.length === 0) return [];
  const holders: ClaimHolderRow[] = [];
  for (const h of await tx.runs.claimHolders(run.projectId, run.id, [...paths])) {
    if (live(h, now)) holders.push(h);
    else if (await tx.runs.expireClaim(h.runId, h.path, now)) {
      await record({ type: "claim.expired", runId: h.runId, projectId: run.projectId, meta: { idleMs: now - h.lastSeen, claimedBy: run.id } });
    }
  }
  const blocked = new Set(holders.map((h) => h.requested));
  for (const path of paths) if (!blocked.has(path)) await tx.runs.insertClaim({ projectId: run.projectId, runId: run.id, path, source, now });
  const conflicts = firstPerPath(holders);
  // Recorded once per run, path and holder: a repeated call (plan_work is idempotent) adds no drift.
  const recorded = conflicts.length === 0 ? [] : await tx.runs.conflictsRecorded(run.id, CLAIM_LIST_LIMIT * 5);
  for (const h of conflicts) {
    if (recorded.some((r) => r.path === h.requested && r.holderRunId === h.runId)) continue;
    await recordDrift(tx, record, ctx, run, "claim_conflict", { holder_run_id: h.runId, source: tool }, h.requested);
  }
  return conflicts.map((h) => conflictView(manifest, run.ownerUserId, run.id, h));
}

/** The still-live conflicts of a run: paths it was refused that another active run holds now. */
export async function liveConflicts(q: Pick<Queries, "runs">, now: number, manifest: ScopeManifest, run: { id: string; projectId: string; ownerUserId: string }): Promise<ClaimConflictViewT[]> {
  const wanted = [...new Set((await q.runs.conflictsRecorded(run.id, CLAIM_LIST_LIMIT * 5)).map((r) => r.path))];
  const holders = (await q.runs.claimHolders(run.projectId, run.id, wanted)).filter((h) => live(h, now));
  return firstPerPath(holders).map((h) => conflictView(manifest, run.ownerUserId, run.id, h));
}

/** A user's live claims in a project, masked for the caller's role. */
export async function ownClaims(q: Pick<Queries, "runs">, manifest: ScopeManifest, ownerUserId: string, projectId: string): Promise<ClaimViewT[]> {
  return (await q.runs.ownerClaims(ownerUserId, projectId, CLAIM_LIST_LIMIT)).map((c) => ({ path: maskPath(manifest, c.path), run_id: c.runId, source: c.source, since: isoTime(c.claimedAt) }));
}
