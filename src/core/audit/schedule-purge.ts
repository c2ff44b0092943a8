import { DAY, MINUTE } from "../../lib/time.ts";
import type { Ctx } from "../context.ts";
import { purgeAudit } from "./purge-audit.ts";

/**
 * Runs the retention purge a minute after start and then daily, as the system. Timers are unref'd
 * (they never keep the process alive); the returned function clears them at shutdown.
 */
export function scheduleAuditPurge(ctx: Ctx, options: { firstAfterMs?: number; everyMs?: number } = {}): () => void {
  const runOnce = async () => {
    try {
      // One node at a time purges (PostgreSQL); the others skip this round.
      const purge = async () => {
        const result = await purgeAudit(ctx);
        if (result.purged > 0) ctx.logger.info({ purged: result.purged, retentionDays: result.retentionDays }, "audit retention purge");
      };
      await (ctx.store.exclusive ? ctx.store.exclusive("audit-purge", purge) : purge());
    } catch (error) {
      ctx.logger.error({ kind: (error as Error)?.name ?? "error" }, "audit retention purge failed; it will be retried");
    }
  };
  const first = setTimeout(() => void runOnce(), options.firstAfterMs ?? MINUTE);
  const daily = setInterval(() => void runOnce(), options.everyMs ?? DAY);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
