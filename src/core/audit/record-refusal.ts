import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import type { EventMeta } from "./append-event.ts";

type RefusalType = "origin.rejected" | "rate.limited" | "input.rejected" | "key.rejected" | "scanner.blocked";

/**
 * Records a refused request as an audit event of its own (kinds and ids only, never content).
 * Resolves once the event is durable. Never rejects: the refusal stands whether or not it could be recorded, so callers need no guard.
 */
export async function recordRefusal(ctx: Ctx, type: RefusalType, meta: EventMeta, refs: { runId?: string | null; subject?: string | null } = {}): Promise<void> {
  try {
    await transact(ctx, async (_tx, record) => {
      await record({ type, meta, runId: refs.runId ?? null, subject: refs.subject ?? null });
    });
  } catch (error) {
    ctx.logger.error({ type, kind: (error as Error)?.name ?? "error" }, "could not record a refusal");
  }
}
