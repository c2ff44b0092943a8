import { z } from "zod";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
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

/** Runs, most recently updated first (no paths appear here, so the list needs no masking). */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RunSummary[]> {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const data = parseInput(ListRunsInput, input);
  const rows = await ctx.store.read.runs.list({ status: data.status ?? null, projectSlug: data.project ?? null, limit: data.limit ?? 100 });
  return rows.map(({ run, slug, ownerName, pendingCheckpoints }) => ({
    id: run.id,
    project: { id: run.projectId, slug },
    title: run.title,
    ticket: run.ticket,
    owner: { id: run.ownerUserId, name: ownerName },
    status: run.status,
    phase: run.phase,
    branch: run.branch,
    prUrl: run.prUrl,
    commitSha: run.commitSha,
    tokens: { input: run.inputTokens, output: run.outputTokens, cache: run.cacheTokens, calls: run.calls },
    pendingCheckpoints,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
  }));
}
