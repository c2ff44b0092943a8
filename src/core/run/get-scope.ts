import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { projectBySlug, requireAgent } from "./access.ts";
import { GetScopeInput, type ScopeViewT } from "./schemas.ts";
import { manifestFor, scopeView } from "./scope-check.ts";

/** The caller's scope manifest for a project: editable, read-only and excluded globs (masked). */
export async function getScope({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ScopeViewT> {
  const actor = requireAgent(ctx);
  const data = parseInput(GetScopeInput, input);
  // Read before the write: the transaction only records that the scope was served.
  const project = await projectBySlug(ctx.store.read, data.project);
  const scope = scopeView(await manifestFor(ctx.store.read, project.id, actor.role), project.slug);
  return transact(ctx, async (_tx, record) => {
    await record({ type: "scope.served", projectId: project.id, meta: { editable: scope.editable.length, readOnly: scope.read_only.length, excluded: scope.excluded.length } });
    return scope;
  });
}
