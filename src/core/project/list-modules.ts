import type { Ctx } from "../context.ts";
import { can, ROLES, type Role } from "../roles.ts";
import { maskedName, type AccessLevel } from "../scope/manifest.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import type { ModuleLevels, ModuleRow } from "./queries.ts";
import { ProjectRef, type ModuleView } from "./schemas.ts";

/** A module as the viewer may see it: an excluded module shows `‹name›` instead of its globs. */
export function toModuleView(row: ModuleRow, levels: ModuleLevels, role: Role, ctx: Ctx): ModuleView {
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
export async function listModules({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ModuleView[]> {
  const { slug } = parseInput(ProjectRef, input);
  const db = ctx.store.read;
  const project = await findProject(db, slug);
  const role = viewerRole(ctx);
  return (await db.projects.modulesWithAccess(project.id)).map((row) => toModuleView(row, row.access, role, ctx));
}

/** The access matrix of a project: every module × every role (names and levels only, no globs). */
export async function moduleAccessMatrix({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ roles: readonly Role[]; modules: { name: string; access: Record<Role, AccessLevel> }[] }> {
  requireProjectsManage(ctx);
  const { slug } = parseInput(ProjectRef, input);
  const db = ctx.store.read;
  const project = await findProject(db, slug);
  const rows = await db.projects.modulesWithAccess(project.id);
  return {
    roles: ROLES,
    modules: rows.map((row) => ({ name: row.name, access: Object.fromEntries(ROLES.map((r) => [r, row.access[r] ?? "editable"])) as Record<Role, AccessLevel> })),
  };
}
