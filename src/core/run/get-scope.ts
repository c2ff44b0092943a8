import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { parseInput } from "../validate.ts";
import { projectBySlug, requireAgent } from "./access.ts";
import { CLAIM_LIST_LIMIT, liveConflicts, ownClaims } from "./claims.ts";
import { GetScopeInput, type ClaimConflictViewT, type GetScopeOutput } from "./schemas.ts";
import { manifestFor, scopeView } from "./scope-check.ts";

/** How many of the caller's open runs are searched for conflicts. */
const OPEN_RUNS = 50;

/**
 * The caller's scope manifest for a project: editable, read-only and excluded globs (masked), the
 * paths the caller's open runs there claim, and the paths they asked for that another run holds.
 */
export async function getScope({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<z.infer<typeof GetScopeOutput>> {
  const actor = requireAgent(ctx);
  const data = parseInput(GetScopeInput, input);
  // Read before the write: the transaction only records that the scope was served.
  const q = ctx.store.read;
  const project = await projectBySlug(q, data.project);
  const manifest = await manifestFor(q, project.id, actor.role);
  const scope = scopeView(manifest, project.slug);
  const claims = await ownClaims(q, manifest, actor.userId, project.id);
  const now = ctx.clock.now();
  const conflicts: ClaimConflictViewT[] = [];
  for (const { run } of await q.runs.openRunsOf(actor.userId, OPEN_RUNS)) {
    if (run.projectId === project.id) conflicts.push(...(await liveConflicts(q, now, manifest, run)));
  }
  return transact(ctx, async (_tx, record) => {
    await record({ type: "scope.served", projectId: project.id, meta: { editable: scope.editable.length, readOnly: scope.read_only.length, excluded: scope.excluded.length } });
    return { ...scope, claims, conflicts: conflicts.slice(0, CLAIM_LIST_LIMIT) };
  });
}
