import { z } from "zod";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { maskPath, maskText, scopeManifest } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { projectBySlug } from "./access.ts";
import { CLAIM_IDLE_MS } from "./claims.ts";
import { ProjectSlug } from "./schemas.ts";

export const ListClaimsInput = z.strictObject({ slug: ProjectSlug });

const LIMIT = 1000;

export interface ClaimListItem {
  path: string;
  source: string;
  claimedAt: number;
  lastSeenAt: number;
  /** The holding run has been idle past CLAIM_IDLE_MS: the next run asking for the path takes it. */
  idle: boolean;
  run: { id: string; title: string; phase: string; status: string; owner: { id: string; name: string } };
}

/**
 * The live claims in a project (DESIGN §13: people see claims per project), oldest first. For roles
 * that see runs masked, paths in their excluded modules read `‹module›`, in run titles too.
 */
export async function listProjectClaims({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ claims: ClaimListItem[]; idleAfterMs: number }> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const { slug } = parseInput(ListClaimsInput, input);
  const q = ctx.store.read;
  const project = await projectBySlug(q, slug);
  const manifest = can(ctx.actor.role, "runs.view_unmasked") ? null : await scopeManifest(q, { projectId: project.id, role: ctx.actor.role });
  const now = ctx.clock.now();
  const rows = await q.runs.projectClaims(project.id, LIMIT);
  return {
    idleAfterMs: CLAIM_IDLE_MS,
    claims: rows.map((c) => ({
      path: manifest ? maskPath(manifest, c.path) : c.path,
      source: c.source,
      claimedAt: c.claimedAt,
      lastSeenAt: c.lastSeen,
      idle: c.lastSeen < now - CLAIM_IDLE_MS,
      run: { id: c.runId, title: maskText(manifest, c.title), phase: c.phase, status: c.status, owner: { id: c.ownerUserId, name: c.ownerName } },
    })),
  };
}
