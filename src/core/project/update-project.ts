import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { findProject, requireProjectsManage, toProjectView } from "./access.ts";
import type { ProjectRow } from "./queries.ts";
import { UpdateProjectInput, type ProjectView } from "./schemas.ts";

/** Changes a project's name, remote URL or protected globs (the slug is its stable identity). */
export async function updateProject({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ProjectView> {
  requireProjectsManage(ctx);
  const { slug, ...patch } = parseInput(UpdateProjectInput, input);
  return transact(ctx, async (tx, record) => {
    const row = await findProject(tx, slug);
    const changes: Partial<Pick<ProjectRow, "name" | "remoteUrl" | "protectedGlobs">> = {};
    if (patch.name !== undefined && patch.name !== row.name) changes.name = patch.name;
    if (patch.remoteUrl !== undefined && patch.remoteUrl !== row.remoteUrl) changes.remoteUrl = patch.remoteUrl;
    if (patch.protectedGlobs !== undefined && JSON.stringify(patch.protectedGlobs) !== JSON.stringify(row.protectedGlobs)) changes.protectedGlobs = patch.protectedGlobs;
    const fields = Object.keys(changes);
    if (fields.length === 0) return toProjectView(row);
    const updated: ProjectRow = { ...row, ...changes, updatedAt: ctx.clock.now() };
    await tx.projects.update(updated);
    await record({ type: "project.changed", projectId: row.id, subject: row.id, meta: { fields } });
    return toProjectView(updated);
  });
}
