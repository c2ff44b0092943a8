import { eq } from "drizzle-orm";
import { projects } from "../../db/schema/index.ts";
import type { Db } from "../../db/store.ts";
import type { Ctx } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { can, type Role } from "../roles.ts";
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

export function findProject(db: Db, slug: string): typeof projects.$inferSelect {
  const row = db.select().from(projects).where(eq(projects.slug, slug)).get();
  if (!row) throw notFound("project");
  return row;
}

export function toProjectView(row: typeof projects.$inferSelect): ProjectView {
  return { id: row.id, slug: row.slug, name: row.name, remoteUrl: row.remoteUrl, protectedGlobs: row.protectedGlobs, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
