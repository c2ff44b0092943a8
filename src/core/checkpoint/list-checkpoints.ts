import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../paging.ts";
import { atLeast, can } from "../roles.ts";
import { maskPath, maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { expireDue } from "./expiry.ts";
import { ListCheckpointsInput, type CheckpointEvidence, type CheckpointPage, type CheckpointQueueItem } from "./schemas.ts";

/** How many sample paths of each kind an approval card shows. */
const EVIDENCE_PATHS = 5;

/**
 * The approvals queue soonest-expiring first (checkpoints of another status: newest first), one page
 * with the true total and the next page's cursor, with whether the viewer may
 * decide each. Run titles, summaries and decision reasons are free text: masked for roles that see runs masked.
 */
export async function listCheckpoints({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CheckpointPage> {
  const actor = ctx.actor;
  if (actor.kind !== "human" || !can(actor.role, "runs.view")) throw forbidden("sign in to see checkpoints");
  const data = parseInput(ListCheckpointsInput, input ?? {});
  const limit = data.limit ?? 100;
  const status = data.status ?? null;
  const after = data.cursor === undefined ? null : decodeCursor(data.cursor);
  // Lazily expire what is due so the queue never offers a checkpoint that can no longer be decided
  // (a write only when something is due: listing is a read).
  if (await ctx.store.read.checkpoints.anyDue(ctx.clock.now())) await transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now()));
  const [page, total] = await Promise.all([ctx.store.read.checkpoints.queue({ status, after, limit: limit + 1 }), ctx.store.read.checkpoints.count(status)]);
  const rows = page.slice(0, limit);
  const last = rows[rows.length - 1];
  const nextCursor = page.length > limit && last ? encodeCursor({ key: status === "pending" ? last.ck.expiresAt : -last.ck.requestedAt, id: last.ck.id }) : null;
  const mayDecide = can(actor.role, "checkpoints.decide");
  const masked = !can(actor.role, "runs.view_unmasked");
  const manifests = new Map<string, ScopeManifest>();
  for (const { projectId } of rows) {
    if (masked && !manifests.has(projectId)) manifests.set(projectId, await scopeManifest(ctx.store.read, { projectId, role: actor.role }));
  }
  // The evidence of the page's runs in two queries (counts, then a few sample paths of each kind).
  const runIds = [...new Set(rows.map((r) => r.ck.runId))];
  const [counts, samples] = runIds.length ? await Promise.all([ctx.store.read.checkpoints.evidence(runIds), ctx.store.read.checkpoints.evidencePaths(runIds, EVIDENCE_PATHS)]) : [[], []];
  const countsOf = new Map(counts.map((c) => [c.runId, c]));
  const evidenceOf = (runId: string, manifest: ScopeManifest | null): CheckpointEvidence => {
    const c = countsOf.get(runId);
    const paths = (kind: "violation" | "changed") => [...new Set(samples.filter((s) => s.runId === runId && s.kind === kind).map((s) => (manifest ? maskPath(manifest, s.path) : s.path)))];
    return {
      scopeViolations: c?.scopeViolations ?? 0, violationPaths: paths("violation"), drift: c?.drift ?? 0,
      tests: c?.tests ?? 0, failedTests: c?.failedTests ?? 0, lastTestExitCode: c?.lastTestExitCode ?? null, failedBuilds: c?.failedBuilds ?? 0,
      changedFiles: c?.changedFiles ?? 0, changedPaths: paths("changed"),
    };
  };
  const checkpoints = rows.map(({ ck, runTitle, projectId, ownerId, ownerName, deciderName }): CheckpointQueueItem => {
    const manifest = manifests.get(projectId) ?? null;
    return {
      id: ck.id,
      runId: ck.runId,
      runTitle: maskText(manifest, runTitle),
      projectId,
      owner: { id: ownerId, name: ownerName },
      kind: ck.kind,
      targetPhase: ck.targetPhase,
      reason: ck.reason,
      summary: maskText(manifest, ck.summary),
      requiredRole: ck.requiredRole,
      status: ck.status,
      requestedAt: ck.requestedAt,
      expiresAt: ck.expiresAt,
      decidedAt: ck.decidedAt,
      deciderRole: ck.deciderRole,
      decisionReason: maskText(manifest, ck.decisionReason),
      decider: ck.decidedBy && ck.status !== "expired" ? { id: ck.decidedBy, name: deciderName, role: ck.deciderRole } : null,
      evidence: evidenceOf(ck.runId, manifest),
      canDecide: ck.status === "pending" && mayDecide && atLeast(actor.role, ck.requiredRole) && ownerId !== actor.userId,
    };
  });
  return { checkpoints, total, nextCursor };
}
