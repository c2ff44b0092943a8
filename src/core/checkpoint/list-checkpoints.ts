import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { atLeast, can } from "../roles.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { expireDue } from "./expiry.ts";
import { ListCheckpointsInput, type CheckpointQueueItem } from "./schemas.ts";

/**
 * The approvals queue (or checkpoints of another status), newest first, with whether the viewer may
 * decide each. Run titles, summaries and decision reasons are free text: masked for roles that see runs masked.
 */
export async function listCheckpoints({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CheckpointQueueItem[]> {
  const actor = ctx.actor;
  if (actor.kind !== "human" || !can(actor.role, "runs.view")) throw forbidden("sign in to see checkpoints");
  const data = parseInput(ListCheckpointsInput, input);
  // Lazily expire what is due so the queue never offers a checkpoint that can no longer be decided
  // (a write only when something is due: listing is a read).
  if (await ctx.store.read.checkpoints.anyDue(ctx.clock.now())) await transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now()));
  const rows = await ctx.store.read.checkpoints.queue(data.status ?? null, data.limit ?? 100);
  const mayDecide = can(actor.role, "checkpoints.decide");
  const masked = !can(actor.role, "runs.view_unmasked");
  const manifests = new Map<string, ScopeManifest>();
  for (const { projectId } of rows) {
    if (masked && !manifests.has(projectId)) manifests.set(projectId, await scopeManifest(ctx.store.read, { projectId, role: actor.role }));
  }
  return rows.map(({ ck, runTitle, projectId, ownerId, ownerName }) => {
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
}
