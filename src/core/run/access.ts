import type { Actor, Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import type { Queries } from "../store.ts";
import type { ProjectRefRow, RunRow } from "./queries.ts";
import { FINISHED_STATUSES } from "./schemas.ts";

export type AgentActor = Extract<Actor, { kind: "agent" }>;
export type { RunRow };

/** Agent verbs act for the key's user; people use the web app and cannot drive runs. */
export function requireAgent(ctx: Ctx): AgentActor {
  if (ctx.actor.kind !== "agent") throw forbidden("this action is for agents using a plugin key");
  return ctx.actor;
}

/** The run, when it belongs to the key's user (other users' runs do not exist for this key). */
export async function loadOwnRun(q: Pick<Queries, "runs">, actor: AgentActor, runId: string): Promise<RunRow> {
  const run = await q.runs.byId(runId);
  if (!run || run.ownerUserId !== actor.userId) throw notFound(`run '${runId}' (start one with start_run)`);
  return run;
}

/** Nothing changes after a run finished. */
export function assertOpen(run: RunRow): void {
  if (FINISHED_STATUSES.includes(run.status)) {
    throw new AppError("conflict", `run ${run.id} is ${run.status}; nothing can change after a run finished (start a new run with start_run)`);
  }
}

export async function projectBySlug(q: Pick<Queries, "runs">, slug: string): Promise<ProjectRefRow> {
  const project = await q.runs.projectBySlug(slug);
  if (!project) throw notFound(`project '${slug}' (ask an admin to create it in the web app)`);
  return project;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
