import { z } from "zod";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { maskText, scopeManifest, type ScopeManifest } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { ProjectSlug, RUN_STATUSES } from "./schemas.ts";

export const ListRunsInput = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  project: ProjectSlug.optional(),
  limit: z.int().min(1).max(500).optional(),
});

export interface RunSummary {
  id: string;
  project: { id: string; slug: string };
  title: string;
  ticket: string | null;
  owner: { id: string; name: string };
  status: string;
  phase: string;
  branch: string | null;
  prUrl: string | null;
  commitSha: string | null;
  tokens: { input: number; output: number; cache: number; calls: number };
  pendingCheckpoints: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/**
 * Runs, most recently updated first. Titles, tickets, branches and PR links are free text written
 * by agents: for roles that see runs masked, paths in their excluded modules read `‹module›`.
 */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RunSummary[]> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const data = parseInput(ListRunsInput, input);
  const rows = await ctx.store.read.runs.list({ status: data.status ?? null, projectSlug: data.project ?? null, limit: data.limit ?? 100 });
  const masked = !can(ctx.actor.role, "runs.view_unmasked");
  const manifests = new Map<string, ScopeManifest>();
  for (const { run } of rows) {
    if (masked && !manifests.has(run.projectId)) manifests.set(run.projectId, await scopeManifest(ctx.store.read, { projectId: run.projectId, role: ctx.actor.role }));
  }
  return rows.map(({ run, slug, ownerName, pendingCheckpoints }) => {
    const manifest = manifests.get(run.projectId) ?? null;
    const text = <T extends string | null>(value: T): T => maskText(manifest, value);
    return {
      id: run.id,
      project: { id: run.projectId, slug },
      title: text(run.title),
      ticket: text(run.ticket),
      owner: { id: run.ownerUserId, name: ownerName },
      status: run.status,
      phase: run.phase,
      branch: text(run.branch),
      prUrl: text(run.prUrl),
      commitSha: run.commitSha,
      tokens: { input: run.inputTokens, output: run.outputTokens, cache: run.cacheTokens, calls: run.calls },
      pendingCheckpoints,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      finishedAt: run.finishedAt,
    };
  });
}
