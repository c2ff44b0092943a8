import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { can, type Role } from "../roles.ts";
import type { Queries } from "../store.ts";
import type { ProjectRow } from "./queries.ts";
import type { ProjectView } from "./schemas.ts";

/** The role a viewer reads with (people and agents by their role; the system sees as the owner). */
export function viewerRole(ctx: Ctx): Role {
  return ctx.actor.kind === "system" ? "owner" : ctx.actor.role;
}

/** Throws unless the actor may manage projects, modules and module access (people only, or the system). */
export function requireProjectsManage(ctx: Ctx): void {
  if (ctx.actor.kind === "agent") throw forbidden("agents cannot manage projects");
  if (ctx.actor.kind === "human" && !can(ctx.actor.role, "projects.manage")) throw forbidden("your role cannot manage projects");
}

export async function findProject(q: Pick<Queries, "projects">, slug: string): Promise<ProjectRow> {
  const row = await q.projects.bySlug(slug);
  if (!row) throw notFound("project");
  return row;
}

export function toProjectView(row: ProjectRow): ProjectView {
  return { id: row.id, slug: row.slug, name: row.name, remoteUrl: row.remoteUrl, protectedGlobs: row.protectedGlobs, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
