import type { Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import type { Tx } from "../store.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import { checkAccessChange, writeAccess } from "./create-module.ts";
import { toModuleView } from "./list-modules.ts";
import type { ModuleRow, ModuleWithAccess } from "./queries.ts";
import { ModuleRef, SetModuleAccessInput, UpdateModuleInput, type ModuleView } from "./schemas.ts";

async function findModule(tx: Tx, projectSlug: string, name: string): Promise<ModuleWithAccess> {
  const project = await findProject(tx, projectSlug);
  const row = await tx.projects.moduleByName(project.id, name);
  if (!row) throw notFound("module");
  return row;
}

/** Renames a module or replaces its globs. People whose role has it excluded cannot edit it. */
export async function updateModule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ModuleView> {
  requireProjectsManage(ctx);
  const data = parseInput(UpdateModuleInput, input);
  return transact(ctx, async (tx, record) => {
    const { access: levels, ...row } = await findModule(tx, data.projectSlug, data.name);
    // Editing the globs of a module hidden from you would reveal them (or hide more than you know).
    if ((levels[viewerRole(ctx)] ?? "editable") === "excluded") throw forbidden("this module is excluded for your role");
    const changes: Partial<Pick<ModuleRow, "name" | "globs">> = {};
    if (data.newName !== undefined && data.newName !== row.name) {
      if (await tx.projects.moduleByName(row.projectId, data.newName)) throw conflict("a module with this name already exists in the project");
      changes.name = data.newName;
    }
    if (data.globs !== undefined && JSON.stringify(data.globs) !== JSON.stringify(row.globs)) changes.globs = data.globs;
    const fields = Object.keys(changes);
    if (fields.length === 0) return toModuleView(row, levels, viewerRole(ctx), ctx);
    const updated: ModuleRow = { ...row, ...changes, updatedAt: ctx.clock.now() };
    await tx.projects.updateModule(updated);
    await record({ type: "module.changed", projectId: row.projectId, subject: row.id, meta: { fields, name: updated.name } });
    return toModuleView(updated, levels, viewerRole(ctx), ctx);
  });
}

/** Sets some roles' access level to a module (never for a role above one's own). */
export async function setModuleAccess({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ModuleView> {
  requireProjectsManage(ctx);
  const data = parseInput(SetModuleAccessInput, input);
  checkAccessChange(ctx, data.access);
  return transact(ctx, async (tx, record) => {
    const { access: before, ...row } = await findModule(tx, data.projectSlug, data.name);
    const { changed, levels } = await writeAccess(tx, row.id, data.access, before);
    if (changed.length > 0) await record({ type: "module.access_changed", projectId: row.projectId, subject: row.id, meta: Object.fromEntries(changed.map((r) => [r, data.access[r]!])) });
    return toModuleView(row, levels, viewerRole(ctx), ctx);
  });
}

export async function deleteModule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; name: string }> {
  requireProjectsManage(ctx);
  const data = parseInput(ModuleRef, input);
  return transact(ctx, async (tx, record) => {
    const row = await findModule(tx, data.projectSlug, data.name);
    await tx.projects.deleteModule(row.id);
    await record({ type: "module.deleted", projectId: row.projectId, subject: row.id, meta: { name: row.name } });
    return { id: row.id, name: row.name };
  });
}
