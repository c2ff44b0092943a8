import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { transact } from "../transact.ts";

/** Ends the caller's session: the token stops working on the very next request. */
export async function logout({ ctx, sessionId }: { ctx: Ctx; sessionId: string }): Promise<void> {
  if (ctx.actor.kind !== "human") throw new AppError("forbidden", "only people have sessions");
  const userId = ctx.actor.userId;
  await transact(ctx, async (tx, record) => {
    await tx.users.revokeSession(sessionId, userId, ctx.clock.now());
    await record({ type: "auth.logout", subject: userId, meta: { sessionId } });
  });
}
