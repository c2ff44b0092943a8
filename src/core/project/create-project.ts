import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { conflict } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { requireProjectsManage, toProjectView } from "./access.ts";
import type { ProjectRow } from "./queries.ts";
import { CreateProjectInput, type ProjectView } from "./schemas.ts";

export async function createProject({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ProjectView> {
  requireProjectsManage(ctx);
  const data = parseInput(CreateProjectInput, input);
  const now = ctx.clock.now();
  return transact(ctx, async (tx, record) => {
    if (await tx.projects.bySlug(data.slug)) throw conflict("a project with this slug already exists");
    const row: ProjectRow = { id: newId("prj"), slug: data.slug, name: data.name, remoteUrl: data.remoteUrl ?? null, protectedGlobs: data.protectedGlobs ?? [], createdAt: now, updatedAt: now };
    await tx.projects.insert(row);
    await record({ type: "project.created", projectId: row.id, subject: row.id, meta: { slug: row.slug } });
    return toProjectView(row);
  });
}
