import { eq } from "drizzle-orm";
import { projects } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { requireProjectsManage, toProjectView } from "./access.ts";
import { CreateProjectInput, type ProjectView } from "./schemas.ts";

export function createProject({ ctx, input }: { ctx: Ctx; input: unknown }): ProjectView {
  requireProjectsManage(ctx);
  const data = parseInput(CreateProjectInput, input);
  const now = ctx.clock.now();
  return transact(ctx, (tx, record) => {
    if (tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, data.slug)).get()) throw conflict("a project with this slug already exists");
    const row = { id: newId("prj"), slug: data.slug, name: data.name, remoteUrl: data.remoteUrl ?? null, protectedGlobs: data.protectedGlobs ?? [], createdAt: now, updatedAt: now };
    tx.insert(projects).values(row).run();
    record({ type: "project.created", projectId: row.id, subject: row.id, meta: { slug: row.slug } });
    return toProjectView(row);
  });
}
