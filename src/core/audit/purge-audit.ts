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
export async function purgeAudit(ctx: Ctx): Promise<PurgeResult> {
  const actor = ctx.actor;
  if (actor.kind === "agent" || (actor.kind === "human" && !can(actor.role, "settings.manage"))) {
    throw forbidden("only the owner can purge the audit trail");
  }
  return transact(ctx, async (tx, record) => {
    const { retentionDays } = await getSettings(tx);
    if (retentionDays === 0) return { purged: 0, retentionDays, firstSeq: 0 };
    const cutoff = ctx.clock.now() - retentionDays * DAY;
    const head = await tx.audit.head();
    if (!head) return { purged: 0, retentionDays, firstSeq: 0 };
    // Only a prefix of the chain may go (a hole in the middle could not be anchored), so the cut is
    // at the first event inside the period even if a later one carries an older clock reading.
    const keep = await tx.audit.firstSeqSince(cutoff);
    const boundary = Math.min(keep ?? head.seq, head.seq);
    const purged = await tx.audit.purgeBefore(boundary);
    const first = (await tx.audit.first())!;
    const remaining = await tx.audit.count();
    await record({
      type: "retention.purged",
      meta: { purged, retentionDays, cutoff, firstSeq: first.seq, firstPrevHash: first.prevHash, remaining },
    });
    return { purged, retentionDays, firstSeq: first.seq };
  });
}
