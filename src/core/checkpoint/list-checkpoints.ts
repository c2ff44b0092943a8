import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../paging.ts";
import { atLeast, can } from "../roles.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { expireDue } from "./expiry.ts";
import { ListCheckpointsInput, type CheckpointPage, type CheckpointQueueItem } from "./schemas.ts";

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
  const checkpoints = rows.map(({ ck, runTitle, projectId, ownerId, ownerName }): CheckpointQueueItem => {
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
      canDecide: ck.status === "pending" && mayDecide && atLeast(actor.role, ck.requiredRole) && ownerId !== actor.userId,
    };
  });
  return { checkpoints, total, nextCursor };
}
