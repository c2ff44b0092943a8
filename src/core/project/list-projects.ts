import type { Ctx } from "../context.ts";
import { parseInput } from "../validate.ts";
import { findProject, toProjectView } from "./access.ts";
import { ProjectRef, type ProjectView } from "./schemas.ts";

/** Every project (all roles may see projects; module paths are masked separately). */
export async function listProjects({ ctx }: { ctx: Ctx }): Promise<ProjectView[]> {
  return (await ctx.store.read.projects.list()).map(toProjectView);
}

export async function getProject({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ProjectView> {
  const { slug } = parseInput(ProjectRef, input);
  return toProjectView(await findProject(ctx.store.read, slug));
}
