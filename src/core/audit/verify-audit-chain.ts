import type { Ctx } from "../context.ts";
import { forbidden } from "../errors.ts";
import { can } from "../roles.ts";
import { transact } from "../transact.ts";
import { readAuditAnchor } from "./anchor.ts";
import { verifyAudit, type VerifyResult } from "./verify-audit.ts";

/**
 * Verifies the whole chain against the store's head anchor (needs `audit.verify`) and records
 * `audit.verified` with the outcome. The anchor is read before the chain, so concurrent appends
 * can only lengthen what is checked, never fail it. Verifying itself needs no write: with
 * `onRecordFailure` (the operator's CLI, e.g. on a full disk) a failed record is handed to it and
 * the result still returned; without it the failure is thrown (every other caller is audited or refused).
 */
export async function verifyAuditChain({ ctx, onRecordFailure }: { ctx: Ctx; onRecordFailure?: (error: unknown) => void }): Promise<VerifyResult> {
  const actor = ctx.actor;
  if (actor.kind === "agent" || (actor.kind === "human" && !can(actor.role, "audit.verify"))) throw forbidden("your role cannot verify the audit trail");
  const anchor = readAuditAnchor(ctx.store.anchor, ctx.auditKey);
  const result = await verifyAudit(ctx.store.read, ctx.auditKey, { anchor });
  try {
    await transact(ctx, async (_tx, record) => {
      await record({
        type: "audit.verified",
        meta: result.intact ? { intact: true, count: result.count, lastSeq: result.lastSeq, anchor: result.anchor } : { intact: false, brokenAt: result.brokenAt },
      });
    });
  } catch (error) {
    if (!onRecordFailure) throw error;
    onRecordFailure(error);
  }
  return result;
}
