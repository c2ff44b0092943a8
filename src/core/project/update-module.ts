import { and, eq } from "drizzle-orm";
import { modules } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden, notFound } from "../errors.ts";
import { moduleAccessLevels } from "../scope/manifest.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import { checkAccessChange, writeAccess } from "./create-module.ts";
import { toModuleView } from "./list-modules.ts";
import { ModuleRef, SetModuleAccessInput, UpdateModuleInput, type ModuleView } from "./schemas.ts";

function findModule(tx: Tx, projectId: string, name: string): typeof modules.$inferSelect {
  const row = tx.select().from(modules).where(and(eq(modules.projectId, projectId), eq(modules.name, name))).get();
  if (!row) throw notFound("module");
  return row;
}

/** Renames a module or replaces its globs. People whose role has it excluded cannot edit it. */
export function updateModule({ ctx, input }: { ctx: Ctx; input: unknown }): ModuleView {
  requireProjectsManage(ctx);
  const data = parseInput(UpdateModuleInput, input);
  return transact(ctx, (tx, record) => {
    const project = findProject(tx, data.projectSlug);
    const row = findModule(tx, project.id, data.name);
    const levels = moduleAccessLevels(tx, [row.id]).get(row.id) ?? {};
    // Editing the globs of a module hidden from you would reveal them (or hide more than you know).
    if ((levels[viewerRole(ctx)] ?? "editable") === "excluded") throw forbidden("this module is excluded for your role");
    const changes: Partial<typeof modules.$inferInsert> = {};
    if (data.newName !== undefined && data.newName !== row.name) {
      if (tx.select({ id: modules.id }).from(modules).where(and(eq(modules.projectId, project.id), eq(modules.name, data.newName))).get()) {
        throw conflict("a module with this name already exists in the project");
      }
      changes.name = data.newName;
    }
    if (data.globs !== undefined && JSON.stringify(data.globs) !== JSON.stringify(row.globs)) changes.globs = data.globs;
    const fields = Object.keys(changes);
    if (fields.length === 0) return toModuleView(row, levels, viewerRole(ctx), ctx);
    const updated = { ...row, ...changes, updatedAt: ctx.clock.now() };
    tx.update(modules).set({ ...changes, updatedAt: updated.updatedAt }).where(eq(modules.id, row.id)).run();
    record({ type: "module.changed", projectId: project.id, subject: row.id, meta: { fields, name: updated.name } });
    return toModuleView(updated, levels, viewerRole(ctx), ctx);
  });
}

/** Sets some roles' access level to a module (never for a role above one's own). */
export function setModuleAccess({ ctx, input }: { ctx: Ctx; input: unknown }): ModuleView {
  requireProjectsManage(ctx);
  const data = parseInput(SetModuleAccessInput, input);
  checkAccessChange(ctx, data.access);
  return transact(ctx, (tx, record) => {
    const project = findProject(tx, data.projectSlug);
    const row = findModule(tx, project.id, data.name);
    const before = moduleAccessLevels(tx, [row.id]).get(row.id) ?? {};
    const changed = writeAccess(tx, row.id, data.access, before);
    if (changed.length > 0) record({ type: "module.access_changed", projectId: project.id, subject: row.id, meta: Object.fromEntries(changed.map((r) => [r, data.access[r]!])) });
    const after = moduleAccessLevels(tx, [row.id]).get(row.id) ?? {};
    return toModuleView(row, after, viewerRole(ctx), ctx);
  });
}

export function deleteModule({ ctx, input }: { ctx: Ctx; input: unknown }): { id: string; name: string } {
  requireProjectsManage(ctx);
  const data = parseInput(ModuleRef, input);
  return transact(ctx, (tx, record) => {
    const project = findProject(tx, data.projectSlug);
    const row = findModule(tx, project.id, data.name);
    tx.delete(modules).where(eq(modules.id, row.id)).run();
    record({ type: "module.deleted", projectId: project.id, subject: row.id, meta: { name: row.name } });
    return { id: row.id, name: row.name };
  });
}
