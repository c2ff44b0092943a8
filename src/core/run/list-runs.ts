import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import { checkpoints, projects, runs, users } from "../../db/schema/index.ts";
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
export function listRuns({ ctx, input }: { ctx: Ctx; input: unknown }): RunSummary[] {
  if (ctx.actor.kind !== "human" || !can(ctx.actor.role, "runs.view")) throw forbidden("sign in to see runs");
  const data = parseInput(ListRunsInput, input);
  const db = ctx.store.read;
  const where: SQL[] = [];
  if (data.status) where.push(eq(runs.status, data.status));
  if (data.project) where.push(eq(projects.slug, data.project));
  const rows = db.select({ run: runs, slug: projects.slug, ownerName: users.name }).from(runs)
    .innerJoin(projects, eq(projects.id, runs.projectId)).innerJoin(users, eq(users.id, runs.ownerUserId))
    .where(where.length ? and(...where) : undefined).orderBy(desc(runs.updatedAt)).limit(data.limit ?? 100).all();
  const ids = rows.map((r) => r.run.id);
  const pending = new Map<string, number>();
  if (ids.length > 0) {
    for (const ck of db.select({ runId: checkpoints.runId }).from(checkpoints).where(and(inArray(checkpoints.runId, ids), eq(checkpoints.status, "pending"))).all()) {
      pending.set(ck.runId, (pending.get(ck.runId) ?? 0) + 1);
    }
  }
  return rows.map(({ run, slug, ownerName }) => ({
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
    pendingCheckpoints: pending.get(run.id) ?? 0,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
  }));
}
