import type { Ctx } from "../context.ts";
import { transact } from "../transact.ts";
import { expireDue } from "./expiry.ts";

/** Expires every pending checkpoint whose time is up (the periodic sweep); returns how many. */
export async function expireCheckpoints({ ctx }: { ctx: Ctx }): Promise<number> {
  return transact(ctx, (tx, record) => expireDue(tx, record, ctx.clock.now()));
}

/**
 * Runs the sweep every `intervalMs` until the returned function is called. A tick that comes
 * while the previous sweep is still running is skipped (one sweep at a time); a failing sweep is
 * logged, never thrown (an unhandled rejection would take the process down).
 */
export function startCheckpointSweep(ctx: Ctx, intervalMs = 60_000): () => void {
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      // One node at a time sweeps (PostgreSQL); the others skip this tick.
      const sweep = async () => void (await expireCheckpoints({ ctx }));
      await (ctx.store.exclusive ? ctx.store.exclusive("checkpoint-sweep", sweep) : sweep());
    } catch (error) {
      ctx.logger.error({ kind: (error as Error)?.name ?? "error" }, "checkpoint sweep failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
