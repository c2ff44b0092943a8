import { asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import { auditEvents, auditPurgeWindow } from "../../db/schema/index.ts";
import { DAY } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { getSettings } from "../setting/get-settings.ts";
import { transact } from "../transact.ts";

export interface PurgeResult {
  readonly purged: number;
  readonly retentionDays: number;
  /** The seq the retained chain now starts at (0 when retention is off). */
  readonly firstSeq: number;
}

/**
 * Deletes events older than the retention period (settings.retentionDays; 0 keeps everything) in
 * one transaction: open the purge window, delete, close it, then append `retention.purged` whose
 * metadata anchors the chain (first remaining seq and its previous hash) so what remains verifies.
 * The newest event is never deleted, so sequence numbers never restart. Owner or system only.
 */
export function purgeAudit(ctx: Ctx): PurgeResult {
  const actor = ctx.actor;
  if (actor.kind === "agent" || (actor.kind === "human" && !can(actor.role, "settings.manage"))) {
    throw forbidden("only the owner can purge the audit trail");
  }
  return transact(ctx, (tx, record) => {
    const { retentionDays } = getSettings(tx);
    if (retentionDays === 0) return { purged: 0, retentionDays, firstSeq: 0 };
    const cutoff = ctx.clock.now() - retentionDays * DAY;
    const head = tx.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
    if (!head) return { purged: 0, retentionDays, firstSeq: 0 };
    // Only a prefix of the chain may go (a hole in the middle could not be anchored), so the cut is
    // at the first event inside the period even if a later one carries an older clock reading.
    const keep = tx.select({ seq: auditEvents.seq }).from(auditEvents).where(gte(auditEvents.at, cutoff)).orderBy(asc(auditEvents.seq)).limit(1).get();
    const boundary = Math.min(keep?.seq ?? head.seq, head.seq);
    tx.update(auditPurgeWindow).set({ open: 1 }).where(eq(auditPurgeWindow.id, 1)).run();
    const deleted = tx.delete(auditEvents).where(lt(auditEvents.seq, boundary)).run() as unknown as { changes: number };
    tx.update(auditPurgeWindow).set({ open: 0 }).where(eq(auditPurgeWindow.id, 1)).run();
    const first = tx.select({ seq: auditEvents.seq, prevHash: auditEvents.prevHash }).from(auditEvents).orderBy(asc(auditEvents.seq)).limit(1).get()!;
    const remaining = tx.select({ n: sql<number>`count(*)` }).from(auditEvents).get()!.n;
    record({
      type: "retention.purged",
      meta: { purged: deleted.changes, retentionDays, cutoff, firstSeq: first.seq, firstPrevHash: first.prevHash, remaining },
    });
    return { purged: deleted.changes, retentionDays, firstSeq: first.seq };
  });
}
