import { and, eq, isNull } from "drizzle-orm";
import { sessions } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { transact } from "../transact.ts";

/** Ends the caller's session: the token stops working on the very next request. */
export function logout({ ctx, sessionId }: { ctx: Ctx; sessionId: string }): void {
  if (ctx.actor.kind !== "human") throw new AppError("forbidden", "only people have sessions");
  const userId = ctx.actor.userId;
  transact(ctx, (tx, record) => {
    tx.update(sessions).set({ revokedAt: ctx.clock.now() })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt))).run();
    record({ type: "auth.logout", subject: userId, meta: { sessionId } });
  });
}
