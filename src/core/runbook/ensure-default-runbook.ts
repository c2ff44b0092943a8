import { eq } from "drizzle-orm";
import { runbooks, runbookVersions } from "../../db/schema/index.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { DEFAULT_PHASES, DEFAULT_RUNBOOK_ID } from "./schemas.ts";

/** Creates the workspace default runbook (version 1) unless it exists; safe to call at every start. */
export function ensureDefaultRunbook({ ctx }: { ctx: Ctx }): { created: boolean } {
  const existing = ctx.store.read.select({ id: runbooks.id }).from(runbooks).where(eq(runbooks.id, DEFAULT_RUNBOOK_ID)).get();
  if (existing) return { created: false };
  return transact(ctx, (tx, record) => {
    // Checked again inside the write lock: two processes starting at once must not both insert.
    if (tx.select({ id: runbooks.id }).from(runbooks).where(eq(runbooks.id, DEFAULT_RUNBOOK_ID)).get()) return { created: false };
    const now = ctx.clock.now();
    tx.insert(runbooks).values({ id: DEFAULT_RUNBOOK_ID, projectId: null, name: "Default", createdAt: now }).run();
    const versionId = newId("rbv");
    tx.insert(runbookVersions).values({ id: versionId, runbookId: DEFAULT_RUNBOOK_ID, version: 1, phases: DEFAULT_PHASES, createdBy: null, createdAt: now }).run();
    record({ type: "runbook.published", subject: DEFAULT_RUNBOOK_ID, meta: { version: 1, versionId, phases: DEFAULT_PHASES.length } });
    return { created: true };
  });
}
