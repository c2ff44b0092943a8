import { and, eq } from "drizzle-orm";
import { moduleAccess, modules } from "../../db/schema/index.ts";
import type { Tx } from "../../db/store.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict, forbidden } from "../errors.ts";
import { atLeast, ROLES, type Role } from "../roles.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, viewerRole } from "./access.ts";
import { toModuleView } from "./list-modules.ts";
import { CreateModuleInput, type AccessMap, type ModuleView } from "./schemas.ts";

/** People may not set the access of a role above their own (an admin cannot lock the owner out). */
export function checkAccessChange(ctx: Ctx, access: AccessMap): void {
  if (ctx.actor.kind !== "human") return;
  for (const role of Object.keys(access) as Role[]) {
    if (!atLeast(ctx.actor.role, role)) throw forbidden(`you cannot change the access of the ${role} role, which is above your own`);
  }
}

/** Writes access rows (absent rows mean editable, so `editable` deletes the row). Returns the roles whose level changed. */
export function writeAccess(tx: Tx, moduleId: string, access: AccessMap, current: Partial<Record<Role, string>>): Role[] {
  const changed: Role[] = [];
  for (const role of ROLES) {
    const level = access[role];
    if (level === undefined || (current[role] ?? "editable") === level) continue;
    tx.delete(moduleAccess).where(and(eq(moduleAccess.moduleId, moduleId), eq(moduleAccess.role, role))).run();
    if (level !== "editable") tx.insert(moduleAccess).values({ moduleId, role, level }).run();
    changed.push(role);
  }
  return changed;
}

export function createModule({ ctx, input }: { ctx: Ctx; input: unknown }): ModuleView {
  requireProjectsManage(ctx);
  const data = parseInput(CreateModuleInput, input);
  checkAccessChange(ctx, data.access ?? {});
  const now = ctx.clock.now();
  return transact(ctx, (tx, record) => {
    const project = findProject(tx, data.projectSlug);
    if (tx.select({ id: modules.id }).from(modules).where(and(eq(modules.projectId, project.id), eq(modules.name, data.name))).get()) {
      throw conflict("a module with this name already exists in the project");
    }
    const row = { id: newId("mod"), projectId: project.id, name: data.name, globs: data.globs, createdAt: now, updatedAt: now };
    tx.insert(modules).values(row).run();
    const changed = writeAccess(tx, row.id, data.access ?? {}, {});
    record({ type: "module.created", projectId: project.id, subject: row.id, meta: { name: row.name, globCount: row.globs.length } });
    if (changed.length > 0) record({ type: "module.access_changed", projectId: project.id, subject: row.id, meta: Object.fromEntries(changed.map((r) => [r, data.access![r]!])) });
    return toModuleView(row, data.access ?? {}, viewerRole(ctx), ctx);
  });
}
