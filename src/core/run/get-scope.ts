import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { projectBySlug, requireAgent } from "./access.ts";
import { GetScopeInput, type ScopeViewT } from "./schemas.ts";
import { manifestFor, scopeView } from "./scope-check.ts";

/** The caller's scope manifest for a project: editable, read-only and excluded globs (masked). */
export function getScope({ ctx, input }: { ctx: Ctx; input: unknown }): ScopeViewT {
  const actor = requireAgent(ctx);
  const data = parseInput(GetScopeInput, input);
  return transact(ctx, (tx, record) => {
    const project = projectBySlug(tx, data.project);
    const scope = scopeView(manifestFor(tx, project.id, actor.role), project.slug);
    record({ type: "scope.served", projectId: project.id, meta: { editable: scope.editable.length, readOnly: scope.read_only.length, excluded: scope.excluded.length } });
    return scope;
  });
}
