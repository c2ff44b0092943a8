import { asc, eq } from "drizzle-orm";
import { modules } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { can, ROLES, type Role } from "../roles.ts";
import { maskedName, moduleAccessLevels, type AccessLevel } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import { ProjectRef, type ModuleView } from "./schemas.ts";

/** A module as the viewer may see it: an excluded module shows `‹name›` instead of its globs. */
export function toModuleView(row: typeof modules.$inferSelect, levels: Partial<Record<Role, AccessLevel>>, role: Role, ctx: Ctx): ModuleView {
  const access = levels[role] ?? "editable";
  const view: ModuleView = {
    id: row.id,
    name: row.name,
    globs: access === "excluded" ? [maskedName(row.name)] : [...row.globs],
    access,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  const manages = ctx.actor.kind === "system" || (ctx.actor.kind === "human" && can(ctx.actor.role, "projects.manage"));
  if (manages) view.accessByRole = Object.fromEntries(ROLES.map((r) => [r, levels[r] ?? "editable"])) as Record<Role, AccessLevel>;
  return view;
}

/** A project's modules, masked for the viewer's role. */
export function listModules({ ctx, input }: { ctx: Ctx; input: unknown }): ModuleView[] {
  const { slug } = parseInput(ProjectRef, input);
  const db = ctx.store.read;
  const project = findProject(db, slug);
  const rows = db.select().from(modules).where(eq(modules.projectId, project.id)).orderBy(asc(modules.name)).all();
  const levels = moduleAccessLevels(db, rows.map((r) => r.id));
  const role = viewerRole(ctx);
  return rows.map((row) => toModuleView(row, levels.get(row.id) ?? {}, role, ctx));
}

/** The access matrix of a project: every module × every role (names and levels only, no globs). */
export function moduleAccessMatrix({ ctx, input }: { ctx: Ctx; input: unknown }): { roles: readonly Role[]; modules: { name: string; access: Record<Role, AccessLevel> }[] } {
  requireProjectsManage(ctx);
  const { slug } = parseInput(ProjectRef, input);
  const db = ctx.store.read;
  const project = findProject(db, slug);
  const rows = db.select({ id: modules.id, name: modules.name }).from(modules).where(eq(modules.projectId, project.id)).orderBy(asc(modules.name)).all();
  const levels = moduleAccessLevels(db, rows.map((r) => r.id));
  return {
    roles: ROLES,
    modules: rows.map((row) => ({ name: row.name, access: Object.fromEntries(ROLES.map((r) => [r, levels.get(row.id)?.[r] ?? "editable"])) as Record<Role, AccessLevel> })),
  };
}
