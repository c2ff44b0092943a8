import type { Ctx } from "../context.ts";
import { conflict } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage } from "./access.ts";
import { ProjectRef } from "./schemas.ts";

/** Deletes a project and its modules; refused while runs refer to it (their history must stay). */
export async function deleteProject({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; slug: string }> {
  requireProjectsManage(ctx);
  const { slug } = parseInput(ProjectRef, input);
  return transact(ctx, async (tx, record) => {
    const row = await findProject(tx, slug);
    if (await tx.projects.hasRuns(row.id)) throw conflict("this project has runs; their history keeps it (remove its modules instead)");
    await tx.projects.delete(row.id);
    await record({ type: "project.deleted", projectId: row.id, subject: row.id, meta: { slug } });
    return { id: row.id, slug };
  });
}
