import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { DEFAULT_PHASES, DEFAULT_RUNBOOK_ID } from "./schemas.ts";

/** Creates the workspace default runbook (version 1) unless it exists; safe to call at every start. */
export async function ensureDefaultRunbook({ ctx }: { ctx: Ctx }): Promise<{ created: boolean }> {
  if (await ctx.store.read.runbooks.byId(DEFAULT_RUNBOOK_ID)) return { created: false };
  return transact(ctx, async (tx, record) => {
    // Checked again inside the write lock: two processes starting at once must not both insert.
    if (await tx.runbooks.byId(DEFAULT_RUNBOOK_ID)) return { created: false };
    const now = ctx.clock.now();
    await tx.runbooks.insert({ id: DEFAULT_RUNBOOK_ID, projectId: null, name: "Default", createdAt: now });
    const versionId = newId("rbv");
    await tx.runbooks.insertVersion({ id: versionId, runbookId: DEFAULT_RUNBOOK_ID, version: 1, phases: DEFAULT_PHASES, createdBy: null, createdAt: now });
    await record({ type: "runbook.published", subject: DEFAULT_RUNBOOK_ID, meta: { version: 1, versionId, phases: DEFAULT_PHASES.length } });
    return { created: true };
  });
}
