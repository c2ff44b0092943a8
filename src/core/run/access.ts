import { eq } from "drizzle-orm";
import { projects, runs } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import type { Actor, Ctx } from "../context.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { FINISHED_STATUSES } from "./schemas.ts";

export type AgentActor = Extract<Actor, { kind: "agent" }>;
export type RunRow = typeof runs.$inferSelect;

/** Agent verbs act for the key's user; people use the web app and cannot drive runs. */
export function requireAgent(ctx: Ctx): AgentActor {
  if (ctx.actor.kind !== "agent") throw forbidden("this action is for agents using a plugin key");
  return ctx.actor;
}

/** The run, when it belongs to the key's user (other users' runs do not exist for this key). */
export function loadOwnRun(db: Db, actor: AgentActor, runId: string): RunRow {
  const run = db.select().from(runs).where(eq(runs.id, runId)).get();
  if (!run || run.ownerUserId !== actor.userId) throw notFound(`run '${runId}' (start one with start_run)`);
  return run;
}

/** Nothing changes after a run finished. */
export function assertOpen(run: RunRow): void {
  if (FINISHED_STATUSES.includes(run.status)) {
    throw new AppError("conflict", `run ${run.id} is ${run.status}; nothing can change after a run finished (start a new run with start_run)`);
  }
}

export function projectBySlug(db: Db, slug: string): typeof projects.$inferSelect {
  const project = db.select().from(projects).where(eq(projects.slug, slug)).get();
  if (!project) throw notFound(`project '${slug}' (ask an admin to create it in the web app)`);
  return project;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
