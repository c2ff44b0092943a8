import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { expireDue } from "./expiry.ts";

/** Expires every pending checkpoint whose time is up (the periodic sweep); returns how many. */
export function expireCheckpoints({ ctx }: { ctx: Ctx }): number {
  return transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now()));
}

/** Runs the sweep every `intervalMs` until the returned function is called. */
export function startCheckpointSweep(ctx: Ctx, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    try {
      expireCheckpoints({ ctx });
    } catch (error) {
      ctx.logger.error({ kind: (error as Error)?.name ?? "error" }, "checkpoint sweep failed");
    }
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
