import type { Ctx } from "../context.ts";
import { versionView } from "./read-runbook.ts";
import type { RunbookView } from "./schemas.ts";

/** Every runbook with its latest version (any signed-in role may read the team's process). */
export async function listRunbooks({ ctx }: { ctx: Ctx }): Promise<RunbookView[]> {
  const rows = await ctx.store.read.runbooks.allWithLatest();
  return rows.flatMap(({ runbook, latest }) => (latest ? [{ id: runbook.id, name: runbook.name, projectId: runbook.projectId, latest: versionView(latest) }] : []));
}
