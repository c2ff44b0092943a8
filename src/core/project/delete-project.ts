import { eq } from "drizzle-orm";
import { projects, runs } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { conflict } from "../errors.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage } from "./access.ts";
import { ProjectRef } from "./schemas.ts";

/** Deletes a project and its modules; refused while runs refer to it (their history must stay). */
export function deleteProject({ ctx, input }: { ctx: Ctx; input: unknown }): { id: string; slug: string } {
  requireProjectsManage(ctx);
  const { slug } = parseInput(ProjectRef, input);
  return transact(ctx, (tx, record) => {
    const row = findProject(tx, slug);
    if (tx.select({ id: runs.id }).from(runs).where(eq(runs.projectId, row.id)).limit(1).get()) {
      throw conflict("this project has runs; their history keeps it (remove its modules instead)");
    }
    tx.delete(projects).where(eq(projects.id, row.id)).run();
    record({ type: "project.deleted", projectId: row.id, subject: row.id, meta: { slug } });
    return { id: row.id, slug };
  });
}
