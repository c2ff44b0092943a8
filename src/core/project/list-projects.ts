import { asc } from "drizzle-orm";
import { projects } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { parseInput } from "../validate.ts";
import { findProject, toProjectView } from "./access.ts";
import { ProjectRef, type ProjectView } from "./schemas.ts";

/** Every project (all roles may see projects; module paths are masked separately). */
export function listProjects({ ctx }: { ctx: Ctx }): ProjectView[] {
  return ctx.store.read.select().from(projects).orderBy(asc(projects.slug)).all().map(toProjectView);
}

export function getProject({ ctx, input }: { ctx: Ctx; input: unknown }): ProjectView {
  const { slug } = parseInput(ProjectRef, input);
  return toProjectView(findProject(ctx.store.read, slug));
}
