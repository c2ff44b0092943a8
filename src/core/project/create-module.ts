import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { atLeast, ROLES, type Role } from "../roles.ts";
import type { Tx } from "../store.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import { toModuleView } from "./list-modules.ts";
import type { ModuleLevels, ModuleRow } from "./queries.ts";
import { CreateModuleInput, type AccessMap, type ModuleView } from "./schemas.ts";

/** People may not set the access of a role above their own (an admin cannot lock the owner out). */
export function checkAccessChange(ctx: Ctx, access: AccessMap): void {
  if (ctx.actor.kind !== "human") return;
  for (const role of Object.keys(access) as Role[]) {
    if (!atLeast(ctx.actor.role, role)) throw forbidden(`you cannot change the access of the ${role} role, which is above your own`);
  }
}

/**
 * Writes access levels (absent rows mean editable, so `editable` removes the row). Returns the
 * roles whose level changed and the module's levels afterwards.
 */
export async function writeAccess(tx: Tx, moduleId: string, access: AccessMap, current: ModuleLevels): Promise<{ changed: Role[]; levels: ModuleLevels }> {
  const changed: Role[] = [];
  const levels: ModuleLevels = { ...current };
  for (const role of ROLES) {
    const level = access[role];
    if (level === undefined || (current[role] ?? "editable") === level) continue;
    if (level === "editable") {
      await tx.projects.clearAccess(moduleId, role);
      delete levels[role];
    } else {
      await tx.projects.setAccess(moduleId, role, level);
      levels[role] = level;
    }
    changed.push(role);
  }
  return { changed, levels };
}

export async function createModule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ModuleView> {
  requireProjectsManage(ctx);
  const data = parseInput(CreateModuleInput, input);
  checkAccessChange(ctx, data.access ?? {});
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    const project = await findProject(tx, data.projectSlug);
    if (await tx.projects.moduleByName(project.id, data.name)) throw conflict("a module with this name already exists in the project");
    const row: ModuleRow = { id: newId("mod"), projectId: project.id, name: data.name, globs: data.globs, createdAt: now, updatedAt: now };
    await tx.projects.insertModule(row);
    const { changed, levels } = await writeAccess(tx, row.id, data.access ?? {}, {});
    await record({ type: "module.created", projectId: project.id, subject: row.id, meta: { name: row.name, globCount: row.globs.length } });
    if (changed.length > 0) await record({ type: "module.access_changed", projectId: project.id, subject: row.id, meta: Object.fromEntries(changed.map((r) => [r, data.access![r]!])) });
    return toModuleView(row, levels, viewerRole(ctx), ctx);
  });
}
