import type { Ctx } from "../context.ts";
import { findProject, viewerRole } from "../project/access.ts";
import { ProjectRef } from "../project/schemas.ts";
import { parseInput } from "../validate.ts";
import { scopeManifest, type ScopeManifest } from "./manifest.ts";

/** The acting person's or agent's scope manifest in a project, found by slug. */
export async function projectScope({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ScopeManifest> {
  const { slug } = parseInput(ProjectRef, input);
  const project = await findProject(ctx.store.read, slug);
  return await scopeManifest(ctx.store.read, { projectId: project.id, role: viewerRole(ctx) });
}
